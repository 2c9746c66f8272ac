//! `evaluate(...)` against utilsforecast 0.2.17's `evaluate`, through SQL, on the vendored
//! statsforecast outputs of every dataset and model family: every metric (point metrics on
//! every model column, interval metrics on the models with 80 % and 95 % bounds), per
//! series and cutoff, aggregated per cutoff, per series of the forecast joined with the
//! test split (no cutoff), and aggregated over every series with each `agg`.
//!
//! Expected values: `tests/fixtures/evaluate__expected.parquet`, written by
//! `tests/data/evaluate/generate.py` (its docstring lists the cases). Tolerance: 1e-9
//! relative; a NaN of utilsforecast is a NULL here; infinities must be equal. Two values
//! are the difference of numbers near 1, where one rounding is 1.1e-16 absolute: `linex`
//! (`exp(a·e) - a·e - 1` with numpy's and Rust's `exp` one ulp apart) and `std`/`var` of
//! values equal up to rounding (the spread is the rounding): those also pass within
//! 1e-15 absolute (1e-30 for a variance).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::prelude::{CsvReadOptions, SessionContext};

use crate::common::*;
use crate::parity::DATASETS;

const TOLERANCE: f64 = 1e-9;

/// (unique_id, cutoff, metric, model); the id and cutoff are absent when aggregated away
/// or when the input has no cutoff.
type Cell = (Option<String>, Option<String>, String, String);

/// One case of the expected file, `<dataset>__<family>__<kind>`.
struct Case {
    dataset: &'static str,
    season_length: usize,
    family: String,
    kind: String,
    cells: HashMap<Cell, f64>,
}

fn strings(column: &dyn Array) -> Vec<Option<String>> {
    let column = cast(column, &DataType::Utf8).expect("casts to text");
    let column = column.as_string::<i32>();
    (0..column.len())
        .map(|i| column.is_valid(i).then(|| column.value(i).to_string()))
        .collect()
}

fn floats(column: &dyn Array) -> Vec<Option<f64>> {
    let column = cast(column, &DataType::Float64).expect("casts to Float64");
    let column = column.as_primitive::<Float64Type>();
    (0..column.len())
        .map(|i| column.is_valid(i).then(|| column.value(i)))
        .collect()
}

async fn expected_cases(ctx: &SessionContext) -> Vec<Case> {
    let mut cases: BTreeMap<String, HashMap<Cell, f64>> = BTreeMap::new();
    for batch in read_fixture(ctx, "evaluate__expected.parquet").await {
        let column = |name: &str| batch.column_by_name(name).expect("expected column");
        let case = strings(column("case"));
        let id = strings(column("unique_id"));
        let cutoff = strings(column("cutoff"));
        let metric = strings(column("metric"));
        let model = strings(column("model"));
        let value = floats(column("value"));
        for row in 0..batch.num_rows() {
            let cell = (
                id[row].clone(),
                cutoff[row].clone(),
                metric[row].clone().expect("metric"),
                model[row].clone().expect("model"),
            );
            cases
                .entry(case[row].clone().expect("case"))
                .or_default()
                .insert(cell, value[row].unwrap_or(f64::NAN));
        }
    }
    cases
        .into_iter()
        .map(|(name, cells)| {
            let mut parts = name.splitn(3, "__");
            let (dataset, family, kind) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            let dataset = DATASETS
                .iter()
                .find(|d| d.name == dataset)
                .unwrap_or_else(|| panic!("unknown dataset in case {name}"));
            Case {
                dataset: dataset.name,
                season_length: dataset.season_length,
                family: family.to_string(),
                kind: kind.to_string(),
                cells,
            }
        })
        .collect()
}

/// Registers `input_all`: the cv output, or the forecast joined with the test split.
async fn register_input(ctx: &SessionContext, case: &Case) {
    let (dataset, family) = (case.dataset, &case.family);
    if case.kind.starts_with("cv") {
        let file = fixture(&format!("{dataset}__{family}__cv.parquet"));
        ctx.register_parquet("input_all", &file, Default::default())
            .await
            .unwrap();
        return;
    }
    let file = fixture(&format!("{dataset}__{family}__forecast.parquet"));
    ctx.register_parquet("fc", &file, Default::default())
        .await
        .unwrap();
    let schema = datafusion::arrow::datatypes::Schema::new(vec![
        datafusion::arrow::datatypes::Field::new("unique_id", DataType::Utf8, false),
        datafusion::arrow::datatypes::Field::new("ds", DataType::Date32, false),
        datafusion::arrow::datatypes::Field::new("y", DataType::Float64, true),
    ]);
    ctx.register_csv(
        "test",
        &fixture(&format!("{dataset}_test.csv")),
        CsvReadOptions::new().schema(&schema),
    )
    .await
    .unwrap();
    query(
        ctx,
        "CREATE VIEW input_all AS SELECT fc.*, test.y FROM fc \
         JOIN test ON fc.unique_id = test.unique_id AND fc.ds = test.ds",
    )
    .await;
}

/// The model columns as utilsforecast finds them, and those with 80 and 95 bounds.
async fn model_columns(ctx: &SessionContext) -> (Vec<String>, Vec<String>) {
    let schema = ctx.table("input_all").await.unwrap().schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let models: Vec<String> = names
        .iter()
        .filter(|n| !["unique_id", "ds", "cutoff", "y"].contains(&n.as_str()))
        .filter(|n| !n.contains("-lo-") && !n.contains("-hi-"))
        .cloned()
        .collect();
    let banded = models
        .iter()
        .filter(|m| {
            ["lo-80", "hi-80", "lo-95", "hi-95"]
                .iter()
                .all(|b| names.contains(&format!("{m}-{b}")))
        })
        .cloned()
        .collect();
    (models, banded)
}

fn collect_cells(batches: &[RecordBatch], out: &mut HashMap<Cell, Option<f64>>) {
    for batch in batches {
        let schema = batch.schema();
        let id = batch.column_by_name("unique_id").map(|c| strings(c));
        let cutoff = batch.column_by_name("cutoff").map(|c| strings(c));
        let metric = strings(batch.column_by_name("metric").expect("metric column"));
        for (i, field) in schema.fields().iter().enumerate() {
            if ["unique_id", "cutoff", "metric"].contains(&field.name().as_str()) {
                continue;
            }
            assert_eq!(field.data_type(), &DataType::Float64, "{}", field.name());
            for (row, value) in floats(batch.column(i)).into_iter().enumerate() {
                let cell = (
                    id.as_ref().and_then(|c| c[row].clone()),
                    cutoff.as_ref().and_then(|c| c[row].clone()),
                    metric[row].clone().expect("metric"),
                    field.name().clone(),
                );
                assert!(
                    out.insert(cell.clone(), value).is_none(),
                    "duplicate row {cell:?}"
                );
            }
        }
    }
}

/// Relative error of `actual` against utilsforecast's `expected`: 0 for the same missing
/// value or infinity, infinite when one is missing and the other is not.
fn relative_error(actual: Option<f64>, expected: f64) -> f64 {
    match actual {
        None if expected.is_nan() => 0.0,
        Some(a) if a == expected => 0.0,
        Some(a) if !expected.is_nan() && expected.is_finite() && a.is_finite() => {
            (a - expected).abs() / expected.abs().max(1e-300)
        }
        _ => f64::INFINITY,
    }
}

#[tokio::test]
async fn evaluate_matches_utilsforecast() {
    let cases = expected_cases(&session(1)).await;
    let per_series_ids: HashMap<String, BTreeSet<String>> = cases
        .iter()
        .filter(|c| c.kind == "cv" || c.kind == "forecast")
        .map(|c| {
            let key = format!("{}__{}__{}", c.dataset, c.family, c.kind);
            let ids = c.cells.keys().filter_map(|k| k.0.clone()).collect();
            (key, ids)
        })
        .collect();
    let (mut checked, mut floored) = (0usize, 0usize);
    let (mut worst, mut worst_linex) = ((0.0f64, String::new()), (0.0f64, String::new()));
    let mut mismatches = Vec::new();
    for case in &cases {
        let ctx = session(4);
        register_train(&ctx, case.dataset).await;
        register_input(&ctx, case).await;
        let (models, banded) = model_columns(&ctx).await;
        // The per-series cases and the cv aggregates run on the few series of the fixture.
        let input = if case.kind.starts_with("forecast_") {
            "input_all".to_string()
        } else {
            let source = case.kind.trim_end_matches("_mean");
            let key = format!("{}__{}__{source}", case.dataset, case.family);
            let ids: Vec<String> = per_series_ids[&key]
                .iter()
                .map(|id| format!("'{id}'"))
                .collect();
            format!(
                "(SELECT * FROM input_all WHERE unique_id IN ({}))",
                ids.join(", ")
            )
        };
        let agg = match case.kind.rsplit_once('_') {
            Some((_, agg)) => format!(", agg => '{agg}'"),
            None => String::new(),
        };
        let m = case.season_length;
        let baseline = if models.iter().any(|m| m == "Naive") {
            "Naive"
        } else {
            &models[0]
        };
        let point = format!(
            "mae, mse, rmse, bias, cfe, pis, spis, mape, wape, nd, smape, mase(seasonality={m}), \
             rmae(baseline=''{baseline}''), msse(seasonality={m}), rmsse(seasonality={m}), \
             tweedie_deviance, linex(a=0.001)"
        );
        let mut sqls = vec![format!(
            "SELECT * FROM evaluate({input}, metrics => '{point}', train => train{agg})"
        )];
        if !banded.is_empty() {
            let interval = format!(
                "quantile_loss, scaled_quantile_loss(seasonality={m}), mqloss, \
                 scaled_mqloss(seasonality={m}), coverage, winkler_score, calibration, scaled_crps"
            );
            sqls.push(format!(
                "SELECT * FROM evaluate({input}, metrics => '{interval}', models => '{}', \
                 level => [80, 95], train => train{agg})",
                banded.join(", ")
            ));
        }
        let mut actual = HashMap::new();
        for sql in &sqls {
            collect_cells(&query(&ctx, sql).await, &mut actual);
        }
        let name = format!("{}__{}__{}", case.dataset, case.family, case.kind);
        for (cell, &want) in &case.cells {
            checked += 1;
            let got = actual.get(cell).copied().flatten();
            if !actual.contains_key(cell) {
                mismatches.push(format!("{name} {cell:?}: expected {want}, no such row"));
                continue;
            }
            let error = relative_error(got, want);
            let floor = match (cell.2.as_str(), case.kind.as_str()) {
                ("linex", _) | (_, "forecast_std") => 1e-15,
                (_, "forecast_var") => 1e-30,
                _ => 0.0,
            };
            if error <= TOLERANCE {
                // linex's cancellation would hide the others' largest error.
                let slot = if cell.2 == "linex" {
                    &mut worst_linex
                } else {
                    &mut worst
                };
                if error > slot.0 {
                    *slot = (error, format!("{name} {cell:?}"));
                }
            } else if got.is_some_and(|g| (g - want).abs() <= floor) {
                floored += 1;
            } else {
                mismatches.push(format!("{name} {cell:?}: expected {want}, got {got:?}"));
            }
        }
    }
    println!(
        "evaluate: {checked} values compared; largest relative error {:e} ({}), of linex {:e} \
         ({}); {floored} near-zero linex/std/var values within their absolute floor",
        worst.0, worst.1, worst_linex.0, worst_linex.1
    );
    assert!(
        mismatches.is_empty(),
        "{} of {checked} values differ from utilsforecast:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}
