//! Parity of `AutoCES` (alias `CES`) with statsforecast 2.1.1 on the vendored fixtures,
//! through SQL.
//!
//! Each complex exponential smoothing form is fitted by Nelder–Mead, so the criterion is the
//! issue's for optimised models: per dataset, at least 98 % of the series within 1e-4
//! relative on every compared cell (point forecasts, 80 / 95 % bounds, fitted values and
//! their bounds, cross-validation), every other series listed in [`KNOWN_MISMATCHES`] with
//! its reason. The selected form (N, S, P or F) is compared with
//! `<dataset>__selected.parquet`, and the accuracy on the held-out `<dataset>_test.csv`
//! (MASE, sMAPE) must be no worse than statsforecast's by more than 0.5 %.
//!
//! Vendored: the `ces` forecast and cv files of every dataset; of the fitted files, 12
//! series (every k-th id) where the reference holds more.

use datafusion_forecast::models::{parse_model_specs, select_ces};

use crate::common::*;
use crate::parity::{DATASETS, cross_validation_against, forecast_with_history};
use crate::tolerance::{Criterion, KnownMismatch, check_accuracy, read_series, selected_columns};

const CES: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.98,
    min_series_for_share: 50,
    known: KNOWN_MISMATCHES,
};

/// Series where we knowingly differ from statsforecast: none.
const KNOWN_MISMATCHES: &[KnownMismatch] = &[];

#[tokio::test]
async fn ces_forecasts_fitted_values_and_accuracy_match_statsforecast() {
    for dataset in DATASETS {
        let ctx = session(4);
        let models = format!("AutoCES(season_length={})", dataset.season_length);
        let (forecast, history) = forecast_with_history(&ctx, dataset, &models).await;
        let file = |part: &str| format!("{}__ces__{part}.parquet", dataset.name);
        let expected = Table::from_batches(&read_fixture(&ctx, &file("forecast")).await);
        CES.check(
            dataset.name,
            "forecast",
            &CES.tally(&expected, &forecast, &["CES"]),
        );
        let expected_fitted = Table::from_batches(&read_fixture(&ctx, &file("fitted")).await);
        CES.check(
            dataset.name,
            "fitted",
            &CES.tally(&expected_fitted, &history, &["CES"]),
        );
        check_accuracy(
            dataset.name,
            dataset.season_length,
            "CES",
            &forecast,
            &expected,
            0.005,
        );
    }
}

#[tokio::test]
async fn ces_cross_validation_matches_statsforecast() {
    for dataset in DATASETS {
        let (expected, actual) = cross_validation_against(
            dataset,
            "ces",
            &format!("AutoCES(season_length={})", dataset.season_length),
            &format!(", level => [80, 95], freq => '{}'", dataset.freq),
        )
        .await;
        CES.check(dataset.name, "cv", &CES.tally(&expected, &actual, &["CES"]));
    }
}

#[tokio::test]
async fn autoces_selects_the_same_forms_as_statsforecast() {
    for dataset in DATASETS {
        // Only the series where statsforecast ran its selection (`autoces_fit = model`; a
        // constant series short-circuits to Naive).
        let want = selected_columns(dataset.name, &["ces_seasontype", "autoces_fit"]).await;
        let spec = parse_model_specs(&format!("AutoCES(season_length={})", dataset.season_length))
            .unwrap()
            .remove(0);
        let series: Vec<(String, Vec<f64>, String)> =
            read_series(&format!("{}_train.csv", dataset.name))
                .into_iter()
                .filter_map(|(id, y)| {
                    let cells = want.get(&id)?;
                    let form = cells[0].clone()?;
                    (cells[1].as_deref() == Some("model")).then_some((id, y, form))
                })
                .collect();
        CES.check_selection(dataset.name, "CES", &series, |y| {
            select_ces(&spec, y)
                .map(|sel| sel.season_type)
                .map_err(|e| e.to_string())
        });
    }
}
