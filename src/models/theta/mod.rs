//! The Theta family: statsforecast's `AutoTheta`, `Theta`, `OptimizedTheta`, `DynamicTheta`
//! and `DynamicOptimizedTheta`, reproducing statsforecast 2.1.1 (`theta.py` and its
//! compiled `theta.cpp`).
//!
//! How a fit runs, file by file:
//!
//! - [`search`]: statsforecast's `auto_theta`: the seasonal adjustment, the "tiny datasets"
//!   threshold, selection among the candidate models by their objective.
//! - [`seasonal`]: the seasonality test (lag-`m` autocorrelation) and the classical
//!   decomposition.
//! - [`fit`]: `thetamodel` for one model type: starting values, Nelder–Mead (see
//!   [`crate::models::optim`]) over the initial smoothed value, `alpha` and (optimised
//!   models) `theta`, and the final in-sample pass.
//! - [`recursion`]: the state recursion, the objective and point forecasts.
//! - [`intervals`]: the simulated prediction intervals.
//! - [`model`]: the `Model` implementation shared by the five classes, and the fitted model.

mod fit;
mod intervals;
mod model;
mod recursion;
mod search;
mod seasonal;

#[cfg(test)]
mod tests;

pub(crate) use model::AutoTheta;

use super::{ModelError, ModelSpec};

/// What an AutoTheta (or fixed-type Theta) model selected for a series, as statsforecast's
/// fitted `model_` dict reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThetaSelection {
    /// statsforecast's `modeltype`: `STM`, `OTM`, `DSTM` or `DOTM`.
    pub model_type: String,
    /// The seasonal decomposition applied, `multiplicative` or `additive`; `None` when the
    /// series was not deseasonalised.
    pub decomposition_type: Option<String>,
    /// Initial smoothed value.
    pub initial_smoothed: f64,
    /// Smoothing parameter.
    pub alpha: f64,
    /// Theta coefficient (2 for the standard models).
    pub theta: f64,
    /// statsforecast's `mse`: `Σ_{t>=3} e_t² / mean |y|` of the series fitted (the objective
    /// the selection minimises).
    pub mse: f64,
}

/// Fits an `AutoTheta`, `Theta`, `OptimizedTheta`, `DynamicTheta` or `DynamicOptimizedTheta`
/// spec to `y` and reports the selected model and its estimates (the SQL functions only
/// return forecasts).
pub fn select_theta(spec: &ModelSpec, y: &[f64]) -> Result<ThetaSelection, ModelError> {
    if !model::is_theta_class(spec.class_name()) {
        return Err(ModelError::Unsupported(format!(
            "Theta selection of {}",
            spec.class_name()
        )));
    }
    let model = AutoTheta::from_spec(spec).map_err(|e| ModelError::Failed(e.to_string()))?;
    let selected = model.select(y)?;
    let fit = &selected.fit;
    Ok(ThetaSelection {
        model_type: fit.model.code().to_owned(),
        decomposition_type: selected.season.map(|s| s.kind.name().to_owned()),
        initial_smoothed: fit.params.initial_smoothed,
        alpha: fit.params.alpha,
        theta: fit.params.theta,
        mse: fit.mse,
    })
}

/// The four Theta models of Fiorucci et al. (2016), statsforecast's `ModelType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModelType {
    /// Standard Theta model (`STM`): static trend line, `theta = 2`.
    Stm,
    /// Optimised Theta model (`OTM`): static trend line, `theta` estimated.
    Otm,
    /// Dynamic standard Theta model (`DSTM`): the trend line is updated with every
    /// observation, `theta = 2`.
    Dstm,
    /// Dynamic optimised Theta model (`DOTM`).
    Dotm,
}

impl ModelType {
    /// The candidates of `AutoTheta`, in statsforecast's order (ties keep the earlier one).
    pub(crate) const ALL: [Self; 4] = [Self::Stm, Self::Otm, Self::Dstm, Self::Dotm];

    /// statsforecast's code, e.g. `DOTM`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Stm => "STM",
            Self::Otm => "OTM",
            Self::Dstm => "DSTM",
            Self::Dotm => "DOTM",
        }
    }

    /// Reads a code.
    pub(crate) fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether the trend line is updated with every observation.
    pub(crate) fn is_dynamic(self) -> bool {
        matches!(self, Self::Dstm | Self::Dotm)
    }

    /// Whether `theta` is estimated (otherwise it is 2).
    pub(crate) fn optimises_theta(self) -> bool {
        matches!(self, Self::Otm | Self::Dotm)
    }
}
