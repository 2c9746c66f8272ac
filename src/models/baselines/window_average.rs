//! statsforecast's `WindowAverage` and `SeasonalWindowAverage`: means of the latest window.

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::reductions::mean;
use crate::models::{FittedModel, Model, ModelError, StateError, StateReader};

/// statsforecast `WindowAverage(window_size)` (default alias `WindowAverage`; `window_size`
/// is required).
///
/// Forecast: the mean of the last `window_size` observations; NaN when the series is shorter
/// than the window. No fitted values and no intervals: statsforecast raises for both (its
/// `forecast` has no Gaussian interval formula for this model and only offers conformal
/// intervals), so `has_fitted()` and `has_intervals()` are false and a direct
/// `predict_in_sample` gives all-NaN values without bands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WindowAverage {
    /// Number of trailing observations averaged (at least 1).
    pub(crate) window_size: usize,
}

impl Model for WindowAverage {
    fn class_name(&self) -> &'static str {
        "WindowAverage"
    }

    fn has_intervals(&self) -> bool {
        false
    }

    fn has_fitted(&self) -> bool {
        false
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let n = y.len();
        let value = match n.checked_sub(self.window_size) {
            Some(start) => mean(&y[start..]),
            None => f64::NAN,
        };
        Ok(Box::new(point_only(
            self.class_name(),
            Path::Flat(value),
            n,
        )))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }
}

/// statsforecast `SeasonalWindowAverage(season_length, window_size)` (default alias `SeasWA`;
/// both parameters are required).
///
/// Forecast step `k` is the mean of the observations at the same position of the season in
/// the last `window_size` seasons (position `k % season_length` of the last
/// `season_length · window_size` observations); all NaN when the series is shorter than that.
/// No fitted values and no intervals, as statsforecast raises for both.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeasonalWindowAverage {
    /// Number of observations per season (at least 1).
    pub(crate) season_length: usize,
    /// Number of trailing seasons averaged (at least 1).
    pub(crate) window_size: usize,
}

impl Model for SeasonalWindowAverage {
    fn class_name(&self) -> &'static str {
        "SeasonalWindowAverage"
    }

    fn has_intervals(&self) -> bool {
        false
    }

    fn has_fitted(&self) -> bool {
        false
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let n = y.len();
        let m = self.season_length.max(1);
        let needed = m.checked_mul(self.window_size);
        let start = needed.and_then(|needed| n.checked_sub(needed));
        let path = match start {
            Some(start) => Path::Cycle {
                values: seasonal_means(&y[start..], m, self.window_size),
                missing: 0,
                period: m,
            },
            None => Path::Flat(f64::NAN),
        };
        Ok(Box::new(point_only(self.class_name(), path, n)))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }
}

/// Column means of `tail` laid out as `windows` rows of `m` values, summed in numpy's
/// order for `mean(axis=0)`: row after row for `m > 1`, but pairwise for `m == 1`, where
/// numpy sees a single contiguous column.
fn seasonal_means(tail: &[f64], m: usize, windows: usize) -> Vec<f64> {
    if m == 1 {
        return vec![mean(tail)];
    }
    let mut sums = vec![0.0; m];
    for row in tail.chunks_exact(m) {
        for (sum, value) in sums.iter_mut().zip(row) {
            *sum += value;
        }
    }
    sums.into_iter().map(|sum| sum / windows as f64).collect()
}

/// A fit with point forecasts only: no intervals, no in-sample values (NaN), no `forward`.
fn point_only(class: &'static str, path: Path, n: usize) -> BaselineFit {
    BaselineFit {
        class,
        path,
        spread: Spread::None,
        fitted: vec![f64::NAN; n],
        fitted_spread: Spread::None,
        alphas: Alphas::None,
        refit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{SeasonalWindowAverage, WindowAverage};
    use crate::models::Model;

    #[test]
    fn window_average_by_hand() {
        let model = WindowAverage { window_size: 2 };
        let out = model.forecast(&[1.0, 4.0, -2.0], 2, &[80.0], true).unwrap();
        assert_eq!(out.forecast.mean, vec![1.0, 1.0]);
        assert!(out.forecast.intervals.is_empty());
        assert!(out.fitted.is_none());
        let short = WindowAverage { window_size: 4 };
        let out = short.forecast(&[1.0, 2.0], 2, &[], false).unwrap();
        assert!(out.forecast.mean.iter().all(|v| v.is_nan()));
        let exact = WindowAverage { window_size: 2 };
        assert_eq!(
            exact.fit(&[3.0, 5.0]).unwrap().predict(1, &[]).mean,
            vec![4.0]
        );
    }

    #[test]
    fn seasonal_window_average_by_hand() {
        let model = SeasonalWindowAverage {
            season_length: 2,
            window_size: 2,
        };
        // Last 4 values: [1, 10, 3, 20] -> position means 2 and 15.
        let y = [100.0, 1.0, 10.0, 3.0, 20.0];
        let out = model.forecast(&y, 3, &[], false).unwrap();
        assert_eq!(out.forecast.mean, vec![2.0, 15.0, 2.0]);
        let short = model.forecast(&y[2..], 2, &[], false).unwrap();
        assert!(short.forecast.mean.iter().all(|v| v.is_nan()));
        let huge = SeasonalWindowAverage {
            season_length: usize::MAX,
            window_size: 3,
        };
        assert!(huge.forecast(&y, 1, &[], false).unwrap().forecast.mean[0].is_nan());
    }

    #[test]
    fn in_sample_is_all_nan() {
        let model = WindowAverage { window_size: 1 };
        let fitted = model.fit(&[1.0, 2.0]).unwrap().predict_in_sample(&[80.0]);
        assert_eq!(fitted.mean.len(), 2);
        assert!(fitted.mean.iter().all(|v| v.is_nan()));
        assert!(fitted.intervals.is_empty());
    }
}
