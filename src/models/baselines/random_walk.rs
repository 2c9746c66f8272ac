//! statsforecast's `RandomWalkWithDrift`: the last value plus the average historical step.

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::reductions::{dof, residual_sigma, residuals};
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `RandomWalkWithDrift()` (default alias `RWD`, no parameters).
///
/// `slope = (y[n-1] - y[0]) / (n - 1)`; step `k = 1, 2, ...` forecasts `y[n-1] + k · slope`,
/// fitted values are `y[t-1] + slope` (the first is NaN). `sigma = sqrt(Σ resid² / (n - 1))`;
/// step `k` has standard error `sigma · sqrt(k · (1 + k / (n - 1)))`, fitted values `sigma`.
/// A single observation has no slope: every output is NaN, as statsforecast's `0 / 0` gives.
/// No `forward` (statsforecast's class has none).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RandomWalkWithDrift;

impl Model for RandomWalkWithDrift {
    fn class_name(&self) -> &'static str {
        "RandomWalkWithDrift"
    }

    fn has_intervals(&self) -> bool {
        true
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let n = y.len();
        let last = y[n - 1];
        let slope = (last - y[0]) / (n as f64 - 1.0);
        let fitted: Vec<f64> = std::iter::once(f64::NAN)
            .chain(y[..n - 1].iter().map(|prev| slope + prev))
            .collect();
        let sigma = residual_sigma(&residuals(y, &fitted), dof(n, 1));
        Ok(Box::new(BaselineFit {
            class: self.class_name(),
            path: Path::Drift { last, slope },
            spread: Spread::Drift { sigma, n },
            fitted,
            fitted_spread: Spread::Flat(sigma),
            alphas: Alphas::None,
            refit: None,
        }))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }
}

#[cfg(test)]
mod tests {
    use super::RandomWalkWithDrift;
    use crate::models::Model;

    #[test]
    fn by_hand() {
        // slope = (7 - 1) / 3 = 2; fitted 3, 5, 6; residuals 0, -1, 1 -> sigma sqrt(2/3).
        let y = [1.0, 3.0, 4.0, 7.0];
        let out = RandomWalkWithDrift.forecast(&y, 2, &[95.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![9.0, 11.0]);
        let sigma = (2.0f64 / 3.0).sqrt();
        let z = 1.959963984540054;
        let se2 = sigma * (2.0f64 * (1.0 + 2.0 / 3.0)).sqrt();
        assert_eq!(out.forecast.intervals[0].hi[1], 11.0 + z * se2);
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[0].is_nan());
        assert_eq!(&fitted.mean[1..], &[3.0, 5.0, 6.0]);
        assert_eq!(fitted.intervals[0].lo[3], 6.0 - z * sigma);
    }

    #[test]
    fn negative_trend_and_single_value() {
        let out = RandomWalkWithDrift
            .forecast(&[-1.0, -3.0], 2, &[], false)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![-5.0, -7.0]);
        let out = RandomWalkWithDrift
            .forecast(&[2.0], 2, &[80.0], true)
            .unwrap();
        assert!(out.forecast.mean.iter().all(|v| v.is_nan()));
        assert!(out.forecast.intervals[0].lo.iter().all(|v| v.is_nan()));
        assert!(out.fitted.unwrap().mean[0].is_nan());
    }
}
