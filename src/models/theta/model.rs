//! The statsforecast classes `AutoTheta`, `Theta`, `OptimizedTheta`, `DynamicTheta` and
//! `DynamicOptimizedTheta`, and their fitted state.

use super::ModelType;
use super::fit::FixedParams;
use super::intervals::{PathStart, error_scale, sample_std, simulated_bands};
use super::recursion::{BURN_IN, Params, State, forecast};
use super::search::{MIN_OBSERVATIONS, SearchError, SearchSpec, Season, Selected, search};
use super::seasonal::DecompositionType;
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::{
    FitInfo, FittedModel, Forecast, InfoValue, Model, ModelError, ModelSpec, ParamValue, SpecError,
    StateError, StateReader, StateWriter,
};

/// statsforecast `AutoTheta(season_length=1, decomposition_type='multiplicative',
/// model=None, alias='AutoTheta', prediction_intervals=None, distribution='normal')`: the
/// Theta models of Fiorucci et al. (2016), the one with the smallest in-sample objective
/// chosen among the standard (`STM`), optimised (`OTM`), dynamic standard (`DSTM`) and
/// dynamic optimised (`DOTM`) models, or the one `model` names.
///
/// `Theta`, `OptimizedTheta`, `DynamicTheta` and `DynamicOptimizedTheta`
/// `(season_length=1, decomposition_type='multiplicative', alias=<class name>,
/// prediction_intervals=None)` are this class with `model` fixed to `STM`, `OTM`, `DSTM` and
/// `DOTM`.
///
/// With `season_length >= 4` and two seasons of data, a significant lag-`season_length`
/// autocorrelation makes the series deseasonalised first (classical decomposition; additive
/// when `decomposition_type='additive'`, the series has a value `<= 0` or a multiplicative
/// index falls below 0.01); the last season of indices is put back on the forecasts. Series
/// of 3 observations or fewer are refused ([`ModelError::NotEnoughData`]).
///
/// Forecast intervals are simulated as statsforecast simulates them (200 paths, seed 0,
/// float32 samples); fitted values are `y - residuals` with Gaussian bands of scale
/// `std(residuals[3:], ddof=1)`. statsforecast's residuals of a deseasonalised series carry
/// the seasonal index (multiplied, or added for the additive decomposition), and both the
/// fitted values and the scales inherit that. `forward` re-runs the fitted model type and
/// parameters on the new series (redoing its seasonal test, multiplicative by default, as
/// statsforecast's `forward_theta` does) without re-estimating them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AutoTheta {
    class: &'static str,
    season_length: usize,
    decomposition: DecompositionType,
    model: Option<ModelType>,
}

/// The classes with a fixed model type.
const FIXED_CLASSES: [(&str, ModelType); 4] = [
    ("Theta", ModelType::Stm),
    ("OptimizedTheta", ModelType::Otm),
    ("DynamicTheta", ModelType::Dstm),
    ("DynamicOptimizedTheta", ModelType::Dotm),
];

/// Whether `class` is one of the five Theta classes.
pub(crate) fn is_theta_class(class: &str) -> bool {
    class == "AutoTheta" || FIXED_CLASSES.iter().any(|(name, _)| *name == class)
}

impl AutoTheta {
    /// Builds any of the five classes from a validated spec.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        let (class, model) = match FIXED_CLASSES
            .iter()
            .find(|(name, _)| *name == spec.class_name())
        {
            Some(&(name, model)) => (name, Some(model)),
            None if spec.class_name() == "AutoTheta" => ("AutoTheta", model_param(spec)?),
            None => {
                return Err(SpecError::new(format!(
                    "{} is not a Theta model",
                    spec.class_name()
                )));
            }
        };
        let decomposition = DecompositionType::parse(spec.str_param("decomposition_type")?)
            .ok_or_else(|| bad_value(class, "decomposition_type"))?;
        Ok(Self {
            class,
            season_length: spec.usize_param("season_length")?,
            decomposition,
            model,
        })
    }

    /// Checks `y` and runs the search.
    pub(crate) fn select(&self, y: &[f64]) -> Result<Selected, ModelError> {
        let spec = SearchSpec {
            m: self.season_length,
            model: self.model,
            decomposition: self.decomposition,
            fixed: FixedParams::default(),
        };
        select(self.class, &spec, y)
    }
}

/// Checks `y`, then `search` with statsforecast's refusals as errors.
fn select(class: &'static str, spec: &SearchSpec, y: &[f64]) -> Result<Selected, ModelError> {
    ensure_finite_series(class, y)?;
    search(y, spec).map_err(|e| match e {
        SearchError::TooShort => ModelError::NotEnoughData {
            model: class,
            needed: MIN_OBSERVATIONS,
            got: y.len(),
        },
        SearchError::NoModel => ModelError::Failed(format!("{class}: no model able to be fitted")),
    })
}

/// `AutoTheta`'s `model`: `None` or one of the four model codes.
fn model_param(spec: &ModelSpec) -> Result<Option<ModelType>, SpecError> {
    match spec.param("model") {
        Some(ParamValue::None) => Ok(None),
        Some(ParamValue::Str(code)) => ModelType::parse(code)
            .map(Some)
            .ok_or_else(|| bad_value("AutoTheta", "model")),
        _ => Err(bad_value("AutoTheta", "model")),
    }
}

/// Only reachable if the catalog's parameter table and this constructor disagree.
fn bad_value(class: &str, name: &str) -> SpecError {
    SpecError::new(format!(
        "{class}: internal error: unexpected value of {name}"
    ))
}

impl Model for AutoTheta {
    fn class_name(&self) -> &'static str {
        self.class
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
        let selected = self.select(y)?;
        Ok(Box::new(ThetaFitted::new(
            self.class,
            self.season_length,
            selected,
            y,
        )))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        Ok(Box::new(ThetaFitted::restore(self, state)?))
    }
}

/// A fitted Theta model: the selected model, what its forecasts and simulated intervals
/// continue from, the seasonal indices it forecasts with, and the fitted values.
#[derive(Debug, Clone, PartialEq)]
struct ThetaFitted {
    class: &'static str,
    season_length: usize,
    model: ModelType,
    /// Parameters, last state and error scale.
    start: PathStart,
    /// statsforecast's `mse`, the objective the selection minimised.
    mse: f64,
    season: Option<Season>,
    /// `y - residuals`, as statsforecast's `fitted`.
    fitted: Vec<f64>,
    /// Standard error of the fitted values: `std(residuals[3:], ddof=1)` (NaN when a single
    /// residual is left, as in statsforecast).
    fitted_se: f64,
}

impl ThetaFitted {
    fn new(class: &'static str, season_length: usize, selected: Selected, y: &[f64]) -> Self {
        let Selected { fit, season } = selected;
        let fitted = y.iter().zip(&fit.residuals).map(|(v, e)| v - e).collect();
        Self {
            class,
            season_length,
            model: fit.model,
            start: PathStart {
                params: fit.params,
                last_state: fit.last_state,
                n: fit.residuals.len(),
                mean_y: fit.mean_y,
                sigma: error_scale(&fit.residuals),
            },
            mse: fit.mse,
            season,
            fitted,
            fitted_se: sample_std(&fit.residuals[BURN_IN..]),
        }
    }

    /// Reads back what `save` wrote, for the model `spec`.
    fn restore(spec: &AutoTheta, state: &mut StateReader<'_>) -> Result<Self, StateError> {
        let model = match state.tag("Theta model type", 4)? {
            0 => ModelType::Stm,
            1 => ModelType::Otm,
            2 => ModelType::Dstm,
            _ => ModelType::Dotm,
        };
        StateReader::check(model, "model type", |&model| {
            spec.model.is_none_or(|fixed| fixed == model)
        })?;
        let params = Params {
            initial_smoothed: state.f64()?,
            alpha: state.f64()?,
            theta: state.f64()?,
        };
        let last_state = State {
            level: state.f64()?,
            mean_y: state.f64()?,
            a: state.f64()?,
            b: state.f64()?,
            mu: state.f64()?,
        };
        let mean_y = state.f64()?;
        let sigma = state.f64()?;
        let mse = state.f64()?;
        let fitted_se = state.f64()?;
        let fitted = state.f64s_of_length("fitted values", |n| n >= MIN_OBSERVATIONS)?;
        let season = if state.bool()? {
            let kind = match state.tag("decomposition type", 2)? {
                0 => DecompositionType::Multiplicative,
                _ => DecompositionType::Additive,
            };
            // The last season of indices.
            let indices =
                state.f64s_of_length("seasonal indices", |len| len == spec.season_length)?;
            Some(Season { kind, indices })
        } else {
            None
        };
        Ok(Self {
            class: spec.class,
            season_length: spec.season_length,
            model,
            start: PathStart {
                params,
                last_state,
                n: fitted.len(),
                mean_y,
                sigma,
            },
            mse,
            season,
            fitted,
            fitted_se,
        })
    }
}

impl FittedModel for ThetaFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let start = &self.start;
        let mut mean = forecast(&start.last_state, start.n, self.model, &start.params, h);
        let mut intervals = if levels.is_empty() {
            Vec::new()
        } else {
            simulated_bands(start, h, levels)
        };
        if let Some(season) = &self.season {
            let reseasonalise = |values: &mut [f64]| {
                for (k, v) in values.iter_mut().enumerate() {
                    *v = season
                        .kind
                        .apply(*v, season.indices[k % season.indices.len()]);
                }
            };
            reseasonalise(&mut mean);
            for band in &mut intervals {
                reseasonalise(&mut band.lo);
                reseasonalise(&mut band.hi);
            }
        }
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self.fitted.clone();
        let intervals = gaussian_bands(&mean, levels, |_| self.fitted_se);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        let params = &self.start.params;
        let spec = SearchSpec {
            m: self.season_length,
            model: Some(self.model),
            decomposition: DecompositionType::Multiplicative,
            fixed: FixedParams {
                initial_smoothed: Some(params.initial_smoothed),
                alpha: Some(params.alpha),
                theta: Some(params.theta),
            },
        };
        let selected = select(self.class, &spec, y)?;
        Ok(Box::new(Self::new(
            self.class,
            self.season_length,
            selected,
            y,
        )))
    }

    /// The model type, parameters, last state, the series' mean, the error scales, the
    /// objective, the fitted values and the seasonal indices.
    fn save(&self, state: &mut StateWriter) {
        let start = &self.start;
        state.u8(match self.model {
            ModelType::Stm => 0,
            ModelType::Otm => 1,
            ModelType::Dstm => 2,
            ModelType::Dotm => 3,
        });
        let p = &start.params;
        let last = &start.last_state;
        for value in [
            p.initial_smoothed,
            p.alpha,
            p.theta,
            last.level,
            last.mean_y,
            last.a,
            last.b,
            last.mu,
            start.mean_y,
            start.sigma,
            self.mse,
            self.fitted_se,
        ] {
            state.f64(value);
        }
        state.f64s(&self.fitted);
        state.bool(self.season.is_some());
        if let Some(season) = &self.season {
            state.u8(match season.kind {
                DecompositionType::Multiplicative => 0,
                DecompositionType::Additive => 1,
            });
            state.f64s(&season.indices);
        }
    }

    /// The selected model type (AutoTheta's method; the class name for the others), its
    /// parameters, the objective, and the seasonal decomposition applied.
    fn info(&self) -> FitInfo {
        let method = if self.class == "AutoTheta" {
            self.model.code()
        } else {
            self.class
        };
        let p = &self.start.params;
        let info = FitInfo::method(method)
            .text("model_type", self.model.code())
            .number("initial_smoothed", p.initial_smoothed)
            .number("alpha", p.alpha)
            .number("theta", p.theta)
            .number("mse", self.mse)
            .with("decompose", InfoValue::Flag(self.season.is_some()));
        match &self.season {
            Some(season) => info.text("decomposition_type", season.kind.name()),
            None => info,
        }
    }
}
