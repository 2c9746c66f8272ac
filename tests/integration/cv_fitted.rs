//! `cross_validation(..., fitted => true)` against statsforecast 2.1.1's
//! `cross_validation(fitted=True)` and `cross_validation_fitted_values()`, through SQL.
//!
//! The fixtures (`tests/data/cv_fitted/generate.py`) hold, in the SQL output's shape, every
//! window's training rows with statsforecast's in-sample values (and the bounds its models
//! give them on that window) and the forecast rows of its cross-validation, for
//! `h, n_windows => 2, step_size => h, level => [80, 95]`: the baselines and AutoETS with
//! `refit => true` on AirPassengers, M1 quarterly and the first series of M1 monthly and the
//! daily panel; Naive, SeasonalNaive and AutoETS with `refit => false` on two of them.
//! Each fixture holds the series statsforecast could run (longer than `test_size` plus a
//! season); the input is restricted to them.
//!
//! The rows must be the same (`unique_id, ds, cutoff, time_series_type`) and every value
//! within the criterion: the baselines 1e-6 relative on every series, AutoETS 1e-4 on at
//! least 98 % of the series of each dataset (and every other one documented).

use crate::common::*;
use crate::parity::{DATASETS, Dataset};
use crate::tolerance::Criterion;

/// The baselines: the same arithmetic as statsforecast, on every series.
const BASELINES: Criterion = Criterion {
    tolerance: 1e-6,
    required_share: 1.0,
    min_series_for_share: 0,
    known: &[],
};

/// AutoETS, fitted by Nelder–Mead: the ETS parity criterion.
const ETS: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.98,
    min_series_for_share: 50,
    known: &[],
};

/// The datasets with vendored fixtures, and whether `refit => false` is vendored too.
const CASES: &[(&str, bool)] = &[
    ("air_passengers", true),
    ("m1_quarterly", false),
    ("m1_monthly", true),
    ("daily_synth", false),
];

fn dataset(name: &str) -> &'static Dataset {
    DATASETS
        .iter()
        .find(|d| d.name == name)
        .expect("a parity dataset")
}

/// The models exactly as the reference built them, the baselines' aliases, and AutoETS's.
fn models(m: usize, refit: bool) -> (String, Vec<&'static str>) {
    if refit {
        let models = format!(
            "Naive(), SeasonalNaive(season_length={m}), HistoricAverage(), RandomWalkWithDrift(), \
             AutoETS(season_length={m})"
        );
        (
            models,
            vec!["Naive", "SeasonalNaive", "HistoricAverage", "RWD"],
        )
    } else {
        let models =
            format!("Naive(), SeasonalNaive(season_length={m}), AutoETS(season_length={m})");
        (models, vec!["Naive", "SeasonalNaive"])
    }
}

async fn check(dataset: &Dataset, refit: bool) {
    let what = if refit {
        "cv_fitted"
    } else {
        "cv_fitted_norefit"
    };
    let file = format!("{}__{what}.parquet", dataset.name);
    let ctx = session(4);
    register_train(&ctx, dataset.name).await;
    ctx.register_parquet("expected", &fixture(&file), Default::default())
        .await
        .unwrap();
    let (models, baselines) = models(dataset.season_length, refit);
    let sql = format!(
        "SELECT * FROM cross_validation((SELECT * FROM train WHERE unique_id IN (SELECT DISTINCT unique_id FROM expected)), \
         h => {h}, n_windows => 2, step_size => {h}, models => '{models}', level => [80, 95], \
         fitted => true, refit => {refit})",
        h = dataset.h,
    );
    let output = query(&ctx, &sql).await;
    ctx.register_batch(
        "actual",
        datafusion::arrow::compute::concat_batches(&output[0].schema(), &output).unwrap(),
    )
    .unwrap();

    // The same rows, each history or forecast as in the fixture.
    for (left, right) in [("actual", "expected"), ("expected", "actual")] {
        let keys = "unique_id, ds, cutoff, time_series_type";
        let extra = query(
            &ctx,
            &format!("SELECT {keys} FROM {left} EXCEPT SELECT {keys} FROM {right} LIMIT 5"),
        )
        .await;
        let rows: usize = extra.iter().map(|b| b.num_rows()).sum();
        assert_eq!(
            rows,
            0,
            "{file}: rows of {left} not in {right}:\n{}",
            datafusion::arrow::util::pretty::pretty_format_batches(&extra).unwrap()
        );
    }
    let actual = Table::from_batches(&output);
    let expected = Table::from_batches(&read_fixture(&ctx, &file).await);
    assert_eq!(
        actual.order.len(),
        expected.order.len(),
        "{file}: row count"
    );

    let mut columns = baselines;
    columns.push("y");
    BASELINES.check(
        dataset.name,
        what,
        &BASELINES.tally(&expected, &actual, &columns),
    );
    ETS.check(
        dataset.name,
        what,
        &ETS.tally(&expected, &actual, &["AutoETS"]),
    );
}

#[tokio::test]
async fn cross_validation_fitted_values_match_statsforecast() {
    for (name, without_refit) in CASES {
        check(dataset(name), true).await;
        if *without_refit {
            check(dataset(name), false).await;
        }
    }
}
