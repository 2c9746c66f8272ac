//! statsforecast's `HistoricAverage`: the mean of the whole history.

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::reductions::{dof, mean, residual_sigma, residuals};
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `HistoricAverage()` (default alias `HistoricAverage`, no parameters).
///
/// Forecast and every fitted value: the mean of the series. `sigma = sqrt(Σ resid² / (n - 1))`
/// (0 for one observation) and every value, future or fitted, has standard error
/// `sigma · sqrt(1 + 1 / n)`. No `forward`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HistoricAverage;

impl Model for HistoricAverage {
    fn class_name(&self) -> &'static str {
        "HistoricAverage"
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
        let average = mean(y);
        let fitted = vec![average; n];
        let sigma = residual_sigma(&residuals(y, &fitted), dof(n, 1));
        let spread = Spread::Average { sigma, n };
        Ok(Box::new(BaselineFit {
            class: self.class_name(),
            path: Path::Flat(average),
            spread,
            fitted,
            fitted_spread: spread,
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
    use super::HistoricAverage;
    use crate::models::Model;

    #[test]
    fn by_hand() {
        // mean 2; residuals -1, 0, 1 -> sigma 1; se = sqrt(4/3).
        let out = HistoricAverage
            .forecast(&[1.0, 2.0, 3.0], 2, &[80.0], true)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![2.0, 2.0]);
        let se = (1.0f64 + 1.0 / 3.0).sqrt();
        let z = 1.2815515655446004;
        assert_eq!(out.forecast.intervals[0].lo, vec![2.0 - z * se; 2]);
        let fitted = out.fitted.unwrap();
        assert_eq!(fitted.mean, vec![2.0; 3]);
        assert_eq!(fitted.intervals[0].hi, vec![2.0 + z * se; 3]);
    }

    #[test]
    fn info_reports_the_mean_and_the_residual_sigma() {
        let info = HistoricAverage.fit(&[1.0, 2.0, 3.0]).unwrap().info();
        assert_eq!(
            info.to_json(),
            r#"{"method":"HistoricAverage","forecast":2.0,"sigma":1.0}"#
        );
    }

    #[test]
    fn constant_negative_and_single() {
        let out = HistoricAverage
            .forecast(&[-5.0; 4], 1, &[95.0], false)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![-5.0]);
        assert_eq!(out.forecast.intervals[0].lo, vec![-5.0]);
        let out = HistoricAverage.forecast(&[9.0], 2, &[95.0], true).unwrap();
        assert_eq!(out.forecast.intervals[0].hi, vec![9.0, 9.0]);
        assert_eq!(out.fitted.unwrap().mean, vec![9.0]);
    }
}
