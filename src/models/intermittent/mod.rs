//! statsforecast's intermittent-demand models: `CrostonClassic`, `CrostonOptimized`,
//! `CrostonSBA`, `ADIDA`, `IMAPA` and `TSB`.
//!
//! Every model here forecasts one flat value. None has native prediction intervals
//! (statsforecast's `forecast` refuses `level` unless conformal intervals are configured), so
//! `has_intervals()` is false and levels are ignored. All have in-sample fitted values
//! (point only). None has `forward`: statsforecast 2.1.1 defines no `forward` on these
//! classes, so `has_forward()` is false and [`FittedModel::forward`] is unsupported.
//!
//! The arithmetic follows statsforecast's Python (`_croston_classic`, `_adida`, ...) and its
//! compiled `ses` module step by step, so results are bit-identical: the same summation
//! orders (sequential chunk sums in the compiled code, numpy's pairwise sums in the Python
//! code), the same rounding rules (Python's ties-to-even `round` in the Python code, C's
//! ties-away `std::round` in the compiled IMAPA fitted values) and the same golden-section
//! search of the smoothing constant over `[0.1, 0.3]` (its probes evaluated a few at a time,
//! see `kernels::golden_alpha`, with identical results).
//!
//! Input conventions, as in statsforecast: demand sizes are the strictly positive values;
//! demand *occasions* (for intervals and probabilities) are the non-zero values, so negative
//! values count as occasions without being demand sizes.

mod aggregation;
mod croston;
mod kernels;
mod tsb;

#[cfg(test)]
mod tests;

pub(crate) use aggregation::{Adida, Imapa};
pub(crate) use croston::{CrostonClassic, CrostonOptimized, CrostonSba};
pub(crate) use tsb::Tsb;

use crate::models::error::ensure_not_empty;
use crate::models::{
    FitInfo, FittedModel, Forecast, ForecastOutput, InfoValue, ModelError, StateError, StateReader,
    StateWriter,
};

/// Which intermittent model a fit belongs to, with its parameters: everything needed to
/// recompute the in-sample values from the training series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Method {
    CrostonClassic,
    CrostonOptimized,
    CrostonSba,
    Adida,
    Imapa,
    Tsb { alpha_d: f64, alpha_p: f64 },
}

impl Method {
    /// The one-step point forecast (repeated over the horizon).
    ///
    /// A finite series whose forecast is not finite is refused: values near `f64::MAX` can
    /// overflow (e.g. ADIDA's and IMAPA's bucket sums), where statsforecast returns `inf`
    /// or NaN.
    fn point(self, y: &[f64]) -> Result<f64, ModelError> {
        let value = self.raw_point(y)?;
        if !value.is_finite() && y.iter().all(|v| v.is_finite()) {
            return Err(ModelError::Failed(format!(
                "{}: the forecast overflows (values too close to the largest float)",
                self.class_name()
            )));
        }
        Ok(value)
    }

    fn class_name(self) -> &'static str {
        match self {
            Self::CrostonClassic => "CrostonClassic",
            Self::CrostonOptimized => "CrostonOptimized",
            Self::CrostonSba => "CrostonSBA",
            Self::Adida => "ADIDA",
            Self::Imapa => "IMAPA",
            Self::Tsb { .. } => "TSB",
        }
    }

    fn raw_point(self, y: &[f64]) -> Result<f64, ModelError> {
        Ok(match self {
            Self::CrostonClassic => croston::classic_point(y),
            Self::CrostonOptimized => croston::optimized_point(y),
            Self::CrostonSba => croston::SBA_FACTOR * croston::classic_point(y),
            Self::Adida => aggregation::adida_point(y),
            Self::Imapa => aggregation::imapa_point(y),
            Self::Tsb { alpha_d, alpha_p } => tsb::point(y, alpha_d, alpha_p)?,
        })
    }

    /// In-sample fitted values (one per observation; the first is always NaN).
    fn in_sample(self, y: &[f64]) -> Vec<f64> {
        match self {
            Self::CrostonClassic => croston::classic_in_sample(y),
            Self::CrostonOptimized => croston::optimized_in_sample(y),
            Self::CrostonSba => {
                let mut fitted = croston::classic_in_sample(y);
                for v in &mut fitted {
                    *v *= croston::SBA_FACTOR;
                }
                fitted
            }
            Self::Adida => aggregation::adida_in_sample(y),
            Self::Imapa => aggregation::imapa_in_sample(y),
            Self::Tsb { alpha_d, alpha_p } => tsb::in_sample(y, alpha_d, alpha_p),
        }
    }

    /// `fit`: the point forecast and the training series (the in-sample values are
    /// recomputed from it on demand, as statsforecast does for ADIDA, IMAPA and
    /// CrostonOptimized, whose fitted values cost far more than the forecast).
    fn fit(self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let forecast = self.point(y)?;
        Ok(Box::new(IntermittentFit {
            method: self,
            forecast,
            y: y.to_vec(),
        }))
    }

    /// Reads back what [`IntermittentFit`]'s `save` wrote.
    fn restore(self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        let forecast = state.f64()?;
        let y = state.f64s_of_length("the training series", |n| n >= 1)?;
        Ok(Box::new(IntermittentFit {
            method: self,
            forecast,
            y,
        }))
    }

    /// The smoothing constants and aggregation levels the forecast of `y` used.
    fn info(self, y: &[f64], forecast: f64) -> FitInfo {
        let info = FitInfo::method(self.class_name());
        let info = match self {
            Self::CrostonClassic | Self::CrostonSba | Self::CrostonOptimized
                if !croston::has_demand(y) =>
            {
                info.text("fallback", "Naive")
            }
            Self::CrostonClassic | Self::CrostonSba => info.number("alpha", croston::CLASSIC_ALPHA),
            Self::CrostonOptimized => match croston::optimized_alphas(y) {
                Some((sizes, intervals)) => info
                    .number("alpha_demand", sizes)
                    .number("alpha_interval", intervals),
                None => info,
            },
            Self::Adida => match aggregation::adida_choice(y) {
                Some((level, alpha)) => info
                    .count("aggregation_level", level)
                    .number("alpha", alpha.unwrap_or(f64::NAN)),
                None => info,
            },
            Self::Imapa => match aggregation::imapa_alphas(y) {
                Some(alphas) => info
                    .count("aggregation_levels", alphas.len())
                    .with("alpha", InfoValue::numbers(&alphas)),
                None => info,
            },
            Self::Tsb { alpha_d, alpha_p } => {
                info.number("alpha_d", alpha_d).number("alpha_p", alpha_p)
            }
        };
        info.number("forecast", forecast)
    }

    /// `forecast`: as `fit` + `predict` (+ `predict_in_sample`), without copying the series.
    fn forecast(self, y: &[f64], h: usize, fitted: bool) -> Result<ForecastOutput, ModelError> {
        ensure_not_empty(y)?;
        let value = self.point(y)?;
        Ok(ForecastOutput {
            forecast: Forecast::point(vec![value; h]),
            fitted: fitted.then(|| Forecast::point(self.in_sample(y))),
        })
    }
}

/// A fitted intermittent-demand model (plain data).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IntermittentFit {
    /// The model and its parameters.
    pub(crate) method: Method,
    /// The point forecast of every future step.
    pub(crate) forecast: f64,
    /// The training series.
    pub(crate) y: Vec<f64>,
}

impl FittedModel for IntermittentFit {
    fn predict(&self, h: usize, _levels: &[f64]) -> Forecast {
        Forecast::point(vec![self.forecast; h])
    }

    fn predict_in_sample(&self, _levels: &[f64]) -> Forecast {
        Forecast::point(self.method.in_sample(&self.y))
    }

    /// The forecast and the training series; the method is the restoring model's.
    fn save(&self, state: &mut StateWriter) {
        state.f64(self.forecast);
        state.f64s(&self.y);
    }

    fn info(&self) -> FitInfo {
        self.method.info(&self.y, self.forecast)
    }
}

/// The [`crate::models::Model`] impl shared by the six classes: point forecasts and point
/// fitted values, no intervals, no `forward`.
macro_rules! intermittent_model {
    ($ty:ty, |$this:pat_param| $method:expr) => {
        impl $crate::models::Model for $ty {
            fn class_name(&self) -> &'static str {
                let $this = self;
                $method.class_name()
            }

            fn has_intervals(&self) -> bool {
                false
            }

            fn has_fitted(&self) -> bool {
                true
            }

            fn fit(
                &self,
                y: &[f64],
            ) -> Result<Box<dyn $crate::models::FittedModel>, $crate::models::ModelError> {
                let $this = self;
                $method.fit(y)
            }

            fn forecast(
                &self,
                y: &[f64],
                h: usize,
                _levels: &[f64],
                fitted: bool,
            ) -> Result<$crate::models::ForecastOutput, $crate::models::ModelError> {
                let $this = self;
                $method.forecast(y, h, fitted)
            }

            fn restore(
                &self,
                state: &mut $crate::models::StateReader<'_>,
            ) -> Result<Box<dyn $crate::models::FittedModel>, $crate::models::StateError> {
                let $this = self;
                $method.restore(state)
            }
        }
    };
}
use intermittent_model;
