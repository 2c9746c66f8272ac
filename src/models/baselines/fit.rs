//! The fitted state shared by all baseline models: a rule for future point values, a rule
//! for their standard errors, and the in-sample values.

use std::sync::Arc;

use crate::models::intervals::{degenerate_bands, gaussian_bands};
use crate::models::{
    Band, FitInfo, FittedModel, Forecast, InfoValue, Model, ModelError, StateError, StateReader,
    StateWriter,
};

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
    /// The mean of `n` observations: `sigma · sqrt(1 + 1 / n)` at every step.
    Average { sigma: f64, n: usize },
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
            Self::Average { sigma, n } => sigma * (1.0 + 1.0 / n as f64).sqrt(),
        }
    }

    /// The residual standard deviation the errors scale (0 for zero-width intervals).
    fn sigma(self) -> Option<f64> {
        match self {
            Self::None => None,
            Self::Zero => Some(0.0),
            Self::Flat(sigma)
            | Self::RandomWalk(sigma)
            | Self::Seasonal { sigma, .. }
            | Self::Drift { sigma, .. }
            | Self::Average { sigma, .. } => Some(sigma),
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

/// The smoothing constants of the exponential smoothing baselines.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Alphas {
    /// The model smooths nothing.
    None,
    /// One constant for the whole series.
    Single(f64),
    /// One constant per position of the season.
    PerSeason(Vec<f64>),
}

/// A fitted baseline model.
pub(crate) struct BaselineFit {
    /// The statsforecast class, for [`FittedModel::info`].
    pub(crate) class: &'static str,
    /// Future point values.
    pub(crate) path: Path,
    /// Standard errors of the future values.
    pub(crate) spread: Spread,
    /// In-sample values, one per observation (all NaN for a model without them).
    pub(crate) fitted: Vec<f64>,
    /// Standard errors of the in-sample values (never step-dependent).
    pub(crate) fitted_spread: Spread,
    /// The smoothing constants used or chosen.
    pub(crate) alphas: Alphas,
    /// Set for models whose `forward` is "forecast the new series": the model to refit.
    pub(crate) refit: Option<Arc<dyn Model>>,
}

impl BaselineFit {
    /// Reads back what [`FittedModel::save`] wrote, for the model `class` whose `forward`
    /// refits `refit`.
    pub(crate) fn restore(
        class: &'static str,
        state: &mut StateReader<'_>,
        refit: Option<Arc<dyn Model>>,
    ) -> Result<Box<dyn FittedModel>, StateError> {
        Ok(Box::new(Self {
            class,
            path: Path::restore(state)?,
            spread: Spread::restore(state)?,
            fitted: state.f64s()?,
            fitted_spread: Spread::restore(state)?,
            alphas: match state.tag("smoothing constants", 3)? {
                0 => Alphas::None,
                1 => Alphas::Single(state.f64()?),
                _ => Alphas::PerSeason(state.f64s()?),
            },
            refit,
        }))
    }
}

impl Path {
    fn save(&self, state: &mut StateWriter) {
        match self {
            Self::Flat(value) => {
                state.u8(0);
                state.f64(*value);
            }
            Self::Cycle {
                values,
                missing,
                period,
            } => {
                state.u8(1);
                state.f64s(values);
                state.usize(*missing);
                state.usize(*period);
            }
            Self::Drift { last, slope } => {
                state.u8(2);
                state.f64(*last);
                state.f64(*slope);
            }
        }
    }

    fn restore(state: &mut StateReader<'_>) -> Result<Self, StateError> {
        Ok(match state.tag("forecast path", 3)? {
            0 => Self::Flat(state.f64()?),
            1 => {
                let values = state.f64s()?;
                let missing = state.usize()?;
                let period = state.usize()?;
                // The observed positions and the missing ones make up one season.
                StateReader::check(period, "the season length of a cycle", |&period| {
                    values.len().checked_add(missing) == Some(period)
                })?;
                Self::Cycle {
                    values,
                    missing,
                    period,
                }
            }
            _ => Self::Drift {
                last: state.f64()?,
                slope: state.f64()?,
            },
        })
    }

    /// What the path holds, for [`FittedModel::info`].
    fn info(&self, info: FitInfo) -> FitInfo {
        match self {
            Self::Flat(value) => info.number("forecast", *value),
            Self::Cycle { values, .. } => info.with("season", InfoValue::numbers(values)),
            Self::Drift { last, slope } => info.number("last", *last).number("drift", *slope),
        }
    }
}

impl Spread {
    fn save(self, state: &mut StateWriter) {
        match self {
            Self::None => state.u8(0),
            Self::Zero => state.u8(1),
            Self::Flat(se) => {
                state.u8(2);
                state.f64(se);
            }
            Self::RandomWalk(sigma) => {
                state.u8(3);
                state.f64(sigma);
            }
            Self::Seasonal { sigma, period } => {
                state.u8(4);
                state.f64(sigma);
                state.usize(period);
            }
            Self::Drift { sigma, n } => {
                state.u8(5);
                state.f64(sigma);
                state.usize(n);
            }
            Self::Average { sigma, n } => {
                state.u8(6);
                state.f64(sigma);
                state.usize(n);
            }
        }
    }

    fn restore(state: &mut StateReader<'_>) -> Result<Self, StateError> {
        Ok(match state.tag("standard error rule", 7)? {
            0 => Self::None,
            1 => Self::Zero,
            2 => Self::Flat(state.f64()?),
            3 => Self::RandomWalk(state.f64()?),
            4 => Self::Seasonal {
                sigma: state.f64()?,
                period: StateReader::check(state.usize()?, "season length", |&m| m >= 1)?,
            },
            5 => Self::Drift {
                sigma: state.f64()?,
                n: StateReader::check(state.usize()?, "observations", |&n| n >= 1)?,
            },
            _ => Self::Average {
                sigma: state.f64()?,
                n: StateReader::check(state.usize()?, "observations", |&n| n >= 1)?,
            },
        })
    }
}

impl FittedModel for BaselineFit {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let mean: Vec<f64> = (0..h).map(|step| self.path.at(step)).collect();
        let intervals = self.spread.bands(&mean, levels);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self.fitted.clone();
        let intervals = self.fitted_spread.bands(&mean, levels);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        match &self.refit {
            Some(model) => model.fit(y),
            None => Err(ModelError::Unsupported("forward".into())),
        }
    }

    /// The forward model is not saved: the model restoring the state supplies it.
    fn save(&self, state: &mut StateWriter) {
        self.path.save(state);
        self.spread.save(state);
        state.f64s(&self.fitted);
        self.fitted_spread.save(state);
        match &self.alphas {
            Alphas::None => state.u8(0),
            Alphas::Single(alpha) => {
                state.u8(1);
                state.f64(*alpha);
            }
            Alphas::PerSeason(alphas) => {
                state.u8(2);
                state.f64s(alphas);
            }
        }
    }

    /// The class name, the smoothing constants, what the forecasts repeat and the residual
    /// standard deviation the intervals scale.
    fn info(&self) -> FitInfo {
        let mut info = FitInfo::method(self.class);
        match &self.alphas {
            Alphas::None => {}
            Alphas::Single(alpha) => info = info.number("alpha", *alpha),
            Alphas::PerSeason(alphas) => info = info.with("alpha", InfoValue::numbers(alphas)),
        }
        info = self.path.info(info);
        match self.spread.sigma() {
            Some(sigma) => info.number("sigma", sigma),
            None => info,
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
