//! statsforecast's `Naive`: the last observation, repeated.

use std::sync::Arc;

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::reductions::{dof, residual_sigma, residuals};
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `Naive()` (default alias `Naive`, no parameters).
///
/// Forecast: the last observation. Fitted values: the previous observation (the first is
/// NaN). `sigma = sqrt(Σ resid² / (n - 1))` (0 for a single observation, giving zero-width
/// intervals where statsforecast would crash); future step `k` has standard error
/// `sigma · sqrt(k)`, fitted values `sigma`. `forward` refits on the new series, as
/// statsforecast's `Naive.forward` forecasts it afresh.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Naive;

impl Model for Naive {
    fn class_name(&self) -> &'static str {
        "Naive"
    }

    fn has_intervals(&self) -> bool {
        true
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn has_forward(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let n = y.len();
        let fitted: Vec<f64> = std::iter::once(f64::NAN)
            .chain(y[..n - 1].iter().copied())
            .collect();
        let sigma = residual_sigma(&residuals(y, &fitted), dof(n, 1));
        Ok(Box::new(BaselineFit {
            class: self.class_name(),
            path: Path::Flat(y[n - 1]),
            spread: Spread::RandomWalk(sigma),
            fitted,
            fitted_spread: Spread::Flat(sigma),
            alphas: Alphas::None,
            refit: Some(Arc::new(*self)),
        }))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, Some(Arc::new(*self)))
    }
}

#[cfg(test)]
mod tests {
    use super::Naive;
    use crate::models::{Model, ModelError};

    #[test]
    fn by_hand() {
        let out = Naive.forecast(&[1.0, 3.0, 2.0], 3, &[80.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![2.0; 3]);
        // residuals 2, -1 -> sigma = sqrt(5 / 2)
        let sigma = (5.0f64 / 2.0).sqrt();
        let z = 1.2815515655446004;
        let band = &out.forecast.intervals[0];
        assert_eq!(band.lo[0], 2.0 - z * sigma);
        assert_eq!(band.hi[2], 2.0 + z * (sigma * 3f64.sqrt()));
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[0].is_nan());
        assert_eq!(&fitted.mean[1..], &[1.0, 3.0]);
        assert_eq!(fitted.intervals[0].lo[1], 1.0 - z * sigma);
        assert!(fitted.intervals[0].lo[0].is_nan());
    }

    #[test]
    fn single_observation_has_zero_width_intervals() {
        let out = Naive.forecast(&[-4.0], 2, &[95.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![-4.0, -4.0]);
        assert_eq!(out.forecast.intervals[0].lo, vec![-4.0, -4.0]);
        assert_eq!(out.forecast.intervals[0].hi, vec![-4.0, -4.0]);
        assert!(out.fitted.unwrap().mean[0].is_nan());
    }

    #[test]
    fn info_reports_the_last_value_and_sigma() {
        // residuals 2, -1 -> sigma = sqrt(5 / 2)
        let info = Naive.fit(&[1.0, 3.0, 2.0]).unwrap().info();
        assert_eq!(
            info.to_json(),
            r#"{"method":"Naive","forecast":2.0,"sigma":1.5811388300841898}"#
        );
    }

    #[test]
    fn forward_refits_and_empty_fails() {
        let fitted = Naive.fit(&[1.0, 2.0]).unwrap();
        let moved = fitted.forward(&[5.0, 7.0, 9.0]).unwrap();
        assert_eq!(moved.predict(2, &[]).mean, vec![9.0, 9.0]);
        assert_eq!(Naive.fit(&[]).err(), Some(ModelError::EmptySeries));
    }
}
