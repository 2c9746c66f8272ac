//! Conformal prediction intervals for any model: statsforecast's `prediction_intervals=
//! ConformalIntervals(n_windows=2, h=1, method='conformal_distribution')`.
//!
//! [`Conformal`] wraps a model and keeps its point forecasts and fitted values; only the
//! bounds of the forecast change. They are calibrated on the model's own out-of-sample
//! errors, as statsforecast's `_TS._conformity_scores` computes them:
//!
//! - with `n` observations and the settings' `h`, `w = min(n_windows, (n - 1) / h)` windows
//!   (integer division: a short series uses fewer windows than asked for, statsforecast only
//!   warns); window `i = 0 .. w` refits the model on the first `n - (w - i) · h`
//!   observations (the series shortened by `w · h`, then by one `h` less each window), with
//!   the regressors of those rows, and forecasts the next `h` observations (point forecasts
//!   only, as `forecast(h, y_train)` does); the conformity scores are the absolute errors
//!   `|forecast - actual|`, a `w × h` table;
//! - `method='conformal_distribution'` (the default): for each step the `2 · w` values
//!   `mean ∓ score` are a sample of the forecast's distribution, and level `l` takes its
//!   `(100 - l) / 200` and `1 - (100 - l) / 200` quantiles (`np.quantile`'s default linear
//!   method) as the lower and upper bound;
//! - `method='conformal_error'`: level `l` takes the `l / 100` quantile of the step's `w`
//!   scores as a margin, `mean ∓ margin`.
//!
//! The forecast `h` need not equal the settings' `h`: step `k` uses the scores of step
//! `min(k, h)`. With `h = 1` (the default) every step uses the one-step scores, as
//! statsforecast broadcasts them; for other horizons statsforecast raises a broadcasting
//! error (`operands could not be broadcast together`) while we use the first steps' scores
//! of a shorter forecast and repeat the last step's scores beyond `h` for a longer one.
//! [`ConformalIntervals::covers_horizon`] tells the caller which horizons statsforecast
//! itself accepts.
//!
//! Fitted values are the wrapped model's, with its own (Gaussian) fitted bounds when it has
//! native intervals, and without bounds otherwise (statsforecast's `forecast(fitted=True)`
//! does the same). A model without native intervals (WindowAverage, the SES family, the
//! intermittent-demand models) has intervals once wrapped: `has_intervals()` is true.
//!
//! **Too-short series.** statsforecast raises `ValueError: Prediction intervals settings
//! require at least {2h+1} samples, serie has {n}.` (and raises for the whole call). Here
//! such a series keeps the model's point forecast (and fitted values) and gets **NaN
//! bounds** on every step, as do series on which the model cannot be refitted on one of the
//! shortened windows (e.g. AutoETS `tiny datasets` on the series shortened by `2h`). The
//! point forecast does not depend on the calibration and stays useful; NaN is what the
//! interval columns already hold wherever statsforecast cannot compute a value. Callers
//! that want to warn up front compare the length with
//! [`ConformalIntervals::min_observations`] (statsforecast's hard minimum `2h + 1`) and
//! [`ConformalIntervals::full_observations`] (`n_windows · h + 1`, below which fewer
//! windows are used). A model that cannot fit the whole series fails as it would
//! unwrapped.
//!
//! `forward` moves the wrapped model to the new series and recomputes the scores on it
//! (statsforecast's `forward` refits the windows too).
//!
//! MSTL takes the settings as statsforecast's constructor does: its trend forecaster gets
//! them unless it has its own, so the scores are the trend forecaster's on the seasonally
//! adjusted series (decomposed once) and the bounds are reseasonalised with the forecast.
//! Every registered model accepts `prediction_intervals` in its spec, ConstantModel and
//! ZeroModel included (statsforecast's constructors of those two do not). statsforecast's
//! call-level `forecast(prediction_intervals=...)` differs in two ways a caller applying
//! [`with_conformal_intervals`] as a default should know: it does not reach MSTL's trend
//! forecaster (MSTL keeps its native intervals) and ConstantModel/ZeroModel ignore it.

use std::fmt;
use std::sync::Arc;

use super::random::quantiles;
use super::{
    Band, FitInfo, FittedModel, Forecast, ForecastOutput, InSampleBounds, InfoValue, Model,
    ModelError, Regressors, StateError, StateReader, StateWriter,
};

/// How conformity scores become bounds (statsforecast's `ConformalIntervals.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConformalMethod {
    /// `'conformal_distribution'`: quantiles of `mean ∓ score` (the default).
    Distribution,
    /// `'conformal_error'`: `mean ∓` the `level / 100` quantile of the scores.
    Error,
}

impl ConformalMethod {
    /// The methods in statsforecast's order.
    pub const ALL: [Self; 2] = [Self::Distribution, Self::Error];

    /// statsforecast's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Self::Distribution => "conformal_distribution",
            Self::Error => "conformal_error",
        }
    }

    /// The method statsforecast calls `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }
}

/// statsforecast's `ConformalIntervals(n_windows=2, h=1, method='conformal_distribution')`,
/// validated as its constructor does (at least two windows, a known method) plus `h >= 1`
/// (statsforecast divides by `h`).
///
/// `Display` gives the canonical constructor call, which
/// [`parse_conformal_intervals`](super::parse_conformal_intervals) reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConformalIntervals {
    n_windows: usize,
    h: usize,
    method: ConformalMethod,
}

impl Default for ConformalIntervals {
    /// statsforecast's defaults: two windows of one step, `conformal_distribution`.
    fn default() -> Self {
        Self {
            n_windows: 2,
            h: 1,
            method: ConformalMethod::Distribution,
        }
    }
}

impl ConformalIntervals {
    /// Validated settings; the error says what is allowed.
    pub fn new(n_windows: usize, h: usize, method: ConformalMethod) -> Result<Self, String> {
        if n_windows < 2 {
            return Err(format!(
                "n_windows must be at least 2 (conformal intervals need at least two windows), \
                 got {n_windows}"
            ));
        }
        if h == 0 {
            return Err("h must be a positive integer, got 0".to_owned());
        }
        Ok(Self {
            n_windows,
            h,
            method,
        })
    }

    /// Number of calibration windows asked for (fewer are used on short series).
    pub fn n_windows(&self) -> usize {
        self.n_windows
    }

    /// Steps forecast in each calibration window.
    pub fn h(&self) -> usize {
        self.h
    }

    /// How the scores become bounds.
    pub fn method(&self) -> ConformalMethod {
        self.method
    }

    /// Fewest observations with which bounds can be calibrated: `2 · h + 1` (two windows);
    /// shorter series get NaN bounds (statsforecast raises).
    pub fn min_observations(&self) -> usize {
        self.h.saturating_mul(2).saturating_add(1)
    }

    /// Fewest observations for all `n_windows` windows: `n_windows · h + 1`; between
    /// [`min_observations`](Self::min_observations) and this, fewer windows are used
    /// (statsforecast warns).
    pub fn full_observations(&self) -> usize {
        self.n_windows.saturating_mul(self.h).saturating_add(1)
    }

    /// Whether statsforecast itself accepts forecasts of `h` steps with these settings:
    /// the same `h`, or settings with `h = 1` (scores broadcast to every step). Other
    /// horizons raise a broadcasting error there; here they are defined as the module
    /// documentation says.
    pub fn covers_horizon(&self, h: usize) -> bool {
        self.h == h || self.h == 1
    }

    /// Windows used for a series of `n` observations (below 2: no calibration).
    fn windows(&self, n: usize) -> usize {
        self.n_windows.min(n.saturating_sub(1) / self.h)
    }
}

/// The canonical constructor call, e.g.
/// `ConformalIntervals(n_windows=2, h=12, method='conformal_distribution')`.
impl fmt::Display for ConformalIntervals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ConformalIntervals(n_windows={}, h={}, method='{}')",
            self.n_windows,
            self.h,
            self.method.name()
        )
    }
}

/// `model` with conformal intervals `settings` (replacing conformal settings it already has).
///
/// This is what `prediction_intervals=` in a model spec does; the SQL layer can use it to
/// apply a call-level default to models whose [`Model::conformal_intervals`] is `None`.
/// Most models are wrapped in [`Conformal`]; MSTL passes the settings to its trend
/// forecaster unless that has its own (statsforecast's `MSTL.__init__`), and a model that
/// is already wrapped is re-wrapped with the new settings.
pub fn with_conformal_intervals(
    model: Arc<dyn Model>,
    settings: ConformalIntervals,
) -> Arc<dyn Model> {
    match model.apply_conformal_intervals(settings) {
        Some(adapted) => adapted,
        None => Arc::new(Conformal {
            inner: model,
            settings,
        }),
    }
}

/// A model with conformal prediction intervals; see the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct Conformal {
    inner: Arc<dyn Model>,
    settings: ConformalIntervals,
}

impl Conformal {
    /// The levels to ask the wrapped model for: its own fitted bounds, when it has them.
    fn native_levels<'a>(&self, levels: &'a [f64]) -> &'a [f64] {
        if self.inner.has_intervals() {
            levels
        } else {
            &[]
        }
    }

    fn calibrate(&self, y: &[f64], x: &Regressors) -> Calibration {
        match conformity_scores(self.inner.as_ref(), self.settings, y, x) {
            Ok(scores) => Calibration::Scores {
                method: self.settings.method,
                scores,
            },
            Err(reason) => Calibration::Failed(reason),
        }
    }
}

impl Model for Conformal {
    fn class_name(&self) -> &'static str {
        self.inner.class_name()
    }

    fn has_intervals(&self) -> bool {
        true
    }

    fn has_fitted(&self) -> bool {
        self.inner.has_fitted()
    }

    /// The wrapped model's own: conformal scores bound only the forecasts.
    fn in_sample_bounds(&self) -> InSampleBounds {
        if self.inner.has_intervals() {
            self.inner.in_sample_bounds()
        } else {
            InSampleBounds::None
        }
    }

    fn has_forward(&self) -> bool {
        self.inner.has_forward()
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.fit_with_regressors(y, &[])
    }

    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        self.forecast_with_regressors(y, &[], &[], h, levels, fitted)
    }

    fn uses_regressors(&self) -> bool {
        self.inner.uses_regressors()
    }

    fn fit_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        let inner = self.inner.fit_with_regressors(y, x)?;
        Ok(Box::new(ConformalFit {
            model: self.clone(),
            inner,
            calibration: self.calibrate(y, x),
        }))
    }

    fn forecast_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
        x_future: &Regressors,
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        // The wrapped model's levels only serve its fitted bounds.
        let native = if fitted {
            self.native_levels(levels)
        } else {
            &[]
        };
        let mut output = self
            .inner
            .forecast_with_regressors(y, x, x_future, h, native, fitted)?;
        output.forecast.intervals = if levels.is_empty() {
            Vec::new()
        } else {
            self.calibrate(y, x).bands(&output.forecast.mean, levels)
        };
        Ok(output)
    }

    fn conformal_intervals(&self) -> Option<ConformalIntervals> {
        Some(self.settings)
    }

    fn apply_conformal_intervals(&self, settings: ConformalIntervals) -> Option<Arc<dyn Model>> {
        Some(Arc::new(Self {
            inner: Arc::clone(&self.inner),
            settings,
        }))
    }

    /// The wrapped model's state, then the calibration: the scores of each window (as many
    /// windows as a series can give, up to the settings', each `h` long) or why there are
    /// none.
    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        let inner = self.inner.restore(state)?;
        let calibration = match state.tag("calibration", 2)? {
            0 => {
                let windows = StateReader::check(state.usize()?, "calibration windows", |w| {
                    (2..=self.settings.n_windows).contains(w)
                })?;
                let scores = (0..windows)
                    .map(|_| {
                        state.f64s_of_length("conformity scores", |len| len == self.settings.h)
                    })
                    .collect::<Result<_, _>>()?;
                Calibration::Scores {
                    method: self.settings.method,
                    scores,
                }
            }
            _ => Calibration::Failed(state.str()?),
        };
        Ok(Box::new(ConformalFit {
            model: self.clone(),
            inner,
            calibration,
        }))
    }
}

/// The conformity scores of one series, or why there are none.
#[derive(Debug, Clone, PartialEq)]
enum Calibration {
    /// One row of `h` absolute errors per window, oldest window first.
    Scores {
        method: ConformalMethod,
        scores: Vec<Vec<f64>>,
    },
    /// The bounds are NaN; the reason is kept for diagnostics.
    Failed(String),
}

impl Calibration {
    /// One band per level around `mean`.
    fn bands(&self, mean: &[f64], levels: &[f64]) -> Vec<Band> {
        let (method, scores) = match self {
            Self::Scores { method, scores } => (*method, scores),
            Self::Failed(_) => {
                return levels
                    .iter()
                    .map(|&level| Band {
                        level,
                        lo: vec![f64::NAN; mean.len()],
                        hi: vec![f64::NAN; mean.len()],
                    })
                    .collect();
            }
        };
        let mut bands: Vec<Band> = levels
            .iter()
            .map(|&level| Band {
                level,
                lo: Vec::with_capacity(mean.len()),
                hi: Vec::with_capacity(mean.len()),
            })
            .collect();
        let steps = scores.first().map_or(0, Vec::len);
        // Lower then upper quantile of each level (distribution) or one per level (error).
        let cuts: Vec<f64> = match method {
            ConformalMethod::Distribution => levels
                .iter()
                .flat_map(|&level| {
                    let alpha = 100.0 - level;
                    [alpha / 200.0, 1.0 - alpha / 200.0]
                })
                .collect(),
            ConformalMethod::Error => levels.iter().map(|&level| level / 100.0).collect(),
        };
        let mut sample = Vec::with_capacity(2 * scores.len());
        let mut q = vec![0.0; cuts.len()];
        for (k, &m) in mean.iter().enumerate() {
            let step = k.min(steps.saturating_sub(1));
            let column = scores.iter().map(|row| row[step]);
            sample.clear();
            match method {
                ConformalMethod::Distribution => {
                    sample.extend(column.clone().map(|s| m - s));
                    sample.extend(column.map(|s| m + s));
                    quantiles(&mut sample, &cuts, &mut q);
                    for (band, pair) in bands.iter_mut().zip(q.chunks_exact(2)) {
                        band.lo.push(pair[0]);
                        band.hi.push(pair[1]);
                    }
                }
                ConformalMethod::Error => {
                    sample.extend(column);
                    quantiles(&mut sample, &cuts, &mut q);
                    for (band, margin) in bands.iter_mut().zip(&q) {
                        band.lo.push(m - margin);
                        band.hi.push(m + margin);
                    }
                }
            }
        }
        bands
    }
}

/// statsforecast's `_conformity_scores`: the absolute errors of the model refitted on the
/// series without its last `w · h`, `(w - 1) · h`, ... observations.
fn conformity_scores(
    model: &dyn Model,
    settings: ConformalIntervals,
    y: &[f64],
    x: &Regressors,
) -> Result<Vec<Vec<f64>>, String> {
    let n = y.len();
    let h = settings.h;
    let windows = settings.windows(n);
    if windows < 2 {
        return Err(format!(
            "conformal intervals need at least {} observations (2 * h + 1 with h = {h}), the \
             series has {n}",
            settings.min_observations()
        ));
    }
    let test_size = windows * h;
    (0..windows)
        .map(|window| {
            let end = n - test_size + window * h;
            let x_train: Vec<Vec<f64>> = x.iter().map(|col| col[..end].to_vec()).collect();
            let x_test: Vec<Vec<f64>> = x.iter().map(|col| col[end..end + h].to_vec()).collect();
            let output = model
                .forecast_with_regressors(&y[..end], &x_train, &x_test, h, &[], false)
                .map_err(|err| {
                    format!(
                        "conformal intervals: {} failed on the first {end} observations \
                         (calibration window {} of {windows}): {err}",
                        model.class_name(),
                        window + 1
                    )
                })?;
            Ok(output
                .forecast
                .mean
                .iter()
                .zip(&y[end..end + h])
                .map(|(forecast, actual)| (forecast - actual).abs())
                .collect())
        })
        .collect()
}

/// A [`Conformal`] model fitted to one series: the wrapped model's fit and the conformity
/// scores (plain data; the model is rebuilt from its spec). A series that could not be
/// calibrated keeps the reason, for diagnostics.
struct ConformalFit {
    model: Conformal,
    inner: Box<dyn FittedModel>,
    calibration: Calibration,
}

impl FittedModel for ConformalFit {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        self.predict_with_regressors(h, &[], levels)
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        self.inner
            .predict_in_sample(self.model.native_levels(levels))
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.forward_with_regressors(y, &[])
    }

    fn predict_with_regressors(&self, h: usize, x_future: &Regressors, levels: &[f64]) -> Forecast {
        let mut forecast = self.inner.predict_with_regressors(h, x_future, &[]);
        if !levels.is_empty() {
            forecast.intervals = self.calibration.bands(&forecast.mean, levels);
        }
        forecast
    }

    fn forward_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        let inner = self.inner.forward_with_regressors(y, x)?;
        Ok(Box::new(Self {
            model: self.model.clone(),
            inner,
            calibration: self.model.calibrate(y, x),
        }))
    }

    /// The settings and the scores' method come from the restoring spec.
    fn save(&self, state: &mut StateWriter) {
        self.inner.save(state);
        match &self.calibration {
            Calibration::Scores { scores, .. } => {
                state.u8(0);
                state.usize(scores.len());
                for row in scores {
                    state.f64s(row);
                }
            }
            Calibration::Failed(reason) => {
                state.u8(1);
                state.str(reason);
            }
        }
    }

    /// The wrapped model's info with the conformal settings and the windows calibrated (or
    /// why the bounds are NaN).
    fn info(&self) -> FitInfo {
        let settings = self.model.settings;
        let mut conformal = vec![
            (
                "method".to_owned(),
                InfoValue::Text(settings.method.name().to_owned()),
            ),
            ("n_windows".to_owned(), InfoValue::Count(settings.n_windows)),
            ("h".to_owned(), InfoValue::Count(settings.h)),
        ];
        conformal.push(match &self.calibration {
            Calibration::Scores { scores, .. } => {
                ("windows".to_owned(), InfoValue::Count(scores.len()))
            }
            Calibration::Failed(reason) => ("failed".to_owned(), InfoValue::Text(reason.clone())),
        });
        self.inner
            .info()
            .with("prediction_intervals", InfoValue::Object(conformal))
    }
}

#[cfg(test)]
mod tests {
    //! Expected values from statsforecast 2.1.1: tests/data/conformal/generate.py.

    use std::sync::Arc;

    use super::{ConformalIntervals, ConformalMethod, with_conformal_intervals};
    use crate::models::{
        Forecast, ForecastOutput, Model, ModelError, Regressors, build_model, parse_model_specs,
    };

    const Y: [f64; 30] = [
        23.7, 15.8, 22.4, 20.8, 23.8, 13.4, 25.0, 20.9, 23.5, 22.7, 21.6, 24.3, 30.2, 22.0, 23.3,
        24.0, 30.8, 20.9, 28.4, 29.3, 29.8, 24.2, 33.0, 27.6, 31.7, 30.2, 26.3, 29.1, 39.0, 27.8,
    ];
    // seasonal_naive_error
    const SEASONAL_NAIVE_ERROR_MEAN: [f64; 6] = [26.3, 29.1, 39.0, 27.8, 26.3, 29.1];
    const SEASONAL_NAIVE_ERROR_LO_80: [f64; 6] = [
        20.240000000000002,
        23.380000000000003,
        34.3,
        25.22,
        16.8,
        25.5,
    ];
    const SEASONAL_NAIVE_ERROR_HI_80: [f64; 6] =
        [32.36, 34.82, 43.7, 30.380000000000003, 35.8, 32.7];
    const SEASONAL_NAIVE_ERROR_LO_95: [f64; 6] =
        [19.76, 23.17, 32.8, 24.68, 16.650000000000002, 25.5];
    const SEASONAL_NAIVE_ERROR_HI_95: [f64; 6] = [32.84, 35.03, 45.2, 30.92, 35.95, 32.7];
    const SEASONAL_NAIVE_ERROR_FITTED: [f64; 30] = [
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        23.7,
        15.8,
        22.4,
        20.8,
        23.8,
        13.4,
        25.0,
        20.9,
        23.5,
        22.7,
        21.6,
        24.3,
        30.2,
        22.0,
        23.3,
        24.0,
        30.8,
        20.9,
        28.4,
        29.3,
        29.8,
        24.2,
        33.0,
        27.6,
        31.7,
        30.2,
    ];
    const SEASONAL_NAIVE_ERROR_FITTED_LO_80: [f64; 30] = [
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        18.623261248500945,
        10.723261248500947,
        17.323261248500945,
        15.723261248500947,
        18.723261248500947,
        8.323261248500947,
        19.923261248500946,
        15.823261248500945,
        18.423261248500946,
        17.623261248500945,
        16.523261248500948,
        19.223261248500947,
        25.123261248500945,
        16.923261248500946,
        18.223261248500947,
        18.923261248500946,
        25.723261248500947,
        15.823261248500945,
        23.323261248500945,
        24.223261248500947,
        24.723261248500947,
        19.123261248500945,
        27.923261248500946,
        22.523261248500948,
        26.623261248500945,
        25.123261248500945,
    ];
    const SEASONAL_NAIVE_ERROR_FITTED_HI_80: [f64; 30] = [
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        28.776738751499053,
        20.876738751499055,
        27.476738751499052,
        25.876738751499055,
        28.876738751499055,
        18.476738751499056,
        30.076738751499054,
        25.976738751499052,
        28.576738751499054,
        27.776738751499053,
        26.676738751499055,
        29.376738751499055,
        35.27673875149905,
        27.076738751499054,
        28.376738751499055,
        29.076738751499054,
        35.876738751499055,
        25.976738751499052,
        33.476738751499056,
        34.376738751499055,
        34.876738751499055,
        29.276738751499053,
        38.07673875149905,
        32.67673875149906,
        36.77673875149905,
        35.27673875149905,
    ];
    // window_average_distribution
    const WINDOW_AVERAGE_DISTRIBUTION_MEAN: [f64; 4] = [
        31.966666666666665,
        31.966666666666665,
        31.966666666666665,
        31.966666666666665,
    ];
    const WINDOW_AVERAGE_DISTRIBUTION_LO_50: [f64; 4] = [
        28.708333333333332,
        31.041666666666668,
        27.21666666666666,
        29.833333333333332,
    ];
    const WINDOW_AVERAGE_DISTRIBUTION_HI_50: [f64; 4] =
        [35.225, 32.891666666666666, 36.71666666666667, 34.1];
    const WINDOW_AVERAGE_DISTRIBUTION_LO_80: [f64; 4] = [
        27.923333333333332,
        29.696666666666665,
        25.506666666666664,
        28.883333333333333,
    ];
    const WINDOW_AVERAGE_DISTRIBUTION_HI_80: [f64; 4] =
        [36.01, 34.236666666666665, 38.42666666666666, 35.05];
    const WINDOW_AVERAGE_DISTRIBUTION_LO_95: [f64; 4] = [
        27.03083333333333,
        28.34916666666666,
        23.476666666666663,
        27.74583333333333,
    ];
    const WINDOW_AVERAGE_DISTRIBUTION_HI_95: [f64; 4] =
        [36.9025, 35.58416666666667, 40.45666666666666, 36.1875];
    // ses_error
    const SES_ERROR_MEAN: [f64; 5] = [
        30.611320194272444,
        30.611320194272444,
        30.611320194272444,
        30.611320194272444,
        30.611320194272444,
    ];
    const SES_ERROR_LO_80: [f64; 5] = [
        27.970050679300975,
        27.717377766361324,
        25.555778782418848,
        22.665262622183565,
        26.33577878241885,
    ];
    const SES_ERROR_HI_80: [f64; 5] = [
        33.252589709243914,
        33.505262622183565,
        35.66686160612604,
        38.55737776636133,
        34.88686160612604,
    ];
    const SES_ERROR_LO_95: [f64; 5] = [
        27.646247693580328,
        27.648574780640676,
        24.642679719359798,
        21.339065607904214,
        25.8126797193598,
    ];
    const SES_ERROR_HI_95: [f64; 5] = [
        33.57639269496456,
        33.57406560790421,
        36.57996066918509,
        39.88357478064067,
        35.40996066918509,
    ];
    const SES_ERROR_FITTED: [f64; 30] = [
        f64::NAN,
        23.7,
        21.33,
        21.650999999999996,
        21.395699999999998,
        22.116989999999998,
        19.501892999999995,
        21.151325099999994,
        21.075927569999994,
        21.803149298999994,
        22.072204509299993,
        21.930543156509994,
        22.641380209556996,
        24.908966146689895,
        24.03627630268293,
        23.81539341187805,
        23.870775388314634,
        25.94954277182024,
        24.434679940274165,
        25.624275958191912,
        26.726993170734335,
        27.64889521951403,
        26.61422665365982,
        28.52995865756187,
        28.25097106029331,
        29.285679742205318,
        29.55997581954372,
        28.581983073680604,
        28.737388151576422,
        31.816171706103493,
    ];
    // naive_default_h1_long_horizon
    const NAIVE_DEFAULT_H1_LONG_HORIZON_MEAN: [f64; 7] = [27.8, 27.8, 27.8, 27.8, 27.8, 27.8, 27.8];
    const NAIVE_DEFAULT_H1_LONG_HORIZON_LO_80: [f64; 7] = [
        16.990000000000002,
        16.990000000000002,
        16.990000000000002,
        16.990000000000002,
        16.990000000000002,
        16.990000000000002,
        16.990000000000002,
    ];
    const NAIVE_DEFAULT_H1_LONG_HORIZON_HI_80: [f64; 7] =
        [38.61, 38.61, 38.61, 38.61, 38.61, 38.61, 38.61];
    const NAIVE_DEFAULT_H1_LONG_HORIZON_LO_95: [f64; 7] = [
        16.6975, 16.6975, 16.6975, 16.6975, 16.6975, 16.6975, 16.6975,
    ];
    const NAIVE_DEFAULT_H1_LONG_HORIZON_HI_95: [f64; 7] = [
        38.9025, 38.9025, 38.9025, 38.9025, 38.9025, 38.9025, 38.9025,
    ];
    // naive_h1_five_windows_error
    const NAIVE_H1_FIVE_WINDOWS_ERROR_MEAN: [f64; 3] = [27.8, 27.8, 27.8];
    const NAIVE_H1_FIVE_WINDOWS_ERROR_LO_90: [f64; 3] = [17.12, 17.12, 17.12];
    const NAIVE_H1_FIVE_WINDOWS_ERROR_HI_90: [f64; 3] =
        [38.480000000000004, 38.480000000000004, 38.480000000000004];
    // seasonal_naive_fewer_windows
    const SEASONAL_NAIVE_FEWER_WINDOWS_MEAN: [f64; 12] = [
        26.3, 29.1, 39.0, 27.8, 26.3, 29.1, 39.0, 27.8, 26.3, 29.1, 39.0, 27.8,
    ];
    const SEASONAL_NAIVE_FEWER_WINDOWS_LO_80: [f64; 12] = [
        21.950000000000003,
        25.360000000000003,
        38.21,
        20.3,
        19.270000000000003,
        25.53,
        34.25,
        18.71,
        23.93,
        24.57,
        31.16,
        20.480000000000004,
    ];
    const SEASONAL_NAIVE_FEWER_WINDOWS_HI_80: [f64; 12] = [
        30.65,
        32.84,
        39.79,
        35.300000000000004,
        33.33,
        32.67,
        43.75,
        36.89,
        28.67,
        33.63,
        46.84,
        35.12,
    ];
    // mstl_naive_trend
    const MSTL_NAIVE_TREND_MEAN: [f64; 4] = [
        31.148447798702218,
        30.32355288002277,
        34.954054492764094,
        27.8,
    ];
    const MSTL_NAIVE_TREND_LO_80: [f64; 4] = [
        24.442202162859306,
        27.523613611580814,
        33.711769605952966,
        22.87503174525324,
    ];
    const MSTL_NAIVE_TREND_HI_80: [f64; 4] = [
        37.854693434545126,
        33.12349214846473,
        36.19633937957522,
        32.72496825474677,
    ];
    const MSTL_NAIVE_TREND_LO_95: [f64; 4] = [
        24.016796960741996,
        26.88714982292237,
        33.42777772060722,
        22.07147205478728,
    ];
    const MSTL_NAIVE_TREND_HI_95: [f64; 4] = [
        38.28009863666244,
        33.759955937123166,
        36.48033126492097,
        33.52852794521273,
    ];
    const MSTL_NAIVE_TREND_FITTED: [f64; 30] = [
        f64::NAN,
        16.414580227329772,
        20.589019107266303,
        21.208318220936874,
        24.50272926466845,
        16.545052786930658,
        18.102761408106918,
        23.831389757844516,
        24.628569601144832,
        16.296740590418178,
        27.295872726747664,
        20.43964939478891,
        28.05483745212095,
        23.20840657412842,
        26.187116333111987,
        22.236327134556117,
        28.01885458935869,
        23.97365165157996,
        24.461585885878403,
        27.488164418545068,
        33.724794782801496,
        22.75240060830718,
        27.61723721518873,
        32.16293308108447,
        32.16107512688024,
        24.562373401478517,
        33.573452571999326,
        25.475105081320553,
        33.73050161274132,
        31.845945507235907,
    ];
    const MSTL_NAIVE_TREND_FITTED_LO_80: [f64; 30] = [
        f64::NAN,
        11.520389940938058,
        15.694828820874589,
        16.31412793454516,
        19.608538978276734,
        11.650862500538942,
        13.208571121715202,
        18.9371994714528,
        19.734379314753117,
        11.402550304026462,
        22.40168244035595,
        15.545459108397193,
        23.160647165729234,
        18.314216287736706,
        21.29292604672027,
        17.3421368481644,
        23.12466430296697,
        19.079461365188244,
        19.567395599486687,
        22.593974132153352,
        28.83060449640978,
        17.858210321915465,
        22.723046928797014,
        27.268742794692752,
        27.266884840488526,
        19.6681831150868,
        28.679262285607614,
        20.580914794928837,
        28.836311326349605,
        26.95175522084419,
    ];
    const MSTL_NAIVE_TREND_FITTED_HI_80: [f64; 30] = [
        f64::NAN,
        21.308770513721488,
        25.48320939365802,
        26.10250850732859,
        29.396919551060165,
        21.439243073322373,
        22.996951694498634,
        28.72558004423623,
        29.522759887536548,
        21.190930876809894,
        32.19006301313938,
        25.333839681180624,
        32.94902773851267,
        28.102596860520137,
        31.081306619503703,
        27.130517420947832,
        32.9130448757504,
        28.86784193797168,
        29.35577617227012,
        32.38235470493679,
        38.618985069193215,
        27.646590894698896,
        32.51142750158045,
        37.05712336747619,
        37.05526541327196,
        29.456563687870233,
        38.467642858391045,
        30.36929536771227,
        38.62469189913304,
        36.74013579362763,
    ];
    const MSTL_NAIVE_TREND_FITTED_LO_95: [f64; 30] = [
        f64::NAN,
        8.929562103429943,
        13.104000983366474,
        13.723300097037043,
        17.01771114076862,
        9.060034663030827,
        10.617743284207087,
        16.346371633944685,
        17.143551477245,
        8.811722466518347,
        19.810854602847833,
        12.954631270889077,
        20.56981932822112,
        15.723388450228592,
        18.702098209212156,
        14.751309010656287,
        20.533836465458855,
        16.48863352768013,
        16.976567761978572,
        20.003146294645237,
        26.239776658901665,
        15.26738248440735,
        20.1322190912889,
        24.677914957184637,
        24.67605700298041,
        17.077355277578686,
        26.0884344480995,
        17.990086957420722,
        26.24548348884149,
        24.360927383336076,
    ];
    const MSTL_NAIVE_TREND_FITTED_HI_95: [f64; 30] = [
        f64::NAN,
        23.899598351229603,
        28.074037231166134,
        28.693336344836705,
        31.98774738856828,
        24.03007091083049,
        25.58777953200675,
        31.316407881744347,
        32.11358772504466,
        23.78175871431801,
        34.780890850647495,
        27.92466751868874,
        35.539855576020784,
        30.69342469802825,
        33.67213445701182,
        29.721345258455948,
        35.50387271325852,
        31.458669775479787,
        31.946604009778234,
        34.973182542444896,
        41.20981290670133,
        30.237418732207015,
        35.102255339088565,
        39.647951204984295,
        39.64609325078007,
        32.04739152537835,
        41.05847069589916,
        32.96012320522039,
        41.215519736641156,
        39.330963631135745,
    ];

    fn model(text: &str) -> Arc<dyn Model> {
        build_model(&parse_model_specs(text).unwrap()[0]).unwrap()
    }

    /// Bit-identical (NaN equals NaN): compared through the `Debug` text.
    fn assert_same<T: std::fmt::Debug>(got: &T, want: &T) {
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    /// Equal within `tol` relative (NaN equals NaN).
    fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
        assert_eq!(got.len(), want.len(), "{what}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * w.abs().max(1.0);
            assert!(ok, "{what}[{i}]: got {g}, want {w}");
        }
    }

    /// The bands of `forecast`, as `[lo, hi]` per level.
    fn check(what: &str, forecast: &Forecast, mean: &[f64], bands: &[[&[f64]; 2]], tol: f64) {
        assert_close(&format!("{what} mean"), &forecast.mean, mean, tol);
        assert_eq!(forecast.intervals.len(), bands.len(), "{what}");
        for (band, [lo, hi]) in forecast.intervals.iter().zip(bands) {
            assert_close(&format!("{what} lo-{}", band.level), &band.lo, lo, tol);
            assert_close(&format!("{what} hi-{}", band.level), &band.hi, hi, tol);
        }
    }

    fn run(text: &str, h: usize, levels: &[f64], fitted: bool) -> ForecastOutput {
        let model = model(text);
        let out = model.forecast(&Y, h, levels, fitted).unwrap();
        // fit + predict gives the same.
        let fit = model.fit(&Y).unwrap();
        assert_same(&fit.predict(h, levels), &out.forecast);
        out
    }

    #[test]
    fn conformal_error_with_native_fitted_intervals() {
        let out = run(
            "SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=6, \
             n_windows=3, method='conformal_error'))",
            6,
            &[80.0, 95.0],
            true,
        );
        check(
            "forecast",
            &out.forecast,
            &SEASONAL_NAIVE_ERROR_MEAN,
            &[
                [&SEASONAL_NAIVE_ERROR_LO_80, &SEASONAL_NAIVE_ERROR_HI_80],
                [&SEASONAL_NAIVE_ERROR_LO_95, &SEASONAL_NAIVE_ERROR_HI_95],
            ],
            1e-15,
        );
        // Fitted values keep SeasonalNaive's own Gaussian bounds.
        let fitted = out.fitted.unwrap();
        assert_close("fitted", &fitted.mean, &SEASONAL_NAIVE_ERROR_FITTED, 1e-15);
        let b80 = &fitted.intervals[0];
        assert_close(
            "fitted lo",
            &b80.lo,
            &SEASONAL_NAIVE_ERROR_FITTED_LO_80,
            1e-15,
        );
        assert_close(
            "fitted hi",
            &b80.hi,
            &SEASONAL_NAIVE_ERROR_FITTED_HI_80,
            1e-15,
        );
    }

    #[test]
    fn models_without_native_intervals_get_them() {
        let out = run(
            "WindowAverage(window_size=3, prediction_intervals=ConformalIntervals(h=4, n_windows=4))",
            4,
            &[50.0, 80.0, 95.0],
            true,
        );
        check(
            "WindowAverage",
            &out.forecast,
            &WINDOW_AVERAGE_DISTRIBUTION_MEAN,
            &[
                [
                    &WINDOW_AVERAGE_DISTRIBUTION_LO_50,
                    &WINDOW_AVERAGE_DISTRIBUTION_HI_50,
                ],
                [
                    &WINDOW_AVERAGE_DISTRIBUTION_LO_80,
                    &WINDOW_AVERAGE_DISTRIBUTION_HI_80,
                ],
                [
                    &WINDOW_AVERAGE_DISTRIBUTION_LO_95,
                    &WINDOW_AVERAGE_DISTRIBUTION_HI_95,
                ],
            ],
            1e-15,
        );
        // statsforecast has no fitted values for WindowAverage (it raises).
        assert!(out.fitted.is_none());

        let out = run(
            "SimpleExponentialSmoothing(alpha=0.3, prediction_intervals=ConformalIntervals(h=5, \
             n_windows=2, method='conformal_error'))",
            5,
            &[80.0, 95.0],
            true,
        );
        check(
            "SES",
            &out.forecast,
            &SES_ERROR_MEAN,
            &[
                [&SES_ERROR_LO_80, &SES_ERROR_HI_80],
                [&SES_ERROR_LO_95, &SES_ERROR_HI_95],
            ],
            1e-14,
        );
        // Point fitted values only: SES has no fitted bounds of its own.
        let fitted = out.fitted.unwrap();
        assert_close("SES fitted", &fitted.mean, &SES_ERROR_FITTED, 1e-14);
        assert!(fitted.intervals.is_empty());
    }

    #[test]
    fn one_step_scores_serve_every_step() {
        let out = run(
            "Naive(prediction_intervals=ConformalIntervals())",
            7,
            &[80.0, 95.0],
            false,
        );
        check(
            "default settings",
            &out.forecast,
            &NAIVE_DEFAULT_H1_LONG_HORIZON_MEAN,
            &[
                [
                    &NAIVE_DEFAULT_H1_LONG_HORIZON_LO_80,
                    &NAIVE_DEFAULT_H1_LONG_HORIZON_HI_80,
                ],
                [
                    &NAIVE_DEFAULT_H1_LONG_HORIZON_LO_95,
                    &NAIVE_DEFAULT_H1_LONG_HORIZON_HI_95,
                ],
            ],
            1e-15,
        );
        let out = run(
            "Naive(prediction_intervals=ConformalIntervals(h=1, n_windows=5, \
             method='conformal_error'))",
            3,
            &[90.0],
            false,
        );
        check(
            "five windows",
            &out.forecast,
            &NAIVE_H1_FIVE_WINDOWS_ERROR_MEAN,
            &[[
                &NAIVE_H1_FIVE_WINDOWS_ERROR_LO_90,
                &NAIVE_H1_FIVE_WINDOWS_ERROR_HI_90,
            ]],
            1e-15,
        );
    }

    #[test]
    fn short_series_use_fewer_windows() {
        // (30 - 1) / 12 = 2 of the 5 windows fit.
        let out = run(
            "SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=12, \
             n_windows=5))",
            12,
            &[80.0],
            false,
        );
        check(
            "fewer windows",
            &out.forecast,
            &SEASONAL_NAIVE_FEWER_WINDOWS_MEAN,
            &[[
                &SEASONAL_NAIVE_FEWER_WINDOWS_LO_80,
                &SEASONAL_NAIVE_FEWER_WINDOWS_HI_80,
            ]],
            1e-15,
        );
    }

    #[test]
    fn mstl_passes_its_settings_to_the_trend_forecaster() {
        let text = "MSTL(season_length=4, trend_forecaster=Naive(), \
                    prediction_intervals=ConformalIntervals(h=4, n_windows=2))";
        let out = run(text, 4, &[80.0, 95.0], true);
        check(
            "MSTL",
            &out.forecast,
            &MSTL_NAIVE_TREND_MEAN,
            &[
                [&MSTL_NAIVE_TREND_LO_80, &MSTL_NAIVE_TREND_HI_80],
                [&MSTL_NAIVE_TREND_LO_95, &MSTL_NAIVE_TREND_HI_95],
            ],
            1e-12,
        );
        check(
            "MSTL fitted",
            out.fitted.as_ref().unwrap(),
            &MSTL_NAIVE_TREND_FITTED,
            &[
                [
                    &MSTL_NAIVE_TREND_FITTED_LO_80,
                    &MSTL_NAIVE_TREND_FITTED_HI_80,
                ],
                [
                    &MSTL_NAIVE_TREND_FITTED_LO_95,
                    &MSTL_NAIVE_TREND_FITTED_HI_95,
                ],
            ],
            1e-12,
        );
        let settings = ConformalIntervals::new(2, 4, ConformalMethod::Distribution).unwrap();
        assert_eq!(model(text).conformal_intervals(), Some(settings));
        // A trend forecaster with its own settings keeps them.
        let own = model(
            "MSTL(season_length=4, trend_forecaster=Naive(prediction_intervals=\
             ConformalIntervals(h=4, n_windows=3)), prediction_intervals=ConformalIntervals(h=4))",
        );
        assert_eq!(own.conformal_intervals().map(|c| c.n_windows()), Some(3));
        // Applied to a built MSTL, as a call-level default would be.
        let plain = model("MSTL(season_length=4, trend_forecaster=Naive())");
        let applied = with_conformal_intervals(plain, settings);
        assert_same(&applied.forecast(&Y, 4, &[80.0, 95.0], true).unwrap(), &out);
    }

    #[test]
    fn other_horizons() {
        let text = "SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=6, \
                    n_windows=3, method='conformal_error'))";
        let ci = parse_model_specs(text).unwrap()[0]
            .prediction_intervals()
            .copied()
            .unwrap();
        assert!(ci.covers_horizon(6) && !ci.covers_horizon(4) && !ci.covers_horizon(9));
        assert!(ConformalIntervals::default().covers_horizon(24));
        let model = model(text);
        let full = model.forecast(&Y, 6, &[80.0], false).unwrap().forecast;
        // Shorter: the first steps' scores.
        let short = model.forecast(&Y, 4, &[80.0], false).unwrap().forecast;
        assert_eq!(short.intervals[0].lo, full.intervals[0].lo[..4]);
        assert_eq!(short.intervals[0].hi, full.intervals[0].hi[..4]);
        // Longer: the last step's scores repeated.
        let long = model.forecast(&Y, 9, &[80.0], false).unwrap().forecast;
        assert_eq!(long.intervals[0].lo[..6], full.intervals[0].lo);
        let margin = full.intervals[0].hi[5] - full.mean[5];
        for k in 6..9 {
            assert_eq!(long.intervals[0].hi[k], long.mean[k] + margin, "{k}");
            assert_eq!(long.intervals[0].lo[k], long.mean[k] - margin, "{k}");
        }
    }

    #[test]
    fn too_short_series_keep_their_point_forecast_with_nan_bounds() {
        let conformal =
            model("SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=6))");
        let plain = model("SeasonalNaive(season_length=4)");
        // statsforecast: "Prediction intervals settings require at least 13 samples, serie has 12."
        for n in [1, 5, 12] {
            let y = &Y[..n];
            let out = conformal.forecast(y, 6, &[80.0, 95.0], true).unwrap();
            let want = plain.forecast(y, 6, &[80.0, 95.0], true).unwrap();
            assert_same(&out.forecast.mean, &want.forecast.mean);
            assert_same(&out.fitted, &want.fitted);
            assert_eq!(out.forecast.intervals.len(), 2);
            for band in &out.forecast.intervals {
                assert!(band.lo.iter().chain(&band.hi).all(|v| v.is_nan()), "{n}");
                assert_eq!(band.lo.len(), 6);
            }
        }
        // From 2h + 1 on, bounds (here SeasonalNaive's first window of 1 observation
        // forecasts NaN on 3 of its steps, which statsforecast also turns into NaN bounds).
        let at_minimum = conformal.forecast(&Y[..13], 6, &[80.0], false).unwrap();
        let finite = at_minimum.forecast.intervals[0]
            .lo
            .iter()
            .map(|v| v.is_finite());
        assert_eq!(
            finite.collect::<Vec<_>>(),
            [false, false, false, true, false, false]
        );
        let naive = model("Naive(prediction_intervals=ConformalIntervals(h=6))");
        let at_minimum = naive.forecast(&Y[..13], 6, &[80.0], false).unwrap();
        assert!(
            at_minimum.forecast.intervals[0]
                .lo
                .iter()
                .all(|v| v.is_finite())
        );
        assert_eq!(ConformalIntervals::default().min_observations(), 3);
        let ci = ConformalIntervals::new(3, 6, ConformalMethod::Error).unwrap();
        assert_eq!((ci.min_observations(), ci.full_observations()), (13, 19));
    }

    #[test]
    fn failing_calibration_windows_give_nan_bounds() {
        // AutoETS fits 14 observations but not the 6 of the first window.
        let conformal = model("AutoETS(prediction_intervals=ConformalIntervals(h=4))");
        let y = &Y[..14];
        assert!(model("AutoETS()").fit(&y[..6]).is_err());
        let out = conformal.forecast(y, 4, &[80.0], false).unwrap();
        let plain = model("AutoETS()").forecast(y, 4, &[], false).unwrap();
        assert_eq!(out.forecast.mean, plain.forecast.mean);
        assert!(out.forecast.intervals[0].hi.iter().all(|v| v.is_nan()));
        // A series the model cannot fit at all is still an error.
        assert!(matches!(
            conformal.forecast(&Y[..2], 4, &[80.0], false),
            Err(ModelError::NotEnoughData { .. })
        ));
        assert_eq!(conformal.fit(&[]).err(), Some(ModelError::EmptySeries));
    }

    /// The wrapped model's info, then the settings and the windows calibrated, or why there
    /// are none.
    #[test]
    fn info_adds_the_calibration_to_the_wrapped_models() {
        let text = "ConformalIntervals(n_windows=3, h=2, method='conformal_error')";
        let conformal = model(&format!("Naive(prediction_intervals={text})"));
        let naive = model("Naive()").fit(&Y).unwrap().info().to_json();
        let settings = r#""prediction_intervals":{"method":"conformal_error","n_windows":3,"h":2"#;
        assert_eq!(
            conformal.fit(&Y).unwrap().info().to_json(),
            format!(
                r#"{},{settings},"windows":3}}}}"#,
                &naive[..naive.len() - 1]
            )
        );
        let short = conformal.fit(&Y[..6]).unwrap().info().to_json();
        assert!(
            short.contains(&format!(r#"{settings},"windows":2}}"#)),
            "{short}"
        );
        let too_short = conformal.fit(&Y[..4]).unwrap().info().to_json();
        assert!(
            too_short.contains(&format!(
                r#"{settings},"failed":"conformal intervals need at least 5 observations"#
            )),
            "{too_short}"
        );
    }

    #[test]
    fn forward_recalibrates_on_the_new_series() {
        let conformal = model("Naive(prediction_intervals=ConformalIntervals(h=3, n_windows=3))");
        let other: Vec<f64> = Y.iter().rev().map(|v| v * 2.0).collect();
        let moved = conformal.fit(&Y).unwrap().forward(&other).unwrap();
        let fresh = conformal.forecast(&other, 3, &[80.0], true).unwrap();
        assert_same(&moved.predict(3, &[80.0]), &fresh.forecast);
        assert_same(&Some(moved.predict_in_sample(&[80.0])), &fresh.fitted);
    }

    #[test]
    fn rewrapping_replaces_the_settings() {
        let conformal = model("Naive(prediction_intervals=ConformalIntervals(h=3))");
        let settings = ConformalIntervals::new(4, 2, ConformalMethod::Error).unwrap();
        let again = with_conformal_intervals(conformal, settings);
        assert_eq!(again.conformal_intervals(), Some(settings));
        let direct = model(&format!("Naive(prediction_intervals={settings})"));
        assert_eq!(
            again.forecast(&Y, 2, &[80.0], false).unwrap(),
            direct.forecast(&Y, 2, &[80.0], false).unwrap()
        );
    }

    /// Forecasts the first future regressor: the scores show which rows each window saw.
    #[derive(Debug)]
    struct EchoRegressor;

    impl Model for EchoRegressor {
        fn class_name(&self) -> &'static str {
            "EchoRegressor"
        }
        fn has_intervals(&self) -> bool {
            false
        }
        fn has_fitted(&self) -> bool {
            false
        }
        fn fit(&self, _y: &[f64]) -> Result<Box<dyn crate::models::FittedModel>, ModelError> {
            Err(ModelError::Unsupported("fit".into()))
        }
        fn restore(
            &self,
            _state: &mut crate::models::StateReader<'_>,
        ) -> Result<Box<dyn crate::models::FittedModel>, crate::models::StateError> {
            Err(crate::models::StateError::Corrupted(
                "nothing is fitted".into(),
            ))
        }
        fn uses_regressors(&self) -> bool {
            true
        }
        fn forecast_with_regressors(
            &self,
            y: &[f64],
            x: &Regressors,
            x_future: &Regressors,
            h: usize,
            _levels: &[f64],
            _fitted: bool,
        ) -> Result<ForecastOutput, ModelError> {
            assert_eq!(x[0].len(), y.len());
            assert_eq!(x_future[0].len(), h);
            Ok(ForecastOutput {
                forecast: Forecast::point(x_future[0].clone()),
                fitted: None,
            })
        }
    }

    #[test]
    fn regressors_are_cut_with_the_windows() {
        let settings = ConformalIntervals::new(2, 2, ConformalMethod::Error).unwrap();
        let model = with_conformal_intervals(Arc::new(EchoRegressor), settings);
        assert!(model.uses_regressors() && model.has_intervals());
        let y = [0.0; 7];
        // Row t carries t: window 1 forecasts rows 3, 4 and window 2 rows 5, 6.
        let x = [vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]];
        let out = model
            .forecast_with_regressors(&y, &x, &[vec![10.0, 20.0]], 2, &[100.0], false)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![10.0, 20.0]);
        // The 100% margin is the larger score of each step: 5 and 6.
        assert_eq!(out.forecast.intervals[0].hi, vec![15.0, 26.0]);
        assert_eq!(out.forecast.intervals[0].lo, vec![5.0, 14.0]);
    }
}
