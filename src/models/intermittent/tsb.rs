//! statsforecast's `TSB` (Teunter-Syntetos-Babai).

use super::kernels::{all_zero, demand, expand_demand, occurrences, ses_last};
use super::{Method, intermittent_model};
use crate::models::ModelError;
use crate::models::ses::ses_forecast;

/// statsforecast `TSB(alpha_d, alpha_p)` (default alias `TSB`; both smoothing constants are
/// required, in `[0, 1]`).
///
/// The demand sizes (positive values) are smoothed by SES with `alpha_d`, the demand
/// occurrence (1 for a non-zero value, else 0) over every period by SES with `alpha_p`; the
/// forecast is their product. Fitted values: the product known before each observation (the
/// first is NaN). An all-zero series forecasts 0 (fitted: NaN then zeros); any other series
/// without a positive value is refused, as statsforecast raises `ses_forecast requires at
/// least 1 data point` for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tsb {
    /// Smoothing constant of the demand sizes.
    pub(crate) alpha_d: f64,
    /// Smoothing constant of the demand probability.
    pub(crate) alpha_p: f64,
}

intermittent_model!(Tsb, |tsb| Method::Tsb {
    alpha_d: tsb.alpha_d,
    alpha_p: tsb.alpha_p,
});

fn no_demand() -> ModelError {
    ModelError::Failed(
        "TSB: the series has no positive value to estimate the demand size from \
         (statsforecast raises `ses_forecast requires at least 1 data point`); \
         only an all-zero series is forecast (as 0)"
            .into(),
    )
}

/// `_tsb(...)["mean"][0]`.
pub(super) fn point(y: &[f64], alpha_d: f64, alpha_p: f64) -> Result<f64, ModelError> {
    if all_zero(y) {
        return Ok(0.0);
    }
    if demand(y).next().is_none() {
        return Err(no_demand());
    }
    Ok(ses_last(occurrences(y), alpha_p) * ses_last(demand(y), alpha_d))
}

/// `_tsb(...)["fitted"]`; a series [`point`] refuses gives all NaN (never reached through
/// the model, whose `fit` fails first).
pub(super) fn in_sample(y: &[f64], alpha_d: f64, alpha_p: f64) -> Vec<f64> {
    if all_zero(y) {
        let mut fitted = vec![0.0; y.len()];
        if let Some(first) = fitted.first_mut() {
            *first = f64::NAN;
        }
        return fitted;
    }
    let sizes: Vec<f64> = demand(y).collect();
    if sizes.is_empty() {
        return vec![f64::NAN; y.len()];
    }
    let (size_last, mut size_levels) = ses_forecast(&sizes, alpha_d);
    size_levels.push(size_last);
    let occurrence: Vec<f64> = occurrences(y).collect();
    let (_, probabilities) = ses_forecast(&occurrence, alpha_p);
    let mut fitted = expand_demand(&size_levels, y);
    for (value, probability) in fitted.iter_mut().zip(&probabilities) {
        *value *= probability;
    }
    fitted
}
