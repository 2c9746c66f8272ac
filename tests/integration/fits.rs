//! `fit_models` and `predict`: fitted models written as rows (to Parquet and back) give
//! exactly `forecast`'s output, and applied to new observations (`input =>`) they give
//! statsforecast's `forward` (its cross-validation with `refit=False`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, BinaryArray, RecordBatch};
use datafusion::arrow::compute::concat_batches;

use crate::common::*;
use crate::ets_parity::KNOWN_MISMATCHES;
use crate::parity::{DATASETS, Dataset};

/// Every model class, with the dataset's season length and horizon.
fn every_model(dataset: &Dataset) -> String {
    let s = dataset.season_length;
    let h = dataset.h;
    [
        "Naive()".to_string(),
        format!("SeasonalNaive(season_length={s})"),
        "RandomWalkWithDrift()".into(),
        "HistoricAverage()".into(),
        "WindowAverage(window_size=3)".into(),
        format!("SeasonalWindowAverage(season_length={s}, window_size=2)"),
        "SimpleExponentialSmoothing(alpha=0.3)".into(),
        "SimpleExponentialSmoothingOptimized()".into(),
        format!("SeasonalExponentialSmoothing(season_length={s}, alpha=0.3)"),
        format!("SeasonalExponentialSmoothingOptimized(season_length={s})"),
        "ConstantModel(constant=1.5)".into(),
        "ZeroModel()".into(),
        format!("AutoETS(season_length={s})"),
        "Holt()".into(),
        format!("HoltWinters(season_length={s})"),
        format!("AutoARIMA(season_length={s})"),
        "ARIMA(order=(1, 1, 1), include_drift=True)".into(),
        "AutoRegressive(lags=2)".into(),
        format!("AutoTheta(season_length={s})"),
        format!("Theta(season_length={s})"),
        format!("OptimizedTheta(season_length={s})"),
        format!("DynamicTheta(season_length={s})"),
        format!("DynamicOptimizedTheta(season_length={s})"),
        format!("AutoCES(season_length={s})"),
        format!("MSTL(season_length={s})"),
        "CrostonClassic()".into(),
        "CrostonOptimized()".into(),
        "CrostonSBA()".into(),
        "ADIDA()".into(),
        "IMAPA()".into(),
        "TSB(alpha_d=0.2, alpha_p=0.3)".into(),
        format!(
            "SeasonalNaive(season_length={s}, alias='SN_conformal', prediction_intervals=ConformalIntervals(h={h}, n_windows=2))"
        ),
        format!(
            "AutoETS(season_length={s}, alias='AutoETS_conformal', prediction_intervals=ConformalIntervals(h={h}, n_windows=2, method='conformal_error'))"
        ),
    ]
    .join(", ")
}

/// The first `n` series of a dataset's training data, as a query.
fn first_series(n: usize) -> String {
    format!(
        "(SELECT * FROM train WHERE unique_id IN (SELECT DISTINCT unique_id FROM train ORDER BY unique_id LIMIT {n}))"
    )
}

/// Float columns equal bit for bit (NULL = NULL, NaN = NaN), same rows.
fn assert_identical(what: &str, expected: &Table, actual: &Table) {
    assert_eq!(
        expected.order.len(),
        actual.order.len(),
        "{what}: row counts"
    );
    let mut columns: Vec<&String> = expected.columns.keys().collect();
    columns.sort();
    let actual_columns: Vec<&String> = {
        let mut c: Vec<&String> = actual.columns.keys().collect();
        c.sort();
        c
    };
    assert_eq!(columns, actual_columns, "{what}: columns");
    let mut checked = 0;
    for column in columns {
        for key in &expected.order {
            let want = expected.value(key, column).expect("row exists");
            let got = actual
                .value(key, column)
                .unwrap_or_else(|| panic!("{what}: row {key:?} missing"));
            assert_eq!(
                want.map(f64::to_bits),
                got.map(f64::to_bits),
                "{what}: {column} at {key:?}: forecast {want:?}, predict {got:?}"
            );
            checked += 1;
        }
    }
    println!("{what}: {checked} values identical");
}

/// `fit_models` -> Parquet -> `predict` equals `forecast`, bit for bit, for every model on
/// every reference dataset (its first series, to keep the test short).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_from_stored_fits_equals_forecast() {
    let dir = std::env::temp_dir().join(format!("dfcast-fits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for dataset in DATASETS {
        let ctx = session(3);
        register_train(&ctx, dataset.name).await;
        let source = first_series(4);
        let models = every_model(dataset).replace('\'', "''");
        let forecast = query(
            &ctx,
            &format!(
                "SELECT * FROM forecast({source}, h => {}, models => '{models}', level => [80, 95], freq => '{}')",
                dataset.h, dataset.freq
            ),
        )
        .await;
        let path = dir.join(format!("{}.parquet", dataset.name));
        query(
            &ctx,
            &format!(
                "COPY (SELECT * FROM fit_models({source}, models => '{models}', freq => '{}')) TO '{}' STORED AS PARQUET",
                dataset.freq,
                path.display()
            ),
        )
        .await;
        ctx.register_parquet("fits", path.to_str().unwrap(), Default::default())
            .await
            .unwrap();
        let predicted = query(
            &ctx,
            &format!(
                "SELECT * FROM predict(fits => (SELECT * FROM fits), h => {}, level => [80, 95])",
                dataset.h
            ),
        )
        .await;
        assert_eq!(
            forecast[0]
                .schema()
                .fields()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>(),
            predicted[0]
                .schema()
                .fields()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>(),
            "{}: output columns",
            dataset.name
        );
        assert_identical(
            dataset.name,
            &Table::from_batches(&forecast),
            &Table::from_batches(&predicted),
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// statsforecast's cross-validation with `refit=False` fits at the first cutoff and
/// forwards the fit to the second window's data: `predict(input => ..)` over the first
/// window's fits gives the second window's forecasts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predict_with_new_observations_equals_statsforecast_forward() {
    let ctx = session(2);
    register_train(&ctx, "air_passengers").await;
    let expected = read_fixture(&ctx, "air_passengers__cv_fitted_norefit.parquet").await;
    ctx.register_batch(
        "expected",
        concat_batches(&expected[0].schema(), &expected).unwrap(),
    )
    .unwrap();
    let cutoffs = query(
        &ctx,
        "SELECT DISTINCT CAST(cutoff AS DATE) AS cutoff FROM expected ORDER BY cutoff",
    )
    .await;
    let cutoffs = concat_batches(&cutoffs[0].schema(), &cutoffs).unwrap();
    let cutoffs = cutoffs
        .column(0)
        .as_primitive::<datafusion::arrow::datatypes::Date32Type>();
    assert_eq!(cutoffs.len(), 2, "the fixture has two windows");
    let date = |i: usize| cutoffs.value_as_date(i).unwrap().to_string();
    let (first, second) = (date(0), date(1));
    let models = "Naive(), SeasonalNaive(season_length=12), AutoETS(season_length=12)";
    let predicted = query(
        &ctx,
        &format!(
            "SELECT * FROM predict(
                 fits => (SELECT * FROM fit_models((SELECT * FROM train WHERE ds <= DATE '{first}'), models => '{models}')),
                 input => (SELECT * FROM train WHERE ds <= DATE '{second}'),
                 h => 12, level => [80, 95])"
        ),
    )
    .await;
    let want = query(
        &ctx,
        &format!(
            "SELECT * EXCLUDE (cutoff, time_series_type, y) FROM expected
             WHERE time_series_type = 'forecast' AND CAST(cutoff AS DATE) = DATE '{second}'"
        ),
    )
    .await;
    let want = Table::from_batches(&want);
    let got = Table::from_batches(&predicted);
    let columns: Vec<String> = want.columns.keys().cloned().collect();
    let (checked, mismatches) = compare(&want, &got, &columns);
    assert!(checked >= 12 * 15, "compared {checked} values");
    assert!(
        mismatches.is_empty(),
        "{} of {checked} differ; first: {}",
        mismatches.len(),
        mismatches[0]
    );
}

/// `info` tells which model each series got: AutoETS's method string equals
/// statsforecast's on every reference series (but the documented selection mismatches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_names_the_selected_ets_model() {
    for dataset in DATASETS {
        let ctx = session(2);
        register_train(&ctx, dataset.name).await;
        let selected = read_fixture(&ctx, &format!("{}__selected.parquet", dataset.name)).await;
        ctx.register_batch(
            "selected",
            concat_batches(&selected[0].schema(), &selected).unwrap(),
        )
        .unwrap();
        let rows = query(
            &ctx,
            &format!(
                "SELECT f.unique_id, json_method, s.ets_method FROM (
                     SELECT unique_id, regexp_replace(info, '^\\{{\"method\":\"([^\"]*)\".*$', '\\1') AS json_method
                     FROM fit_models('train', models => 'AutoETS(season_length={})', freq => '{}')) f
                 JOIN selected s ON f.unique_id = s.unique_id
                 WHERE s.ets_method IS NOT NULL",
                dataset.season_length, dataset.freq
            ),
        )
        .await;
        let mut compared = 0;
        for batch in &rows {
            for row in 0..batch.num_rows() {
                let ours = string_at(batch.column(1).as_ref(), row);
                let theirs = string_at(batch.column(2).as_ref(), row);
                let id = string_at(batch.column(0).as_ref(), row);
                let known = KNOWN_MISMATCHES.iter().any(|(d, series, alias, what, _)| {
                    (*d, *series, *alias, *what)
                        == (dataset.name, id.as_str(), "AutoETS", "selection")
                });
                if known {
                    continue;
                }
                assert_eq!(ours, theirs, "{}: series {id}", dataset.name);
                compared += 1;
            }
        }
        println!("{}: {compared} AutoETS methods equal", dataset.name);
    }
}

fn string_at(array: &dyn Array, row: usize) -> String {
    let utf8 = datafusion::arrow::compute::cast(
        &array.slice(row, 1),
        &datafusion::arrow::datatypes::DataType::Utf8,
    )
    .unwrap();
    utf8.as_string::<i32>().value(0).to_string()
}

/// The fits with `change` applied to the state of every AutoETS row.
fn with_ets_state(fits: &RecordBatch, change: impl Fn(&mut Vec<u8>)) -> RecordBatch {
    let models = fits.column_by_name("model").unwrap();
    let states = fits.column_by_name("state").unwrap().as_binary::<i32>();
    let changed: BinaryArray = (0..fits.num_rows())
        .map(|row| {
            let mut state = states.value(row).to_vec();
            if string_at(models.as_ref(), row) == "AutoETS" {
                change(&mut state);
            }
            Some(state)
        })
        .collect();
    let index = fits.schema().index_of("state").unwrap();
    let mut columns = fits.columns().to_vec();
    columns[index] = Arc::new(changed);
    RecordBatch::try_new(fits.schema(), columns).unwrap()
}

/// A fit whose state was written by another version, changed, or read with another spec
/// fails the query naming the series and the model; a series of `input` without fits,
/// and new observations for models without a forward step, too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_fits_are_errors_naming_the_series_and_model() {
    let ctx = session(2);
    register_train(&ctx, "air_passengers").await;
    let fits = query(
        &ctx,
        "SELECT * FROM fit_models('train', models => 'Naive(), AutoETS(season_length=12)')",
    )
    .await;
    let fits = concat_batches(&fits[0].schema(), &fits).unwrap();
    let error = |fits: RecordBatch, sql: &'static str| {
        let ctx = ctx.clone();
        async move {
            ctx.deregister_table("fits").unwrap();
            ctx.register_batch("fits", fits).unwrap();
            match ctx.sql(sql).await {
                Ok(df) => df.collect().await.map(|_| ()).unwrap_err().to_string(),
                Err(e) => e.to_string(),
            }
        }
    };
    let predict = "SELECT * FROM predict(fits => fits, h => 3)";
    let message = error(with_ets_state(&fits, |s| s[4] = 9), predict).await;
    assert!(
        message.contains("'AirPassengers'")
            && message.contains("'AutoETS'")
            && message.contains("format version 9"),
        "{message}"
    );
    let message = error(with_ets_state(&fits, |s| s[40] ^= 0xFF), predict).await;
    assert!(message.contains("corrupted"), "{message}");
    let message = error(with_ets_state(&fits, |s| s.truncate(20)), predict).await;
    assert!(message.contains("corrupted"), "{message}");
    let message = error(
        with_ets_state(&fits, |s| s[..4].copy_from_slice(b"PAR1")),
        predict,
    )
    .await;
    assert!(message.contains("not a fitted-model state"), "{message}");
    let message = error(
        fits.clone(),
        "SELECT * FROM predict(fits => (SELECT unique_id, model, replace(spec, 'season_length=12', 'season_length=4') AS spec, n_obs, last_ds, freq, info, state FROM fits), h => 3)",
    )
    .await;
    assert!(message.contains("does not match"), "{message}");
    let message = error(
        fits.clone(),
        "SELECT * FROM predict(fits => fits, input => (SELECT 'Other' AS unique_id, ds, y FROM train), h => 3)",
    )
    .await;
    assert!(
        message.contains("'Other'") && message.contains("no fits"),
        "{message}"
    );
    let message = error(
        fits.clone(),
        "SELECT * FROM predict(fits => (SELECT unique_id, model, spec, n_obs, last_ds, freq, info FROM fits), h => 3)",
    )
    .await;
    assert!(message.contains("'state'"), "{message}");
    let croston = query(
        &ctx,
        "SELECT * FROM fit_models('train', models => 'CrostonClassic()')",
    )
    .await;
    let croston = concat_batches(&croston[0].schema(), &croston).unwrap();
    let message = error(
        croston,
        "SELECT * FROM predict(fits => fits, input => train, h => 3)",
    )
    .await;
    assert!(
        message.contains("forward") && message.contains("CrostonClassic"),
        "{message}"
    );
}

/// `info` of AutoARIMA: its orders equal statsforecast's selection (`arima_order`,
/// `ARIMA(p,d,q)(P,D,Q)[m]`) on the datasets whose reference has them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_names_the_selected_arima_orders() {
    for dataset in DATASETS
        .iter()
        .filter(|d| ["air_passengers", "daily_synth", "edge_cases"].contains(&d.name))
    {
        let ctx = session(2);
        register_train(&ctx, dataset.name).await;
        let selected = read_fixture(&ctx, &format!("{}__selected.parquet", dataset.name)).await;
        ctx.register_batch(
            "selected",
            concat_batches(&selected[0].schema(), &selected).unwrap(),
        )
        .unwrap();
        let rows = query(
            &ctx,
            &format!(
                "SELECT f.unique_id, f.info, s.arima_order FROM
                     fit_models('train', models => 'AutoARIMA(season_length={})', freq => '{}') f
                 JOIN selected s ON f.unique_id = s.unique_id
                 WHERE s.arima_order IS NOT NULL",
                dataset.season_length, dataset.freq
            ),
        )
        .await;
        let mut compared = 0;
        for batch in &rows {
            for row in 0..batch.num_rows() {
                let id = string_at(batch.column(0).as_ref(), row);
                let info = string_at(batch.column(1).as_ref(), row);
                let theirs = string_at(batch.column(2).as_ref(), row);
                let [p, d, q] = numbers_after(&info, "\"order\":");
                let [sp, sd, sq] = numbers_after(&info, "\"seasonal_order\":");
                let period = numbers_after::<1>(&info, "\"period\":")[0];
                let ours = format!("ARIMA({p},{d},{q})({sp},{sd},{sq})[{period}]");
                assert_eq!(ours, theirs, "{}: series {id}: {info}", dataset.name);
                compared += 1;
            }
        }
        assert!(compared > 0, "{}: nothing compared", dataset.name);
        println!("{}: {compared} AutoARIMA orders equal", dataset.name);
    }
}

/// The first `N` integers after `key` in a JSON text (`[1,1,0]` or `12`).
fn numbers_after<const N: usize>(json: &str, key: &str) -> [u64; N] {
    let start = json.find(key).unwrap_or_else(|| panic!("{key} in {json}")) + key.len();
    let numbers: Vec<u64> = json[start..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .take(N)
        .map(|part| part.parse().unwrap())
        .collect();
    numbers.try_into().unwrap()
}
