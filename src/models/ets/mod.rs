//! Exponential smoothing state-space models (ETS): statsforecast's `AutoETS`, `Holt` and
//! `HoltWinters`, reproducing statsforecast 2.1.1 (`ets.py` and its compiled `ets.cpp`).
//!
//! How a fit runs, file by file:
//!
//! - [`search`]: statsforecast's `ets_f`: constant-series shortcut, `tiny datasets`
//!   threshold, the candidate forms allowed by the `model` letters and the data, selection
//!   by AICc; `forward`'s re-evaluation of a fitted model on new data.
//! - [`fit`]: `etsmodel` for one form: starting values, Nelder–Mead (see
//!   [`crate::models::optim`]) over smoothing parameters and initial states, a final pass,
//!   information criteria.
//! - [`init`] and [`decompose`]: starting values (`initparam`, `initstate` with its
//!   classical decomposition or Fourier regression).
//! - [`params`]: `check_param` (usual box and admissible region).
//! - [`recursion`]: the state-space recursion, likelihood and point forecasts.
//! - [`intervals`]: prediction intervals by model class, with numpy's `default_rng`
//!   ([`crate::models::random`]) for the simulated ones.
//! - [`model`]: the three `Model` implementations and the fitted model.

mod components;
mod decompose;
mod fit;
mod init;
mod intervals;
mod model;
mod params;
mod recursion;
mod search;

#[cfg(test)]
mod tests;

pub(crate) use components::ModelString;
pub(crate) use decompose::seasonal_component;
pub(crate) use model::{AutoEts, Holt, HoltWinters};

use super::{ModelError, ModelSpec};

/// What an ETS model selected for a series, as statsforecast's fitted `model_` dict reports
/// it.
#[derive(Debug, Clone, PartialEq)]
pub struct EtsSelection {
    /// Error, trend, season and damping letters, e.g. `MAdN` is `"MAND"` (statsforecast's
    /// `components`).
    pub components: String,
    /// statsforecast's `method`, e.g. `ETS(M,Ad,N)`.
    pub method: String,
    /// Smoothing parameters (NaN when the form has none).
    pub alpha: f64,
    /// Trend smoothing parameter.
    pub beta: f64,
    /// Seasonal smoothing parameter.
    pub gamma: f64,
    /// Damping parameter.
    pub phi: f64,
    /// Initial states `[l, b?, s_1, ..., s_m]`.
    pub initial_states: Vec<f64>,
    /// Log-likelihood as statsforecast reports it.
    pub loglik: f64,
    /// Akaike's information criterion.
    pub aic: f64,
    /// AIC corrected for small samples (the selection criterion).
    pub aicc: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Residual variance.
    pub sigma2: f64,
    /// One-step in-sample mean squared error.
    pub mse: f64,
    /// Number of parameters (smoothing parameters, initial states and the variance).
    pub n_params: usize,
}

/// Fits an `AutoETS`, `Holt` or `HoltWinters` spec to `y` and reports the selected form and
/// its estimates (the SQL functions only return forecasts).
pub fn select_ets(spec: &ModelSpec, y: &[f64]) -> Result<EtsSelection, ModelError> {
    let (class, settings) = model::search_settings(spec)
        .map_err(|e| ModelError::Failed(e.to_string()))?
        .ok_or_else(|| {
            ModelError::Unsupported(format!("ETS selection of {}", spec.class_name()))
        })?;
    let fitted = model::EtsFitted::new(class, settings, y)?;
    let m = fitted.model();
    Ok(EtsSelection {
        components: m.form.components(),
        method: m.form.to_string(),
        alpha: m.par.alpha,
        beta: m.par.beta,
        gamma: m.par.gamma,
        phi: m.par.phi,
        initial_states: m.init_state.clone(),
        loglik: m.loglik,
        aic: m.aic,
        aicc: m.aicc,
        bic: m.bic,
        sigma2: m.sigma2,
        mse: m.mse,
        n_params: m.n_params,
    })
}
