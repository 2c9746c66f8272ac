//! Behaviour through SQL: results do not depend on input row order, batch size or
//! target_partitions; EXPLAIN ANALYZE reports the forecast metrics; the quick start runs.

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::SessionConfig;

use crate::common::*;

const MODELS: &str = "Naive(), SeasonalNaive(season_length=4), RandomWalkWithDrift(), HistoricAverage(), \
                      SimpleExponentialSmoothingOptimized(), ConstantModel(constant=1.0)";

async fn run(
    target_partitions: usize,
    batch_size: usize,
    shuffled: bool,
    sql: &str,
) -> RecordBatch {
    let ctx = datafusion_forecast::session_context(
        SessionConfig::new()
            .with_target_partitions(target_partitions)
            .with_batch_size(batch_size),
    );
    register_train(&ctx, "m1_quarterly").await;
    let input = if shuffled {
        // A fixed pseudo-random order, different from the file's.
        "(SELECT * FROM train ORDER BY md5(concat(unique_id, CAST(ds AS VARCHAR))))"
    } else {
        "(SELECT * FROM train)"
    };
    let batches = query(&ctx, &sql.replace("INPUT", input)).await;
    let batch = concat_batches(&batches[0].schema(), &batches).unwrap();
    ctx.register_batch("output", batch).unwrap();
    let sorted = query(&ctx, "SELECT * FROM output ORDER BY 1, 2, 3").await;
    concat_batches(&sorted[0].schema(), &sorted).unwrap()
}

async fn assert_invariant(sql: &str) {
    let reference = run(1, 8192, false, sql).await;
    assert!(reference.num_rows() > 0);
    for (partitions, batch_size, shuffled) in [
        (2, 8192, false),
        (8, 8192, false),
        (1, 8192, true),
        (8, 7, true),
        (2, 100, true),
    ] {
        let other = run(partitions, batch_size, shuffled, sql).await;
        // Bitwise equality, NaN included: compare the rendered tables.
        assert_eq!(
            pretty_format_batches(std::slice::from_ref(&reference))
                .unwrap()
                .to_string(),
            pretty_format_batches(&[other]).unwrap().to_string(),
            "target_partitions={partitions} batch_size={batch_size} shuffled={shuffled}"
        );
    }
}

#[tokio::test]
async fn forecast_does_not_depend_on_row_order_batches_or_partitions() {
    assert_invariant(&format!(
        "SELECT * FROM forecast(INPUT, h => 8, models => '{MODELS}', level => [80, 95], fitted => true, freq => 'QS')"
    ))
    .await;
}

#[tokio::test]
async fn cross_validation_does_not_depend_on_row_order_batches_or_partitions() {
    assert_invariant(&format!(
        "SELECT * FROM cross_validation((SELECT * FROM INPUT WHERE unique_id IN (SELECT unique_id FROM train GROUP BY unique_id HAVING count(*) > 24)), \
         h => 8, n_windows => 3, step_size => 4, models => '{MODELS}', level => [90])"
    ))
    .await;
}

#[tokio::test]
async fn explain_analyze_reports_series_and_model_time() {
    let ctx = session(2);
    register_train(&ctx, "m1_quarterly").await;
    let batches = query(
        &ctx,
        "EXPLAIN ANALYZE SELECT * FROM forecast('train', h => 4, models => 'Naive(), SeasonalExponentialSmoothing(season_length=4, alpha=0.5)', fitted => true, freq => 'QS')",
    )
    .await;
    let plan = batches[0].column(1).as_string::<i32>().value(0).to_string();
    let line = plan
        .lines()
        .find(|l| l.contains("ForecastExec"))
        .expect("ForecastExec in plan")
        .to_string();
    for metric in [
        "series=203",
        "series_failed=0",
        "series_fallback=0",
        "fit_time_Naive=",
        "fit_time_SeasonalES=",
        "output_rows=",
        "elapsed_compute=",
    ] {
        assert!(line.contains(metric), "{metric} missing in: {line}");
    }
    for empty in ["output_batches=0", "output_bytes=0.0 B", "output_rows=0"] {
        assert!(!line.contains(empty), "{empty} in: {line}");
    }
}

#[tokio::test]
async fn failed_and_fallen_back_series_are_counted() {
    let ctx = session(2);
    register_train(&ctx, "edge_cases").await;
    // Series shorter than a season cannot give SeasonalES fitted values.
    let sql = "EXPLAIN ANALYZE SELECT * FROM forecast('train', h => 4, models => 'SeasonalExponentialSmoothing(season_length=4, alpha=0.5)', fitted => true, freq => 'QS'{})";
    let metrics = |batches: Vec<RecordBatch>| {
        let plan = batches[0].column(1).as_string::<i32>().value(0).to_string();
        plan.lines()
            .find(|l| l.contains("ForecastExec"))
            .unwrap()
            .to_string()
    };
    let line = metrics(query(&ctx, &sql.replace("{}", "")).await);
    assert!(
        line.contains("series=16") && line.contains("series_failed=3"),
        "{line}"
    );
    let line = metrics(query(&ctx, &sql.replace("{}", ", fallback_model => 'Naive()'")).await);
    assert!(
        line.contains("series_failed=0") && line.contains("series_fallback=3"),
        "{line}"
    );
}

/// The README's quick start (`sql/quickstart.sql`) runs statement by statement, its
/// AutoETS step gives six AirPassengers forecasts with ordered bounds, and its anomalies
/// step the observations outside AutoETS's 99 % bounds.
#[tokio::test]
async fn quickstart_runs() {
    let script = std::fs::read_to_string("sql/quickstart.sql").expect("quick start script");
    // As dfcast: files named in quotes are tables.
    let ctx = session(2).enable_url_table();
    datafusion_forecast::register(&ctx).unwrap();
    let mut results = Vec::new();
    for statement in script.split_inclusive(";\n") {
        let sql: String = statement
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if sql.trim().is_empty() {
            continue;
        }
        let batches = ctx
            .sql(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .collect()
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        if let Some(first) = batches.first() {
            results.push(concat_batches(&first.schema(), &batches).unwrap());
        }
    }
    let column = |table: &RecordBatch, name: &str| {
        table
            .column_by_name(name)
            .unwrap_or_else(|| panic!("{name}"))
            .as_primitive::<datafusion::arrow::datatypes::Float64Type>()
            .clone()
    };
    let step = |column: &str| {
        results
            .iter()
            .find(|table| table.column_by_name(column).is_some())
            .unwrap_or_else(|| panic!("no quick start step gives a column {column}"))
    };
    let (forecast, anomalies) = (step("auto_ets"), step("probability"));
    assert_eq!(forecast.num_rows(), 6);
    let (lo, mean, hi) = (
        column(forecast, "lo_80"),
        column(forecast, "auto_ets"),
        column(forecast, "hi_80"),
    );
    for row in 0..6 {
        assert!(lo.value(row) < mean.value(row) && mean.value(row) < hi.value(row));
    }
    assert!(anomalies.num_rows() > 0);
    let (y, lo, hi, probability) = (
        column(anomalies, "y"),
        column(anomalies, "lo_99"),
        column(anomalies, "hi_99"),
        column(anomalies, "probability"),
    );
    for row in 0..anomalies.num_rows() {
        assert!(y.value(row) < lo.value(row) || y.value(row) > hi.value(row));
        assert!(probability.value(row) > 0.99);
    }
}

/// An application's context, with its settings and tables, gets the extension in one call:
/// tables are found by name and the plan sorts by series.
#[tokio::test]
async fn one_call_installs_the_extension_on_an_existing_context() {
    let ctx = datafusion::prelude::SessionContext::new_with_config(
        SessionConfig::new().with_target_partitions(3),
    );
    query(
        &ctx,
        "CREATE TABLE t (unique_id VARCHAR, ds DATE, y DOUBLE) AS VALUES \
         ('a', DATE '2024-01-01', 1.0), ('a', DATE '2024-01-02', 2.0), ('b', DATE '2024-01-01', 5.0), ('b', DATE '2024-01-02', 4.0)",
    )
    .await;
    datafusion_forecast::install_on(&ctx).expect("installs");
    let out = query(
        &ctx,
        "SELECT * FROM forecast('t', h => 2, models => 'Naive()')",
    )
    .await;
    assert_eq!(out.iter().map(RecordBatch::num_rows).sum::<usize>(), 4);
    assert_eq!(ctx.state().config().target_partitions(), 3, "settings kept");
    let plan = query(
        &ctx,
        "EXPLAIN SELECT * FROM forecast(t, h => 2, models => 'Naive()')",
    )
    .await;
    let text = pretty_format_batches(&plan).unwrap().to_string();
    assert!(
        text.contains("ForecastExec") && text.contains("SortExec"),
        "{text}"
    );
}
