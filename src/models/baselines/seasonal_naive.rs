//! statsforecast's `SeasonalNaive`: the last season, repeated.

use std::sync::Arc;

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::reductions::{dof, residual_sigma, residuals};
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `SeasonalNaive(season_length)` (default alias `SeasonalNaive`;
/// `season_length` is required).
///
/// Forecast step `k` repeats the observation one season before it, i.e. position
/// `k % season_length` of the last season. A series shorter than the season is aligned to the
/// end of the cycle and the positions without an observation are NaN (statsforecast warns and
/// does the same). Fitted values: `y[t - season_length]`, NaN for the first season.
/// `sigma = sqrt(Σ resid² / (n - season_length))`, 0 when `n <= season_length` (zero-width
/// intervals, where statsforecast's fitted intervals crash); step `k = 1, 2, ...` has standard
/// error `sigma · sqrt(floor((k - 1) / season_length) + 1)`, fitted values `sigma`.
/// `forward` refits on the new series.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeasonalNaive {
    /// Number of observations per season (at least 1).
    pub(crate) season_length: usize,
}

impl Model for SeasonalNaive {
    fn class_name(&self) -> &'static str {
        "SeasonalNaive"
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
        let m = self.season_length.max(1);
        // Only the last min(n, m) observations are kept: never allocate by season length.
        let kept = n.min(m);
        let path = Path::Cycle {
            values: y[n - kept..].to_vec(),
            missing: m - kept,
            period: m,
        };
        let fitted: Vec<f64> = (0..n)
            .map(|t| t.checked_sub(m).map_or(f64::NAN, |s| y[s]))
            .collect();
        let sigma = residual_sigma(&residuals(y, &fitted), dof(n, m));
        Ok(Box::new(BaselineFit {
            class: self.class_name(),
            path,
            spread: Spread::Seasonal { sigma, period: m },
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
    use super::SeasonalNaive;
    use crate::models::Model;

    fn model(season_length: usize) -> SeasonalNaive {
        SeasonalNaive { season_length }
    }

    #[test]
    fn by_hand() {
        let y = [1.0, 2.0, 3.0, 2.0, 4.0, 5.0];
        let out = model(3).forecast(&y, 5, &[80.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![2.0, 4.0, 5.0, 2.0, 4.0]);
        // residuals 1, 2, 2 over n - m = 3 dof.
        let sigma = 3f64.sqrt();
        let z = 1.2815515655446004;
        let band = &out.forecast.intervals[0];
        assert_eq!(band.lo[2], 5.0 - z * sigma);
        assert_eq!(band.lo[3], 2.0 - z * (sigma * 2f64.sqrt()));
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[..3].iter().all(|v| v.is_nan()));
        assert_eq!(&fitted.mean[3..], &[1.0, 2.0, 3.0]);
        assert_eq!(fitted.intervals[0].hi[4], 2.0 + z * sigma);
    }

    #[test]
    fn shorter_than_season_aligns_to_the_end() {
        let out = model(4).forecast(&[7.0, 8.0], 6, &[95.0], true).unwrap();
        let mean = &out.forecast.mean;
        assert!(mean[0].is_nan() && mean[1].is_nan() && mean[4].is_nan() && mean[5].is_nan());
        assert_eq!((mean[2], mean[3]), (7.0, 8.0));
        // No degrees of freedom: zero-width bands where there is a value.
        assert_eq!(out.forecast.intervals[0].lo[3], 8.0);
        assert_eq!(out.fitted.unwrap().mean.len(), 2);
    }

    #[test]
    fn season_length_one_is_naive_and_huge_season_is_cheap() {
        let out = model(1).forecast(&[3.0, -1.0], 2, &[], false).unwrap();
        assert_eq!(out.forecast.mean, vec![-1.0, -1.0]);
        let out = model(usize::MAX)
            .forecast(&[3.0], 2, &[80.0], true)
            .unwrap();
        assert!(out.forecast.mean.iter().all(|v| v.is_nan()));
    }
}
