//! Exogenous regressors through SQL: `forecast(..., future => ...)` matches the future rows
//! to the forecast rows by (id, ds), ignores rows past the horizon and of unknown series;
//! `cross_validation` reads the regressors after each cutoff from the input; models that
//! use no regressors ignore extra columns of any type; every bad input is an error naming
//! what is wrong; and parity with statsforecast on the exog panel (`AutoARIMA`,
//! `ARIMA(order=(1,0,0))` with `X_df`).

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Schema};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

use crate::common::*;
use crate::tolerance::Criterion;

/// `ARIMA(order=(1,0,0))` with regressors: 98 % of the series within 1e-4 (as the ARIMA
/// parity tests).
const ARIMAX: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.98,
    min_series_for_share: 20,
    known: &[],
};

/// AutoARIMA with regressors: 95 % of the series within 1e-4.
const AUTO_ARIMAX: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.95,
    min_series_for_share: 20,
    known: &[],
};

/// Registers the exog panel: `exog_train` (unique_id, ds, y, x1, x2) and `exog_future`
/// (unique_id, ds, x1, x2).
async fn register_exog(ctx: &SessionContext) {
    let field = |name: &str, data_type: DataType| Field::new(name, data_type, true);
    let train = Schema::new(vec![
        field("unique_id", DataType::Utf8),
        field("ds", DataType::Date32),
        field("y", DataType::Float64),
        field("x1", DataType::Float64),
        field("x2", DataType::Float64),
    ]);
    let future = Schema::new(vec![
        field("unique_id", DataType::Utf8),
        field("ds", DataType::Date32),
        field("x1", DataType::Float64),
        field("x2", DataType::Float64),
    ]);
    for (table, file, schema) in [
        ("exog_train", "exog_train.csv", &train),
        ("exog_future", "exog_future.csv", &future),
    ] {
        ctx.register_csv(table, &fixture(file), CsvReadOptions::new().schema(schema))
            .await
            .expect("exog CSV registers");
    }
}

/// Series `a` and `b`, 40 days each, with `y = 10 + 3 x` plus a little noise, so that a
/// regression on `x` (`ARIMA(order=(0,0,0))`) forecasts `10 + 3 x` at each future row;
/// also a text column `note`. The last rows have large `x`, far from the others.
async fn register_linear(ctx: &SessionContext) {
    let mut rows = Vec::new();
    for (series, shift) in [("a", 0), ("b", 5)] {
        for day in 0..40 {
            let x = if day >= 34 {
                50.0 + day as f64
            } else {
                ((day * 7 + shift) % 11) as f64
            };
            let noise = (((day * 13) % 5) as f64 - 2.0) * 0.01;
            rows.push(format!(
                "('{series}', DATE '2024-01-01' + INTERVAL '{day} days', {}, {x}, 'n{day}')",
                10.0 + 3.0 * x + noise
            ));
        }
    }
    let sql = format!(
        "CREATE TABLE linear AS SELECT unique_id, CAST(ds AS DATE) AS ds, y, x, note FROM (VALUES {}) AS t(unique_id, ds, y, x, note)",
        rows.join(", ")
    );
    query(ctx, &sql).await;
    query(
        ctx,
        "CREATE TABLE linear_future (unique_id VARCHAR, ds DATE, x DOUBLE) AS VALUES \
         ('a', DATE '2024-02-10', 100.0), ('a', DATE '2024-02-11', -50.0), ('a', DATE '2024-02-12', 7.0), \
         ('b', DATE '2024-02-10', 20.0), ('b', DATE '2024-02-11', 40.0), ('b', DATE '2024-02-12', -5.0)",
    )
    .await;
}

fn session_with(target_partitions: usize, batch_size: usize) -> SessionContext {
    datafusion_forecast::session_context(
        SessionConfig::new()
            .with_target_partitions(target_partitions)
            .with_batch_size(batch_size),
    )
}

/// The rows of `sql`, sorted, as one table.
async fn sorted(ctx: &SessionContext, sql: &str) -> RecordBatch {
    let batches = query(ctx, sql).await;
    let batch = concat_batches(&batches[0].schema(), &batches).unwrap();
    ctx.deregister_table("output").unwrap();
    ctx.register_batch("output", batch).unwrap();
    let sorted = query(ctx, "SELECT * FROM output ORDER BY 1, 2").await;
    concat_batches(&sorted[0].schema(), &sorted).unwrap()
}

fn render(batch: &RecordBatch) -> String {
    pretty_format_batches(std::slice::from_ref(batch))
        .unwrap()
        .to_string()
}

/// The error of a query that must fail (at planning or while running).
async fn error_of(ctx: &SessionContext, sql: &str) -> String {
    match ctx.sql(sql).await {
        Err(e) => e.to_string(),
        Ok(df) => match df.collect().await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("query succeeded but must fail:\n{sql}"),
        },
    }
}

/// `(id, ds as days, value of column)` of every row.
fn values(batch: &RecordBatch, column: &str) -> Vec<(String, i32, f64)> {
    let ids = datafusion::arrow::compute::cast(batch.column(0), &DataType::Utf8).unwrap();
    let ds = batch
        .column(1)
        .as_primitive::<datafusion::arrow::datatypes::Date32Type>();
    let values = batch
        .column_by_name(column)
        .unwrap()
        .as_primitive::<Float64Type>();
    (0..batch.num_rows())
        .map(|i| {
            (
                ids.as_string::<i32>().value(i).to_string(),
                ds.value(i),
                values.value(i),
            )
        })
        .collect()
}

#[tokio::test]
async fn exog_panel_matches_statsforecast() {
    let ctx = session(4);
    register_exog(&ctx).await;
    let sql = "SELECT * FROM forecast('exog_train', h => 12, \
               models => 'AutoARIMA(season_length=12), ARIMA(order=(1,0,0), alias=''ARIMAX_100'')', \
               level => [80, 95], fitted => true, freq => 'MS', future => 'exog_future')";
    let output = query(&ctx, sql).await;
    ctx.register_batch(
        "output",
        concat_batches(&output[0].schema(), &output).unwrap(),
    )
    .unwrap();
    let part = |kind: &'static str| {
        let ctx = &ctx;
        async move {
            let sql = format!("SELECT * FROM output WHERE time_series_type = '{kind}'");
            Table::from_batches(&query(ctx, &sql).await)
        }
    };
    let (forecast, history) = (part("forecast").await, part("history").await);
    let expected = Table::from_batches(&read_fixture(&ctx, "exog__arima__forecast.parquet").await);
    let expected_fitted =
        Table::from_batches(&read_fixture(&ctx, "exog__arima__fitted.parquet").await);
    assert_eq!(forecast.order.len(), expected.order.len(), "forecast rows");
    assert_eq!(
        history.order.len(),
        expected_fitted.order.len(),
        "history rows"
    );
    for (criterion, alias) in [(&AUTO_ARIMAX, "AutoARIMA"), (&ARIMAX, "ARIMAX_100")] {
        criterion.check(
            "exog",
            "forecast",
            &criterion.tally(&expected, &forecast, &[alias]),
        );
        criterion.check(
            "exog",
            "fitted",
            &criterion.tally(&expected_fitted, &history, &[alias]),
        );
    }
}

/// The future rows shuffled, with columns in another order and an extra one, plus rows
/// that must be ignored: a year past the horizon, of series absent from the input, and at
/// the dates of the history (a positional match would take those first). The forecast
/// equals the one from the plain future, whatever the partitions and batch size.
#[tokio::test]
async fn future_rows_are_matched_by_id_and_ds_and_the_others_ignored() {
    let plain = "SELECT * FROM forecast('exog_train', h => 12, \
                 models => 'ARIMA(order=(1,0,0), alias=''ARIMAX_100'')', level => [80], \
                 freq => 'MS', future => 'exog_future')";
    let reference = {
        let ctx = session_with(1, 8192);
        register_exog(&ctx).await;
        sorted(&ctx, plain).await
    };
    assert_eq!(reference.num_rows(), 30 * 12);
    let noisy = "(SELECT x2, 'ignored' AS note, ds, x1, unique_id FROM ( \
                   SELECT unique_id, ds, x1, x2 FROM exog_future \
                   UNION ALL SELECT unique_id, CAST(ds + INTERVAL '1 year' AS DATE), x1 + 1000, x2 FROM exog_future \
                   UNION ALL SELECT concat('unknown-', unique_id), ds, x1 + 1000, x2 FROM exog_future \
                   UNION ALL SELECT unique_id, ds, x1 + 1000, x2 - 1000 FROM exog_train) \
                 ORDER BY md5(concat(unique_id, CAST(ds AS VARCHAR))))";
    for (partitions, batch_size) in [(1, 8192), (4, 7), (3, 100)] {
        let ctx = session_with(partitions, batch_size);
        register_exog(&ctx).await;
        let shuffled = sorted(&ctx, &plain.replace("'exog_future'", noisy)).await;
        assert_eq!(
            render(&shuffled),
            render(&reference),
            "target_partitions={partitions} batch_size={batch_size}"
        );
    }
    // The values are used: other future values give another forecast.
    let ctx = session_with(2, 8192);
    register_exog(&ctx).await;
    let changed = plain.replace(
        "'exog_future'",
        "(SELECT unique_id, ds, x1 + 1 AS x1, x2 FROM exog_future)",
    );
    assert_ne!(render(&sorted(&ctx, &changed).await), render(&reference));
}

/// A regression on `x` forecasts `10 + 3 x` at each future row: the k-th forecast row
/// takes the future row at its own date.
#[tokio::test]
async fn each_forecast_row_takes_the_future_row_at_its_date() {
    let ctx = session(3);
    register_linear(&ctx).await;
    let future = "(SELECT * FROM linear_future ORDER BY x)";
    let batch = sorted(
        &ctx,
        &format!(
            "SELECT * FROM forecast((SELECT unique_id, ds, y, x FROM linear), h => 3, \
             models => 'ARIMA(order=(0,0,0)), Naive()', future => {future})"
        ),
    )
    .await;
    let x_future = [
        [100.0, -50.0, 7.0], // a
        [20.0, 40.0, -5.0],  // b
    ];
    let rows = values(&batch, "ARIMA");
    assert_eq!(rows.len(), 6);
    for (i, (id, _, value)) in rows.iter().enumerate() {
        let x = x_future[i / 3][i % 3];
        assert!(
            (value - (10.0 + 3.0 * x)).abs() < 0.5,
            "{id} step {}: ARIMA {value}, expected about {}",
            i % 3 + 1,
            10.0 + 3.0 * x
        );
    }
}

/// cross_validation reads the regressors after each cutoff from the input itself, with
/// and without refitting.
#[tokio::test]
async fn cross_validation_uses_the_input_regressors() {
    let ctx = session(2);
    register_linear(&ctx).await;
    for refit in [true, false] {
        let batch = sorted(
            &ctx,
            &format!(
                "SELECT unique_id, ds, cutoff, y, \"ARIMA\" FROM cross_validation( \
                 (SELECT unique_id, ds, y, x FROM linear), h => 3, n_windows => 2, step_size => 3, \
                 models => 'ARIMA(order=(0,0,0))', refit => {refit})"
            ),
        )
        .await;
        assert_eq!(batch.num_rows(), 12, "refit => {refit}");
        // The actual y is 10 + 3 x (+ noise below 0.03): the forecast must follow x.
        let actual = values(&batch, "y");
        for ((id, ds, forecast), (_, _, y)) in values(&batch, "ARIMA").iter().zip(&actual) {
            assert!(
                (forecast - y).abs() < 0.5,
                "refit => {refit}, {id} day {ds}: ARIMA {forecast}, y {y}"
            );
        }
    }
}

/// Models that use no regressors ignore every extra column, whatever its type, and a
/// `future` argument; so does a regressor model when the input has no extra column.
#[tokio::test]
async fn models_without_regressors_ignore_extra_columns() {
    let ctx = session(2);
    register_linear(&ctx).await;
    let models = "models => 'Naive(), HistoricAverage()', level => [80]";
    let without = sorted(
        &ctx,
        &format!("SELECT * FROM forecast((SELECT unique_id, ds, y FROM linear), h => 3, {models})"),
    )
    .await;
    for input in ["'linear'", "(SELECT note, y, x, ds, unique_id FROM linear)"] {
        for future in ["", ", future => linear_future"] {
            let with = sorted(
                &ctx,
                &format!("SELECT * FROM forecast({input}, h => 3, {models}{future})"),
            )
            .await;
            assert_eq!(render(&with), render(&without), "{input}{future}");
        }
    }
    let cv = "SELECT * FROM cross_validation(INPUT, h => 2, n_windows => 2, models => 'Naive()')";
    assert_eq!(
        render(&sorted(&ctx, &cv.replace("INPUT", "'linear'")).await),
        render(
            &sorted(
                &ctx,
                &cv.replace("INPUT", "(SELECT unique_id, ds, y FROM linear)")
            )
            .await
        )
    );
    // ARIMA without extra columns: future is not needed, and ignored when given.
    let arima = "SELECT * FROM forecast((SELECT unique_id, ds, y FROM linear), h => 2, models => 'ARIMA(order=(1,0,0))'";
    assert_eq!(
        render(&sorted(&ctx, &format!("{arima})")).await),
        render(&sorted(&ctx, &format!("{arima}, future => linear_future)")).await)
    );
}

#[tokio::test]
async fn bad_regressors_and_future_rows_are_errors_naming_them() {
    let ctx = session(2);
    register_linear(&ctx).await;
    let forecast = |input: &str, future: &str| {
        format!(
            "SELECT * FROM forecast({input}, h => 3, models => 'Naive(), ARIMA(order=(0,0,0), alias=''ARIMAX'')'{future})"
        )
    };
    let input = "(SELECT unique_id, ds, y, x FROM linear)";
    let cases = [
        // Plan errors.
        (
            forecast(input, ""),
            "forecast: the models ARIMAX use the regressors x (the input's columns besides 'unique_id', 'ds' and 'y') and need their future values: pass future => (SELECT unique_id, ds, x FROM ...)",
        ),
        (
            forecast("'linear'", ", future => linear_future"),
            "forecast: column 'note' has type Utf8, but the models ARIMAX use every input column besides 'unique_id', 'ds' and 'y' as a regressor, and regressors must be numeric",
        ),
        (
            forecast(
                input,
                ", future => (SELECT unique_id, ds, x AS price FROM linear_future)",
            ),
            "forecast: regressor 'x' is not in future; future needs the id, the time column and every regressor, and its columns are: unique_id, ds, price",
        ),
        (
            forecast(
                input,
                ", future => (SELECT unique_id, ds, CAST(x AS VARCHAR) AS x FROM linear_future)",
            ),
            "forecast: column 'x' of future has type Utf8View; regressors must be numeric",
        ),
        (
            forecast(
                input,
                ", future => (SELECT unique_id, CAST(ds AS TIMESTAMP) AS ds, x FROM linear_future)",
            ),
            "forecast: column 'ds' (time_col) of future has type Timestamp(ns), the input's has type Date32",
        ),
        // Run-time errors: the query fails, naming the series.
        (
            forecast(
                input,
                ", future => (SELECT * FROM linear_future WHERE NOT (unique_id = 'b' AND x = 40))",
            ),
            "forecast: future has no row for series 'b' at ds = 2024-02-11 (forecast step 2 of h = 3)",
        ),
        (
            forecast(
                "(SELECT unique_id, ds, y, CASE WHEN unique_id = 'a' AND ds = DATE '2024-01-05' THEN NULL ELSE x END AS x FROM linear)",
                ", future => linear_future",
            ),
            "forecast: series 'a' has a NULL or NaN regressor 'x' at ds = 2024-01-05; every row needs a value of each regressor",
        ),
        (
            forecast(
                input,
                ", future => (SELECT unique_id, ds, CASE WHEN x = 7 THEN CAST('NaN' AS DOUBLE) ELSE x END AS x FROM linear_future)",
            ),
            "forecast: future has a NULL or NaN regressor 'x' for series 'a' at ds = 2024-02-12; every future row needs a value of each regressor",
        ),
        (
            forecast(
                input,
                ", future => (SELECT * FROM linear_future UNION ALL SELECT 'b', DATE '2024-02-10', 1.0)",
            ),
            "forecast: future has two rows for series 'b' at ds = 2024-02-10; each series needs one future row per date",
        ),
        (
            "SELECT * FROM cross_validation((SELECT unique_id, ds, y, CASE WHEN unique_id = 'a' AND ds = DATE '2024-01-07' THEN CAST('NaN' AS DOUBLE) ELSE x END AS x FROM linear), \
             h => 3, models => 'ARIMA(order=(0,0,0))')".to_string(),
            "cross_validation: series 'a' has a NULL or NaN regressor 'x' at ds = 2024-01-07",
        ),
        (
            "SELECT * FROM cross_validation((SELECT unique_id, ds, y, x FROM linear), h => 3, \
             models => 'ARIMA(order=(0,0,0))', future => linear_future)".to_string(),
            "cross_validation: unknown argument 'future'",
        ),
    ];
    let mut unexpected = Vec::new();
    for (sql, expected) in cases {
        let error = error_of(&ctx, &sql).await;
        if !error.contains(expected) {
            unexpected.push(format!("{sql}\n  expected: {expected}\n  got: {error}"));
        }
    }
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
    // NULL and NaN future values past the horizon, and bad rows of unknown series, are
    // never read.
    let ignored = ", future => (SELECT * FROM linear_future UNION ALL \
                   SELECT 'a', DATE '2024-02-13', CAST(NULL AS DOUBLE) UNION ALL \
                   SELECT 'zz', DATE '2024-02-10', CAST('NaN' AS DOUBLE) UNION ALL \
                   SELECT 'zz', DATE '2024-02-10', CAST('NaN' AS DOUBLE))";
    let rows = sorted(&ctx, &forecast(input, ignored)).await;
    assert_eq!(rows.num_rows(), 6);
}

/// A panel with a regressor several times larger than a fair pool of 16 MB, and a future
/// of 200 rows per series (far past the horizon): the limited run gives the unlimited
/// run's rows, as each series keeps only its `h` future values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regressors_and_a_long_future_run_in_bounded_memory() {
    use std::sync::Arc;

    use datafusion::execution::memory_pool::FairSpillPool;

    use crate::memory::{limited_session, sorted_rows};

    let panel = "SELECT 'a-long-series-identifier-to-make-rows-wide-' || unique_id AS unique_id, ds, y, \
                 CAST(date_part('day', ds) AS DOUBLE) AS x \
                 FROM generate_panel(3000, 'D', 100, 400, seed => 5)";
    let future = format!(
        "SELECT unique_id, ds, CAST(date_part('day', ds) AS DOUBLE) AS x FROM ( \
           SELECT unique_id, CAST(CAST(last AS INT) + k AS DATE) AS ds \
           FROM (SELECT unique_id, max(ds) AS last FROM ({panel}) GROUP BY unique_id) \
           CROSS JOIN (SELECT value AS k FROM generate_series(1, 200)))"
    );
    let sql = format!(
        "SELECT * FROM forecast(({panel}), h => 7, models => 'Naive(), ARIMA(order=(0,0,0))', \
         level => [80], future => ({future}))"
    );
    let expected = sorted_rows(&session(2), &sql).await.unwrap();
    assert_eq!(expected.lines().count(), 3000 * 7 + 4);
    let limited = limited_session(Arc::new(FairSpillPool::new(16 << 20)));
    let actual = sorted_rows(&limited, &sql)
        .await
        .unwrap_or_else(|e| panic!("fair pool of 16 MB: {e}"));
    assert!(actual == expected, "fair pool: output differs");
}
