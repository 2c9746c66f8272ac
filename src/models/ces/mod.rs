//! Complex exponential smoothing (CES, Svetunkov & Kourentzes): statsforecast's `AutoCES`,
//! reproducing statsforecast 2.1.1 (`ces.py` and its compiled `ces.cpp`).
//!
//! How a fit runs, file by file:
//!
//! - [`search`]: statsforecast's `auto_ces`: the forms the data allows, the `tiny datasets`
//!   threshold, selection by AICc; `forward` reuses it with the fitted form and parameters.
//! - [`fit`]: `cesmodel` for one form: initial states (`initstate`, with a classical
//!   seasonal decomposition for the seasonal forms) and parameters, Nelder–Mead (see
//!   [`crate::models::optim`]) over the free smoothing parameters, a final pass,
//!   information criteria.
//! - [`recursion`]: the state-space recursion with backfitting, and point forecasts.
//! - [`intervals`]: simulated prediction intervals.
//! - [`model`]: the `Model` implementation and the fitted model.

mod fit;
mod intervals;
mod model;
mod recursion;
mod search;

#[cfg(test)]
mod tests;

pub(crate) use model::AutoCes;

use super::{ModelError, ModelSpec};

/// What `AutoCES` selected for a series, as statsforecast's fitted `model_` dict reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct CesSelection {
    /// `N`, `S`, `P` or `F` (statsforecast's `seasontype`).
    pub season_type: String,
    /// Real part of the complex level smoothing parameter.
    pub alpha_0: f64,
    /// Imaginary part of the complex level smoothing parameter.
    pub alpha_1: f64,
    /// Real part of the seasonal smoothing parameter (NaN for `N` and `S`).
    pub beta_0: f64,
    /// Imaginary part of the seasonal smoothing parameter (NaN unless `F`).
    pub beta_1: f64,
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
}

/// Fits an `AutoCES` spec to `y` and reports the selected form and its estimates (the SQL
/// functions only return forecasts). A constant series has none: statsforecast forecasts it
/// with `Naive` without selecting a form ([`ModelError::Unsupported`]).
pub fn select_ces(spec: &ModelSpec, y: &[f64]) -> Result<CesSelection, ModelError> {
    if spec.class_name() != "AutoCES" {
        return Err(ModelError::Unsupported(format!(
            "CES selection of {}",
            spec.class_name()
        )));
    }
    let class = AutoCes::from_spec(spec).map_err(|e| ModelError::Failed(e.to_string()))?;
    let Some(fitted) = class.fit_ces(y)? else {
        return Err(ModelError::Unsupported(
            "CES selection of a constant series (statsforecast forecasts it with Naive)".into(),
        ));
    };
    let m = fitted.model();
    Ok(CesSelection {
        season_type: m.season.letter().to_owned(),
        alpha_0: m.par.alpha_0,
        alpha_1: m.par.alpha_1,
        beta_0: m.par.beta_0,
        beta_1: m.par.beta_1,
        loglik: m.loglik,
        aic: m.aic,
        aicc: m.aicc,
        bic: m.bic,
        sigma2: m.sigma2,
    })
}
