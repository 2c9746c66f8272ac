//! Parity of the ETS models (`AutoETS`, `Holt`, `HoltWinters`) with statsforecast 2.1.1 on
//! the vendored fixtures, through SQL.
//!
//! The models are fitted by Nelder–Mead, so the criterion is the issue's: per dataset and
//! model, at least 98 % of the series must match statsforecast within a relative error of
//! 1e-4 ([`ETS`]) on every compared cell (point forecasts, 80 / 95 % bounds, fitted values
//! and their bounds, cross-validation), and every series that does not match must be in
//! [`KNOWN_MISMATCHES`] with its reason. The tolerance is never loosened per series.
//!
//! The selected form is compared with `<dataset>__selected.parquet` through
//! [`datafusion_forecast::models::select_ets`] (the SQL output has no selection column), and
//! the accuracy of AutoETS on the held-out `<dataset>_test.csv` (MASE and sMAPE) must be no
//! worse than statsforecast's by more than 0.5 %.
//!
//! Vendored: the `ets` forecast, fitted and cv files and `selected` of every dataset. The
//! reference's fitted files cover 21 to 72 series each; for daily_synth, intermittent,
//! m1_monthly and tourism_monthly 12 of those (every k-th id) are vendored, to keep the
//! repository small. Only the vendored rows are compared.

use std::collections::HashMap;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion_forecast::models::{parse_model_specs, select_ets};

use crate::common::*;
use crate::parity::{DATASETS, Dataset, cross_validation_against, forecast_with_history};
use crate::tolerance::{Criterion, KnownMismatch, check_accuracy, read_series};

/// ETS parity (optimised models; the criterion): 98 % of the series within 1e-4
/// relative, per dataset and model. Below 50 series (edge_cases has 7 to 16 per model) one
/// series is more than 2 %, so only the documentation of every mismatch is asserted.
const ETS: Criterion = Criterion {
    tolerance: 1e-4,
    required_share: 0.98,
    min_series_for_share: 50,
    known: KNOWN_MISMATCHES,
};

/// Series where we knowingly differ from statsforecast.
pub(crate) const KNOWN_MISMATCHES: &[KnownMismatch] = &[(
    "edge_cases",
    "E14_seasonal_only24",
    "AutoETS",
    "selection",
    "exact fit (a pure seasonal pattern): every seasonal form has residuals of pure \
     rounding noise (~1e-16), so the AICc compares logarithms of noise and the winner \
     depends on the last bits of the arithmetic; statsforecast picks A,A,A, we pick \
     another seasonal form; the forecasts of both agree to 1e-15",
)];

/// The ETS models exactly as the reference built them, with their aliases. ETS_MAM ran only
/// on strictly positive series; on the others our model refuses and the fixture is NULL.
fn ets_models(m: usize) -> (String, Vec<&'static str>) {
    let models = format!(
        "AutoETS(season_length={m}), AutoETS(season_length={m}, model='AAN', alias='ETS_AAN'), \
         AutoETS(season_length={m}, model='AAN', damped=True, alias='ETS_AAdN'), \
         AutoETS(season_length={m}, model='MAM', alias='ETS_MAM'), Holt(season_length={m}), \
         HoltWinters(season_length={m})"
    );
    let aliases = vec![
        "AutoETS",
        "ETS_AAN",
        "ETS_AAdN",
        "ETS_MAM",
        "Holt",
        "HoltWinters",
    ];
    (models, aliases)
}

async fn forecast_fitted_and_accuracy(dataset: &Dataset) {
    let (models, aliases) = ets_models(dataset.season_length);
    let ctx = session(4);
    let (forecast, history) = forecast_with_history(&ctx, dataset, &models).await;
    let expected = Table::from_batches(
        &read_fixture(&ctx, &format!("{}__ets__forecast.parquet", dataset.name)).await,
    );
    ETS.check(
        dataset.name,
        "forecast",
        &ETS.tally(&expected, &forecast, &aliases),
    );

    let expected_fitted = Table::from_batches(
        &read_fixture(&ctx, &format!("{}__ets__fitted.parquet", dataset.name)).await,
    );
    ETS.check(
        dataset.name,
        "fitted",
        &ETS.tally(&expected_fitted, &history, &aliases),
    );

    check_accuracy(
        dataset.name,
        dataset.season_length,
        "AutoETS",
        &forecast,
        &expected,
        0.005,
    );
}

#[tokio::test]
async fn ets_forecasts_fitted_values_and_accuracy_match_statsforecast() {
    for dataset in DATASETS {
        forecast_fitted_and_accuracy(dataset).await;
    }
}

#[tokio::test]
async fn autoets_cross_validation_matches_statsforecast() {
    for dataset in DATASETS {
        let (expected, actual) = cross_validation_against(
            dataset,
            "ets",
            &format!("AutoETS(season_length={})", dataset.season_length),
            &format!(", level => [80, 95], freq => '{}'", dataset.freq),
        )
        .await;
        ETS.check(
            dataset.name,
            "cv",
            &ETS.tally(&expected, &actual, &["AutoETS"]),
        );
        assert_eq!(
            actual.order.len(),
            expected.order.len(),
            "{}: cv rows",
            dataset.name
        );
    }
}

#[tokio::test]
async fn autoets_selects_the_same_forms_as_statsforecast() {
    for dataset in DATASETS {
        let ctx = session(1);
        let selected = read_fixture(&ctx, &format!("{}__selected.parquet", dataset.name)).await;
        let mut want: HashMap<String, String> = HashMap::new();
        for batch in &selected {
            let ids = cast(batch.column_by_name("unique_id").unwrap(), &DataType::Utf8).unwrap();
            let forms = cast(
                batch.column_by_name("ets_components").unwrap(),
                &DataType::Utf8,
            )
            .unwrap();
            let (ids, forms) = (ids.as_string::<i32>(), forms.as_string::<i32>());
            for row in 0..batch.num_rows() {
                // NULL: statsforecast did not fit the series (too short).
                if !forms.is_null(row) {
                    want.insert(ids.value(row).to_owned(), forms.value(row).to_owned());
                }
            }
        }
        let spec = parse_model_specs(&format!("AutoETS(season_length={})", dataset.season_length))
            .unwrap()
            .remove(0);
        let series: Vec<(String, Vec<f64>, String)> =
            read_series(&format!("{}_train.csv", dataset.name))
                .into_iter()
                .filter_map(|(id, y)| want.get(&id).map(|form| (id, y, form.clone())))
                .collect();
        ETS.check_selection(dataset.name, "AutoETS", &series, |y| {
            select_ets(&spec, y)
                .map(|sel| sel.components)
                .map_err(|e| e.to_string())
        });
    }
}
