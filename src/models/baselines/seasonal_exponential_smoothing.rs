//! statsforecast's `SeasonalExponentialSmoothing` and its optimised variant: one simple
//! exponential smoothing per position of the season.

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::ses::{OPTIMIZED_ALPHA_BOUNDS, golden_section_ses, ses_forecast};
use crate::models::{
    FittedModel, ForecastOutput, Model, ModelError, StateError, StateReader, fit_and_predict,
};

/// statsforecast `SeasonalExponentialSmoothing(season_length, alpha)` (default alias
/// `SeasonalES`; both parameters are required, `alpha` in `[0, 1]`).
///
/// The series is split into `season_length` sub-series (every `season_length`-th value,
/// aligned so that the last observation ends the last one; the first `n % season_length`
/// observations are unused), each smoothed by SES with `alpha`. Step `k` forecasts the final
/// level of sub-series `k % season_length`; fitted values are the sub-series' one-step
/// predictions (NaN where a sub-series starts and for the unused head).
///
/// A series shorter than the season forecasts NaN (as statsforecast's `forecast`), and asking
/// for its fitted values is [`ModelError::NotEnoughData`] (statsforecast raises). No
/// intervals: statsforecast's `forecast` refuses `level` although its `predict` would give
/// `sigma · sqrt(1 + (ceil(k / season_length) - 1) · alpha²)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeasonalExponentialSmoothing {
    /// Number of observations per season (at least 1).
    pub(crate) season_length: usize,
    /// Smoothing constant in `[0, 1]`.
    pub(crate) alpha: f64,
}

impl Model for SeasonalExponentialSmoothing {
    fn class_name(&self) -> &'static str {
        "SeasonalExponentialSmoothing"
    }

    fn has_intervals(&self) -> bool {
        false
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        let alpha = self.alpha;
        Ok(Box::new(seasonal_fit(
            self.class_name(),
            y,
            self.season_length,
            |_| alpha,
        )))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }

    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        require_season_for_fitted(self.class_name(), y, self.season_length, fitted)?;
        fit_and_predict(self, y, h, levels, fitted)
    }
}

/// statsforecast `SeasonalExponentialSmoothingOptimized(season_length)` (default alias
/// `SeasESOpt`; `season_length` is required).
///
/// As [`SeasonalExponentialSmoothing`], each sub-series with its own `alpha` chosen by
/// golden-section search over `[0.01, 0.99]` (statsforecast's compiled search, reproduced
/// step for step). Same short-series behaviour and no intervals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeasonalExponentialSmoothingOptimized {
    /// Number of observations per season (at least 1).
    pub(crate) season_length: usize,
}

impl Model for SeasonalExponentialSmoothingOptimized {
    fn class_name(&self) -> &'static str {
        "SeasonalExponentialSmoothingOptimized"
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
        Ok(Box::new(seasonal_fit(
            self.class_name(),
            y,
            self.season_length,
            |sub| golden_section_ses(sub, lower, upper),
        )))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, None)
    }

    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        require_season_for_fitted(self.class_name(), y, self.season_length, fitted)?;
        fit_and_predict(self, y, h, levels, fitted)
    }
}

/// statsforecast has no fitted values for a series shorter than one season and raises when
/// they are requested; point forecasts alone are NaN and fine.
fn require_season_for_fitted(
    model: &'static str,
    y: &[f64],
    season_length: usize,
    fitted: bool,
) -> Result<(), ModelError> {
    ensure_not_empty(y)?;
    if fitted && y.len() < season_length {
        return Err(ModelError::NotEnoughData {
            model,
            needed: season_length,
            got: y.len(),
        });
    }
    Ok(())
}

/// Smooths each seasonal sub-series by SES with the constant `choose_alpha` gives it.
fn seasonal_fit(
    class: &'static str,
    y: &[f64],
    season_length: usize,
    choose_alpha: impl Fn(&[f64]) -> f64,
) -> BaselineFit {
    let n = y.len();
    let m = season_length.max(1);
    if n < m {
        return BaselineFit {
            class,
            path: Path::Flat(f64::NAN),
            spread: Spread::None,
            fitted: vec![f64::NAN; n],
            fitted_spread: Spread::None,
            alphas: Alphas::None,
            refit: None,
        };
    }
    // Sub-series i starts at i + n % m, so that every sub-series ends in the last season.
    let head = n % m;
    let mut season = Vec::with_capacity(m);
    let mut alphas = Vec::with_capacity(m);
    let mut fitted = vec![f64::NAN; n];
    for start in head..head + m {
        let sub: Vec<f64> = y[start..].iter().step_by(m).copied().collect();
        let alpha = choose_alpha(&sub);
        let (forecast, sub_fitted) = ses_forecast(&sub, alpha);
        season.push(forecast);
        alphas.push(alpha);
        for (slot, value) in fitted[start..].iter_mut().step_by(m).zip(sub_fitted) {
            *slot = value;
        }
    }
    BaselineFit {
        class,
        path: Path::Cycle {
            values: season,
            missing: 0,
            period: m,
        },
        spread: Spread::None,
        fitted,
        fitted_spread: Spread::None,
        alphas: Alphas::PerSeason(alphas),
        refit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{SeasonalExponentialSmoothing, SeasonalExponentialSmoothingOptimized};
    use crate::models::{Model, ModelError};

    #[test]
    fn by_hand() {
        // n = 5, m = 2: the first value is unused; sub-series [1, 3] and [2, 4].
        let model = SeasonalExponentialSmoothing {
            season_length: 2,
            alpha: 0.5,
        };
        let out = model
            .forecast(&[9.0, 1.0, 2.0, 3.0, 4.0], 3, &[], true)
            .unwrap();
        // levels: 1 -> 0.5*3 + 0.5*1 = 2 ; 2 -> 0.5*4 + 0.5*2 = 3.
        assert_eq!(out.forecast.mean, vec![2.0, 3.0, 2.0]);
        let fitted = out.fitted.unwrap().mean;
        assert!(fitted[..3].iter().all(|v| v.is_nan()));
        assert_eq!(&fitted[3..], &[1.0, 2.0]);
    }

    #[test]
    fn info_lists_one_alpha_and_level_per_position() {
        let model = SeasonalExponentialSmoothing {
            season_length: 2,
            alpha: 0.5,
        };
        let info = model.fit(&[9.0, 1.0, 2.0, 3.0, 4.0]).unwrap().info();
        assert_eq!(
            info.to_json(),
            r#"{"method":"SeasonalExponentialSmoothing","alpha":[0.5,0.5],"season":[2.0,3.0]}"#
        );
    }

    #[test]
    fn exactly_one_season_repeats_it() {
        let model = SeasonalExponentialSmoothingOptimized { season_length: 3 };
        let out = model.forecast(&[-1.0, 0.0, 1.0], 4, &[], true).unwrap();
        assert_eq!(out.forecast.mean, vec![-1.0, 0.0, 1.0, -1.0]);
        assert!(out.fitted.unwrap().mean.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn shorter_than_season() {
        let model = SeasonalExponentialSmoothing {
            season_length: 4,
            alpha: 0.3,
        };
        let out = model.forecast(&[1.0, 2.0], 2, &[], false).unwrap();
        assert!(out.forecast.mean.iter().all(|v| v.is_nan()));
        assert_eq!(
            model.forecast(&[1.0, 2.0], 2, &[], true).err(),
            Some(ModelError::NotEnoughData {
                model: "SeasonalExponentialSmoothing",
                needed: 4,
                got: 2
            })
        );
        let opt = SeasonalExponentialSmoothingOptimized {
            season_length: usize::MAX,
        };
        assert!(opt.forecast(&[1.0], 1, &[], true).is_err());
    }
}
