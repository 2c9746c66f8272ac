//! statsforecast's `SimpleExponentialSmoothing` and `SimpleExponentialSmoothingOptimized`.

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::ses::{OPTIMIZED_ALPHA_BOUNDS, golden_section_ses, ses_forecast};
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `SimpleExponentialSmoothing(alpha)` (default alias `SES`; `alpha` is
/// required, in `[0, 1]`).
///
/// The level starts at the first observation and moves by `alpha` of each one-step error;
/// every forecast step is the final level. Fitted values are the one-step predictions (the
/// first is NaN).
///
/// No intervals: the maths would give `sigma · sqrt(1 + (k - 1) · alpha²)` (statsforecast's
/// `predict` does compute that), but its `forecast` path, used by `StatsForecast.forecast`
/// and `cross_validation`, refuses `level` unless conformal intervals are configured; we
/// match the refusal, so `has_intervals()` is false.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SimpleExponentialSmoothing {
    /// Smoothing constant in `[0, 1]`.
    pub(crate) alpha: f64,
}

impl Model for SimpleExponentialSmoothing {
    fn class_name(&self) -> &'static str {
        "SimpleExponentialSmoothing"
    }

    fn has_intervals(&self) -> bool {
        false
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        Ok(Box::new(smoothed(self.class_name(), y, self.alpha)))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }
}

/// statsforecast `SimpleExponentialSmoothingOptimized()` (default alias `SESOpt`, no
/// parameters).
///
/// As [`SimpleExponentialSmoothing`] with `alpha` chosen by golden-section search over
/// `[0.01, 0.99]` minimising the in-sample squared one-step errors (stopping at a bracket of
/// 1e-12, exactly as statsforecast's compiled search, so the chosen `alpha` is identical).
/// A single observation gives `alpha = 0.5` (all alphas tie) and forecasts that observation.
/// No intervals, for the same reason as [`SimpleExponentialSmoothing`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SimpleExponentialSmoothingOptimized;

impl Model for SimpleExponentialSmoothingOptimized {
    fn class_name(&self) -> &'static str {
        "SimpleExponentialSmoothingOptimized"
    }

    fn has_intervals(&self) -> bool {
        false
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let (lower, upper) = OPTIMIZED_ALPHA_BOUNDS;
        let alpha = golden_section_ses(y, lower, upper);
        Ok(Box::new(smoothed(self.class_name(), y, alpha)))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }
}

/// SES fit with a known `alpha`: point forecasts and fitted values, no intervals.
fn smoothed(class: &'static str, y: &[f64], alpha: f64) -> BaselineFit {
    let (forecast, fitted) = ses_forecast(y, alpha);
    BaselineFit {
        class,
        path: Path::Flat(forecast),
        spread: Spread::None,
        fitted,
        fitted_spread: Spread::None,
        alphas: Alphas::Single(alpha),
        refit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{SimpleExponentialSmoothing, SimpleExponentialSmoothingOptimized};
    use crate::models::Model;

    #[test]
    fn ses_by_hand() {
        let model = SimpleExponentialSmoothing { alpha: 0.5 };
        let out = model
            .forecast(&[2.0, 4.0, 3.0, 4.0], 2, &[80.0], true)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![3.5, 3.5]);
        assert!(out.forecast.intervals.is_empty());
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[0].is_nan());
        assert_eq!(&fitted.mean[1..], &[2.0, 3.0, 3.0]);
        assert!(fitted.intervals.is_empty());
    }

    #[test]
    fn alpha_extremes() {
        let y = [1.0, -2.0, 5.0];
        let frozen = SimpleExponentialSmoothing { alpha: 0.0 };
        assert_eq!(frozen.fit(&y).unwrap().predict(1, &[]).mean, vec![1.0]);
        let naive = SimpleExponentialSmoothing { alpha: 1.0 };
        assert_eq!(naive.fit(&y).unwrap().predict(1, &[]).mean, vec![5.0]);
    }

    #[test]
    fn optimized_constant_and_single() {
        let out = SimpleExponentialSmoothingOptimized
            .forecast(&[4.0; 6], 2, &[], true)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![4.0, 4.0]);
        let out = SimpleExponentialSmoothingOptimized
            .forecast(&[-3.0], 1, &[], true)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![-3.0]);
        assert!(out.fitted.unwrap().mean[0].is_nan());
    }
}
