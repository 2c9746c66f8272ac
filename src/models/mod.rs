//! Forecasting kernels: pure functions of a series (`&[f64]`) and an immutable spec.
//!
//! Nothing here knows about Arrow, DataFusion or async: the plan layer hands each
//! series to a [`Model`] and turns the returned [`Forecast`]s into record batches.
//!
//! The contract mirrors statsforecast's: `fit` then `predict(h, levels)` /
//! `predict_in_sample(levels)`, the one-shot [`Model::forecast`], and `forward` for
//! models that can apply a fitted model to a new series without refitting.

mod arima;
mod baselines;
mod ces;
mod conformal;
mod error;
mod ets;
mod intermittent;
mod intervals;
mod mstl;
mod normal;
mod optim;
mod polynomial;
mod random;
mod reductions;
mod ses;
mod spec;
mod state;
mod stl;
mod theta;

#[cfg(test)]
mod contract_tests;

pub use arima::{ArimaSelection, select_arima};
pub use ces::{CesSelection, select_ces};
pub use conformal::{ConformalIntervals, ConformalMethod, with_conformal_intervals};
pub use error::ModelError;
pub use ets::{EtsSelection, select_ets};
pub use normal::normal_quantile;
pub use spec::{
    ModelSpec, ParamValue, SpecError, build_model, parse_conformal_intervals, parse_model_specs,
    registered_models,
};
pub use state::{
    FitInfo, InfoValue, STATE_FORMAT_VERSION, StateError, StateReader, StateWriter, decode_state,
    encode_state,
};
pub use theta::{ThetaSelection, select_theta};

/// Point forecasts (or fitted values) with optional prediction intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Point values, one per step (or per observation for in-sample values).
    pub mean: Vec<f64>,
    /// One band per requested level, in the order the levels were given (ascending).
    pub intervals: Vec<Band>,
}

/// Lower and upper bounds of a prediction interval at one confidence level.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Confidence level in percent, in (0, 100).
    pub level: f64,
    /// Lower bounds, same length as [`Forecast::mean`].
    pub lo: Vec<f64>,
    /// Upper bounds, same length as [`Forecast::mean`].
    pub hi: Vec<f64>,
}

impl Forecast {
    /// A forecast without intervals.
    pub fn point(mean: Vec<f64>) -> Self {
        Self {
            mean,
            intervals: Vec::new(),
        }
    }
}

/// The bounds a model gives its in-sample values (`predict_in_sample` with levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InSampleBounds {
    /// None: the fitted values come without bounds.
    None,
    /// Zero width: `lo = hi = fitted` (the constant models).
    ZeroWidth,
    /// Gaussian: `fitted ∓ z · σ` with `z = Φ⁻¹(0.5 + level / 200)` and one `σ` per series.
    Gaussian,
}

/// The classes whose fitted values have bounds ([`Model::in_sample_bounds`] is not
/// [`InSampleBounds::None`]); `MSTL` has its trend forecaster's.
pub const CLASSES_WITH_IN_SAMPLE_BOUNDS: &[&str] = &[
    "Naive",
    "SeasonalNaive",
    "RandomWalkWithDrift",
    "HistoricAverage",
    "ConstantModel",
    "ZeroModel",
    "AutoETS",
    "Holt",
    "HoltWinters",
    "AutoARIMA",
    "ARIMA",
    "AutoRegressive",
    "AutoTheta",
    "Theta",
    "OptimizedTheta",
    "DynamicTheta",
    "DynamicOptimizedTheta",
    "AutoCES",
    "MSTL",
];

/// What [`Model::forecast`] returns: the future values and, when asked, the in-sample ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOutput {
    /// `h` future values.
    pub forecast: Forecast,
    /// `n` in-sample fitted values, when `fitted` was requested and the model has them.
    pub fitted: Option<Forecast>,
}

/// Exogenous regressors of one series: one column per regressor, in the input's column
/// order, each with one value per row it describes (the training rows, or the `h` future
/// rows).
pub type Regressors = [Vec<f64>];

/// An unfitted model: a statsforecast class with its parameters.
///
/// Models that use exogenous regressors (statsforecast's `uses_exog`) override the
/// `*_with_regressors` methods; for every other model they ignore the regressors, as
/// statsforecast's models do.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// The statsforecast class name, e.g. `SeasonalNaive`.
    fn class_name(&self) -> &'static str;

    /// Whether `forecast` with levels yields intervals (statsforecast's `forecast` path).
    fn has_intervals(&self) -> bool;

    /// Whether in-sample fitted values exist for this model.
    fn has_fitted(&self) -> bool;

    /// The bounds of the in-sample values. Every model with intervals and fitted values
    /// bounds them as statsforecast's `_add_fitted_pi` does, `fitted ∓ z · σ`; a model whose
    /// in-sample bounds have another form overrides this.
    fn in_sample_bounds(&self) -> InSampleBounds {
        if self.has_intervals() && self.has_fitted() {
            InSampleBounds::Gaussian
        } else {
            InSampleBounds::None
        }
    }

    /// Whether [`FittedModel::forward`] is available (needed by `refit => false`).
    fn has_forward(&self) -> bool {
        false
    }

    /// Fits the model to `y` (finite values, oldest first).
    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError>;

    /// Fit and predict in one call. `levels` are ascending percentages; they are ignored
    /// (no bands returned) when the model has no intervals.
    ///
    /// Equals `fit` + `predict` (+ `predict_in_sample` when `fitted` and the model has
    /// fitted values); a model overrides it only to refuse inputs statsforecast's `forecast`
    /// refuses (e.g. fitted values of a series shorter than one season).
    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        fit_and_predict(self, y, h, levels, fitted)
    }

    /// Whether the model uses exogenous regressors.
    fn uses_regressors(&self) -> bool {
        false
    }

    /// Fits `y` with the regressors of its rows (`x[j].len() == y.len()`).
    fn fit_with_regressors(
        &self,
        y: &[f64],
        _x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        self.fit(y)
    }

    /// [`Model::forecast`] with the regressors of the training rows (`x`) and of the `h`
    /// future rows (`x_future`).
    fn forecast_with_regressors(
        &self,
        y: &[f64],
        _x: &Regressors,
        _x_future: &Regressors,
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        self.forecast(y, h, levels, fitted)
    }

    /// statsforecast's `prediction_intervals`: the conformal-interval settings this model
    /// applies, if any (see [`with_conformal_intervals`]).
    fn conformal_intervals(&self) -> Option<ConformalIntervals> {
        None
    }

    /// This model with conformal intervals `settings`, for a model that applies them itself
    /// rather than being wrapped (MSTL hands them to its trend forecaster); `None` lets
    /// [`with_conformal_intervals`] wrap it.
    fn apply_conformal_intervals(
        &self,
        _settings: ConformalIntervals,
    ) -> Option<std::sync::Arc<dyn Model>> {
        None
    }

    /// Reads back a model of this spec fitted earlier: the fields its
    /// [`FittedModel::save`] wrote, in the same order (see [`decode_state`]), each checked
    /// (tags, counts, lengths consistent with each other and with the spec) so that whatever
    /// bytes pass, the restored model never panics.
    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError>;
}

/// The body of [`Model::forecast`], callable from models that override it.
pub(crate) fn fit_and_predict<M: Model + ?Sized>(
    model: &M,
    y: &[f64],
    h: usize,
    levels: &[f64],
    fitted: bool,
) -> Result<ForecastOutput, ModelError> {
    let fit = model.fit(y)?;
    let levels = if model.has_intervals() { levels } else { &[] };
    let forecast = fit.predict(h, levels);
    let fitted = if fitted && model.has_fitted() {
        Some(fit.predict_in_sample(levels))
    } else {
        None
    };
    Ok(ForecastOutput { forecast, fitted })
}

/// A model fitted to one series.
pub trait FittedModel: Send {
    /// `h` future values with one band per level.
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast;

    /// In-sample fitted values (length of the training series) with one band per level.
    fn predict_in_sample(&self, levels: &[f64]) -> Forecast;

    /// Applies the fitted parameters to a new series without refitting.
    fn forward(&self, _y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        Err(ModelError::Unsupported("forward".into()))
    }

    /// [`FittedModel::predict`] with the regressors of the `h` future rows.
    fn predict_with_regressors(
        &self,
        h: usize,
        _x_future: &Regressors,
        levels: &[f64],
    ) -> Forecast {
        self.predict(h, levels)
    }

    /// [`FittedModel::forward`] with the regressors of the new series' rows.
    fn forward_with_regressors(
        &self,
        y: &[f64],
        _x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        self.forward(y)
    }

    /// Writes what `predict`, `predict_in_sample` and `forward` need: plain parameters and
    /// vectors, read back by the model's [`Model::restore`] (see [`encode_state`]). What the
    /// spec gives is not written, nor what is recomputed exactly from what is.
    fn save(&self, state: &mut StateWriter);

    /// What the fit chose: statsforecast's method string and the fitted parameters.
    fn info(&self) -> FitInfo;
}
