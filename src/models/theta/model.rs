//! The statsforecast classes `AutoTheta`, `Theta`, `OptimizedTheta`, `DynamicTheta` and
//! `DynamicOptimizedTheta`, and their fitted state.

use super::ModelType;
use super::fit::FixedParams;
use super::intervals::{sample_std, simulated_bands};
use super::recursion::{BURN_IN, forecast};
use super::search::{MIN_OBSERVATIONS, SearchError, SearchSpec, Selected, search};
use super::seasonal::DecompositionType;
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::{FittedModel, Forecast, Model, ModelError, ModelSpec, ParamValue, SpecError};

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
}

/// A fitted Theta model: the selected model, its parameters and last state, and the
/// seasonal indices it forecasts with.
#[derive(Debug, Clone, PartialEq)]
struct ThetaFitted {
    class: &'static str,
    season_length: usize,
    selected: Selected,
    /// `y - residuals`, as statsforecast's `fitted`.
    fitted: Vec<f64>,
}

impl ThetaFitted {
    fn new(class: &'static str, season_length: usize, selected: Selected, y: &[f64]) -> Self {
        let fitted = y
            .iter()
            .zip(&selected.fit.residuals)
            .map(|(v, e)| v - e)
            .collect();
        Self {
            class,
            season_length,
            selected,
            fitted,
        }
    }
}

impl FittedModel for ThetaFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let fit = &self.selected.fit;
        let n = self.fitted.len();
        let mut mean = forecast(&fit.last_state, n, fit.model, &fit.params, h);
        let mut intervals = if levels.is_empty() {
            Vec::new()
        } else {
            simulated_bands(fit, h, levels)
        };
        if let Some(season) = &self.selected.season {
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
        let intervals = if levels.is_empty() {
            Vec::new()
        } else {
            // NaN when a single residual is left (4 observations), as in statsforecast.
            let se = sample_std(&self.selected.fit.residuals[BURN_IN..]);
            gaussian_bands(&mean, levels, |_| se)
        };
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        let fit = &self.selected.fit;
        let spec = SearchSpec {
            m: self.season_length,
            model: Some(fit.model),
            decomposition: DecompositionType::Multiplicative,
            fixed: FixedParams {
                initial_smoothed: Some(fit.params.initial_smoothed),
                alpha: Some(fit.params.alpha),
                theta: Some(fit.params.theta),
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
}
