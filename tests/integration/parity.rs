//! Parity with statsforecast 2.1.1 on the vendored fixtures (tests/fixtures, copied from
//! the reference outputs): forecasts with intervals, fitted values with intervals, and
//! cross-validation, relative error <= 1e-6 ([`RELATIVE_TOLERANCE`]).
//!
//! Fixture cells that are NULL are values statsforecast did not produce because it raised
//! for that series (e.g. the fitted intervals of a length-1 series); they are not compared.

use datafusion::prelude::SessionContext;

use crate::common::*;

/// A reference dataset: name, horizon, season length and pandas frequency.
pub(crate) struct Dataset {
    pub(crate) name: &'static str,
    pub(crate) h: usize,
    pub(crate) season_length: usize,
    pub(crate) freq: &'static str,
}

pub(crate) const DATASETS: &[Dataset] = &[
    Dataset {
        name: "air_passengers",
        h: 12,
        season_length: 12,
        freq: "MS",
    },
    Dataset {
        name: "edge_cases",
        h: 4,
        season_length: 4,
        freq: "QS",
    },
    Dataset {
        name: "daily_synth",
        h: 14,
        season_length: 7,
        freq: "D",
    },
    Dataset {
        name: "intermittent",
        h: 12,
        season_length: 12,
        freq: "MS",
    },
    Dataset {
        name: "m1_quarterly",
        h: 8,
        season_length: 4,
        freq: "QS",
    },
    Dataset {
        name: "tourism_monthly",
        h: 24,
        season_length: 12,
        freq: "MS",
    },
    Dataset {
        name: "m1_monthly",
        h: 18,
        season_length: 12,
        freq: "MS",
    },
];

/// The baseline models exactly as the reference built them.
fn baselines(m: usize) -> (String, Vec<&'static str>) {
    let models = format!(
        "Naive(), SeasonalNaive(season_length={m}), RandomWalkWithDrift(), HistoricAverage(), \
         WindowAverage(window_size=6), SeasonalWindowAverage(season_length={m}, window_size=2), \
         SimpleExponentialSmoothing(alpha=0.3), SimpleExponentialSmoothingOptimized(), \
         SeasonalExponentialSmoothing(season_length={m}, alpha=0.3), \
         SeasonalExponentialSmoothingOptimized(season_length={m}), ConstantModel(constant=1.0), ZeroModel()"
    );
    let aliases = vec![
        "Naive",
        "SeasonalNaive",
        "RWD",
        "HistoricAverage",
        "WindowAverage",
        "SeasWA",
        "SES",
        "SESOpt",
        "SeasonalES",
        "SeasESOpt",
        "ConstantModel",
        "ZeroModel",
    ];
    (models, aliases)
}

/// Every fixture column that belongs to one of `aliases` (the point column and its intervals).
fn model_columns(table: &Table, aliases: &[&str]) -> Vec<String> {
    let mut columns: Vec<String> = table
        .columns
        .keys()
        .filter(|c| {
            aliases
                .iter()
                .any(|a| c.as_str() == *a || c.starts_with(&format!("{a}-")))
        })
        .cloned()
        .collect();
    columns.sort();
    columns
}

fn report(what: &str, checked: usize, mismatches: &[Mismatch]) {
    assert!(checked > 0, "{what}: nothing compared");
    let first: Vec<String> = mismatches
        .iter()
        .take(10)
        .map(ToString::to_string)
        .collect();
    assert!(
        mismatches.is_empty(),
        "{what}: {} of {checked} values differ, first ones:\n{}",
        mismatches.len(),
        first.join("\n")
    );
    println!("{what}: {checked} values equal");
}

/// Runs `forecast(..., level => [80, 95], fitted => true)` on a dataset's training data
/// and returns the forecast rows and the history (fitted) rows.
pub(crate) async fn forecast_with_history(
    ctx: &SessionContext,
    dataset: &Dataset,
    models: &str,
) -> (Table, Table) {
    register_train(ctx, dataset.name).await;
    forecast_with_history_of(ctx, dataset, "'train'", models).await
}

/// [`forecast_with_history`] on `source` (a table name in quotes or a parenthesised query
/// over the registered tables).
pub(crate) async fn forecast_with_history_of(
    ctx: &SessionContext,
    dataset: &Dataset,
    source: &str,
    models: &str,
) -> (Table, Table) {
    forecast_with_history_and(ctx, dataset, source, models, "").await
}

/// [`forecast_with_history_of`] with more arguments (`, name => value` each) for the call.
pub(crate) async fn forecast_with_history_and(
    ctx: &SessionContext,
    dataset: &Dataset,
    source: &str,
    models: &str,
    more_arguments: &str,
) -> (Table, Table) {
    let sql = format!(
        "SELECT * FROM forecast({source}, h => {}, models => '{}', level => [80, 95], fitted => true, freq => '{}'{more_arguments})",
        dataset.h,
        models.replace('\'', "''"),
        dataset.freq
    );
    let output = query(ctx, &sql).await;
    ctx.register_batch(
        "output",
        datafusion::arrow::compute::concat_batches(&output[0].schema(), &output).unwrap(),
    )
    .unwrap();
    let part = |kind: &'static str| async move {
        let sql = format!("SELECT * FROM output WHERE time_series_type = '{kind}'");
        Table::from_batches(&query(ctx, &sql).await)
    };
    (part("forecast").await, part("history").await)
}

async fn forecast_and_fitted(dataset: &Dataset, family: &str, models: &str, aliases: &[&str]) {
    let ctx = session(4);
    let (forecast, history) = forecast_with_history(&ctx, dataset, models).await;

    let expected = Table::from_batches(
        &read_fixture(
            &ctx,
            &format!("{}__{family}__forecast.parquet", dataset.name),
        )
        .await,
    );
    let (checked, mismatches) = compare(&expected, &forecast, &model_columns(&expected, aliases));
    report(
        &format!("{} {family} forecast", dataset.name),
        checked,
        &mismatches,
    );

    let expected = Table::from_batches(
        &read_fixture(&ctx, &format!("{}__{family}__fitted.parquet", dataset.name)).await,
    );
    let mut columns = model_columns(&expected, aliases);
    columns.push("y".into());
    let (checked, mismatches) = compare(&expected, &history, &columns);
    report(
        &format!("{} {family} fitted", dataset.name),
        checked,
        &mismatches,
    );
}

/// The reference's cross-validation (`h`, two windows `h` apart) of `models`, with
/// `more_arguments` (`, name => value` each), on the series of
/// `<dataset>__<family>__cv.parquet`: statsforecast rejects the whole panel when a series is
/// too short, so the fixture holds the series it could run. Returns (expected, actual).
pub(crate) async fn cross_validation_against(
    dataset: &Dataset,
    family: &str,
    models: &str,
    more_arguments: &str,
) -> (Table, Table) {
    let ctx = session(4);
    register_train(&ctx, dataset.name).await;
    let cv_file = format!("{}__{family}__cv.parquet", dataset.name);
    ctx.register_parquet("expected", &fixture(&cv_file), Default::default())
        .await
        .unwrap();
    let sql = format!(
        "SELECT * FROM cross_validation((SELECT * FROM train WHERE unique_id IN (SELECT DISTINCT unique_id FROM expected)), \
         h => {h}, n_windows => 2, step_size => {h}, models => '{}'{more_arguments})",
        models.replace('\'', "''"),
        h = dataset.h,
    );
    let actual = Table::from_batches(&query(&ctx, &sql).await);
    let expected = Table::from_batches(&read_fixture(&ctx, &cv_file).await);
    (expected, actual)
}

async fn cross_validation(dataset: &Dataset, family: &str, models: &str, aliases: &[&str]) {
    let (expected, actual) =
        cross_validation_against(dataset, family, models, ", level => [80, 95]").await;
    let mut columns = model_columns(&expected, aliases);
    columns.push("y".into());
    let (checked, mismatches) = compare(&expected, &actual, &columns);
    report(
        &format!("{} {family} cv", dataset.name),
        checked,
        &mismatches,
    );
    assert_eq!(
        actual.order.len(),
        expected.order.len(),
        "{}: cv row count",
        dataset.name
    );
}

#[tokio::test]
async fn baselines_forecast_and_fitted_match_statsforecast() {
    for dataset in DATASETS {
        let (models, aliases) = baselines(dataset.season_length);
        forecast_and_fitted(dataset, "baselines", &models, &aliases).await;
    }
}

#[tokio::test]
async fn baselines_cross_validation_matches_statsforecast() {
    for dataset in DATASETS {
        let (models, aliases) = baselines(dataset.season_length);
        cross_validation(dataset, "baselines", &models, &aliases).await;
    }
}
