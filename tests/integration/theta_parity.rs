//! Parity of the Theta family (`Theta`, `OptimizedTheta`, `DynamicTheta`,
//! `DynamicOptimizedTheta`, `AutoTheta`) with statsforecast 2.1.1 on the vendored fixtures,
//! through SQL.
//!
//! Every variant fits its initial level and smoothing constant (and the optimised ones
//! their theta) by Nelder–Mead, so the criterion is the for optimised models: per
//! dataset and model, at least 98 % of the series within 1e-4 relative on every compared
//! cell (point forecasts, 80 / 95 % bounds, fitted values and their bounds, AutoTheta
//! cross-validation), every other series listed in [`KNOWN_MISMATCHES`] with its reason.
//! AutoTheta's selection (variant, seasonal decomposition and its type) is compared with
//! `<dataset>__selected.parquet`, and its accuracy on the held-out `<dataset>_test.csv`
//! (MASE, sMAPE) must be no worse than statsforecast's by more than 0.5 %.
//!
//! Vendored: the `theta` forecast and cv files of every dataset; of the fitted files, 12
//! series (every k-th id) where the reference holds more.

use datafusion_forecast::models::{parse_model_specs, select_theta};

use crate::common::*;
use crate::parity::{DATASETS, Dataset, cross_validation_against, forecast_with_history};
use crate::tolerance::{Criterion, KnownMismatch, check_accuracy, read_series, selected_columns};

const THETA: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.98,
    min_series_for_share: 50,
    known: KNOWN_MISMATCHES,
};

/// Series where we knowingly differ from statsforecast: none.
const KNOWN_MISMATCHES: &[KnownMismatch] = &[];

/// AutoTheta's selection: the variant and, when the series was deseasonalised, the
/// decomposition type.
type ThetaForm = (String, Option<String>);

const ALIASES: [&str; 5] = [
    "Theta",
    "OptimizedTheta",
    "DynamicTheta",
    "DynamicOptimizedTheta",
    "AutoTheta",
];

fn theta_models(m: usize) -> String {
    ALIASES
        .iter()
        .map(|class| format!("{class}(season_length={m})"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn forecast_fitted_and_accuracy(dataset: &Dataset) {
    let ctx = session(4);
    let models = theta_models(dataset.season_length);
    let (forecast, history) = forecast_with_history(&ctx, dataset, &models).await;
    let file = |part: &str| format!("{}__theta__{part}.parquet", dataset.name);
    let expected = Table::from_batches(&read_fixture(&ctx, &file("forecast")).await);
    THETA.check(
        dataset.name,
        "forecast",
        &THETA.tally(&expected, &forecast, &ALIASES),
    );
    let expected_fitted = Table::from_batches(&read_fixture(&ctx, &file("fitted")).await);
    THETA.check(
        dataset.name,
        "fitted",
        &THETA.tally(&expected_fitted, &history, &ALIASES),
    );
    check_accuracy(
        dataset.name,
        dataset.season_length,
        "AutoTheta",
        &forecast,
        &expected,
        0.005,
    );
}

#[tokio::test]
async fn theta_forecasts_fitted_values_and_accuracy_match_statsforecast() {
    for dataset in DATASETS {
        forecast_fitted_and_accuracy(dataset).await;
    }
}

#[tokio::test]
async fn autotheta_cross_validation_matches_statsforecast() {
    for dataset in DATASETS {
        let (expected, actual) = cross_validation_against(
            dataset,
            "theta",
            &format!("AutoTheta(season_length={})", dataset.season_length),
            &format!(", level => [80, 95], freq => '{}'", dataset.freq),
        )
        .await;
        THETA.check(
            dataset.name,
            "cv",
            &THETA.tally(&expected, &actual, &["AutoTheta"]),
        );
    }
}

#[tokio::test]
async fn autotheta_selects_the_same_variants_as_statsforecast() {
    for dataset in DATASETS {
        let want = selected_columns(
            dataset.name,
            &[
                "theta_modeltype",
                "theta_decompose",
                "theta_decomposition_type",
            ],
        )
        .await;
        let spec = parse_model_specs(&format!(
            "AutoTheta(season_length={})",
            dataset.season_length
        ))
        .unwrap()
        .remove(0);
        let series: Vec<(String, Vec<f64>, ThetaForm)> =
            read_series(&format!("{}_train.csv", dataset.name))
                .into_iter()
                .filter_map(|(id, y)| {
                    let cells = want.get(&id)?;
                    let decomposed = cells[1].as_deref() == Some("true");
                    let form = (
                        cells[0].clone()?,
                        if decomposed { cells[2].clone() } else { None },
                    );
                    Some((id, y, form))
                })
                .collect();
        THETA.check_selection(dataset.name, "AutoTheta", &series, |y| {
            select_theta(&spec, y)
                .map(|sel| (sel.model_type, sel.decomposition_type))
                .map_err(|e| e.to_string())
        });
    }
}
