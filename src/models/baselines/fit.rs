//! The fitted state shared by all baseline models: a rule for future point values, a rule
//! for their standard errors, and the in-sample values.

use std::sync::Arc;

use crate::models::intervals::{degenerate_bands, gaussian_bands};
use crate::models::{Band, FittedModel, Forecast, Model, ModelError};

/// How future point values are generated from the fitted series.
#[derive(Debug, Clone)]
pub(crate) enum Path {
    /// The same value at every step.
    Flat(f64),
    /// A repeating season. Step `k` uses position `k % period` of the cycle; the first
    /// `missing` positions have no observation (series shorter than the season) and are NaN,
    /// the others are `values[position - missing]`.
    Cycle {
        values: Vec<f64>,
        missing: usize,
        period: usize,
    },
    /// A straight line from the last value: `slope · (1 + k) + last` at step `k`.
    Drift { last: f64, slope: f64 },
}

impl Path {
    fn at(&self, step: usize) -> f64 {
        match self {
            Self::Flat(value) => *value,
            Self::Cycle {
                values,
                missing,
                period,
            } => {
                let position = step % (*period).max(1);
                position
                    .checked_sub(*missing)
                    .and_then(|i| values.get(i))
                    .copied()
                    .unwrap_or(f64::NAN)
            }
            // `1 + k` is formed in floating point, as numpy does with a float arange.
            Self::Drift { last, slope } => slope * (1.0 + step as f64) + last,
        }
    }
}

/// How the standard error grows with the step, or whether there are intervals at all.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spread {
    /// No intervals (statsforecast's `forecast` refuses `level` for the model).
    None,
    /// Zero-width intervals: `lo = hi = mean`.
    Zero,
    /// The same standard error at every step.
    Flat(f64),
    /// Random walk: `sigma · sqrt(k)` at step `k = 1, 2, ...`.
    RandomWalk(f64),
    /// Seasonal random walk: `sigma · sqrt(floor((k - 1) / period) + 1)`.
    Seasonal { sigma: f64, period: usize },
    /// Random walk with an estimated drift from `n` observations:
    /// `sigma · sqrt(k · (1 + k / (n - 1)))`.
    Drift { sigma: f64, n: usize },
}

impl Spread {
    /// Standard error of value `index` (0-based).
    fn se(self, index: usize) -> f64 {
        let k = (index + 1) as f64;
        match self {
            Self::None | Self::Zero => 0.0,
            Self::Flat(se) => se,
            Self::RandomWalk(sigma) => sigma * k.sqrt(),
            // floor(index / period) in floating point, as statsforecast computes it.
            Self::Seasonal { sigma, period } => {
                sigma * ((index as f64 / period as f64).floor() + 1.0).sqrt()
            }
            Self::Drift { sigma, n } => sigma * (k * (1.0 + k / (n as f64 - 1.0))).sqrt(),
        }
    }

    fn bands(self, mean: &[f64], levels: &[f64]) -> Vec<Band> {
        match self {
            Self::None => Vec::new(),
            Self::Zero => degenerate_bands(mean, levels),
            _ => gaussian_bands(mean, levels, |i| self.se(i)),
        }
    }
}

/// A fitted baseline model.
pub(crate) struct BaselineFit {
    /// Future point values.
    pub(crate) path: Path,
    /// Standard errors of the future values.
    pub(crate) spread: Spread,
    /// In-sample values; `None` when the model has none (then all-NaN is returned).
    pub(crate) fitted: Option<Vec<f64>>,
    /// Number of training observations.
    pub(crate) n: usize,
    /// Standard errors of the in-sample values (only `None`, `Zero` or `Flat`).
    pub(crate) fitted_spread: Spread,
    /// Set for models whose `forward` is "forecast the new series": the model to refit.
    pub(crate) refit: Option<Arc<dyn Model>>,
}

impl FittedModel for BaselineFit {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let mean: Vec<f64> = (0..h).map(|step| self.path.at(step)).collect();
        let intervals = self.spread.bands(&mean, levels);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self
            .fitted
            .clone()
            .unwrap_or_else(|| vec![f64::NAN; self.n]);
        let intervals = self.fitted_spread.bands(&mean, levels);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        match &self.refit {
            Some(model) => model.fit(y),
            None => Err(ModelError::Unsupported("forward".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Path, Spread};

    #[test]
    fn cycle_with_missing_positions() {
        let path = Path::Cycle {
            values: vec![5.0, 6.0],
            missing: 2,
            period: 4,
        };
        let got: Vec<f64> = (0..6).map(|k| path.at(k)).collect();
        assert!(got[0].is_nan() && got[1].is_nan() && got[4].is_nan());
        assert_eq!((got[2], got[3]), (5.0, 6.0));
    }

    #[test]
    fn spreads() {
        assert_eq!(Spread::RandomWalk(2.0).se(3), 4.0);
        assert_eq!(
            Spread::Seasonal {
                sigma: 3.0,
                period: 4
            }
            .se(3),
            3.0
        );
        assert_eq!(
            Spread::Seasonal {
                sigma: 3.0,
                period: 4
            }
            .se(4),
            3.0 * 2f64.sqrt()
        );
        assert_eq!(
            Spread::Drift { sigma: 1.0, n: 3 }.se(1),
            (2.0f64 * 2.0).sqrt()
        );
        // One observation: no drift degrees of freedom, 0 · inf = NaN as in statsforecast.
        assert!(Spread::Drift { sigma: 0.0, n: 1 }.se(0).is_nan());
    }
}
