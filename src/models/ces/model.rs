//! The statsforecast class `AutoCES` and its fitted state.

use super::fit::CesModel;
use super::intervals::simulated_bands;
use super::recursion::{SeasonType, Smoothing, forecast_into};
use super::search::{FREE, SearchError, search};
use crate::models::baselines::Naive;
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::reductions::{dof, is_constant, residual_sigma, residuals};
use crate::models::{
    FitInfo, FittedModel, Forecast, ForecastOutput, InfoValue, Model, ModelError, ModelSpec,
    SpecError, StateError, StateReader, StateWriter, fit_and_predict,
};

const CLASS: &str = "AutoCES";

/// statsforecast `AutoCES(season_length=1, model='Z', alias='CES', distribution='normal')`:
/// complex exponential smoothing (Svetunkov & Kourentzes), the seasonal form chosen by
/// AICc.
///
/// `model` is `Z` (choose among all forms), `N` (no seasonality), `S` (simple: a lagged
/// complex level), `P` (partial: an additive seasonal state) or `F` (full: a complex
/// seasonal pair). Seasonal forms are fitted only when `season_length > 1` and the series
/// holds two full seasons; otherwise `N` is. Smoothing parameters are estimated by
/// likelihood with statsforecast's bounded Nelder–Mead, the states by backfitting.
///
/// A constant series (one value repeated, or a single observation) is forecast by [`Naive`],
/// as statsforecast does; only the fitted values with intervals of a single observation are
/// refused ([`ModelError::NotEnoughData`]), where statsforecast's shortcut fails. Other
/// series too short for the search (statsforecast's `tiny datasets`, and lengths where no
/// form keeps a degree of freedom for its variance: 4 or fewer observations without a
/// season) are refused with [`ModelError::NotEnoughData`] too.
///
/// Forecast intervals are quantiles of 5000 paths simulated as statsforecast does (normal
/// noise with the residual variance added to the final states, `np.random.default_rng(1)`);
/// fitted values carry intervals with `sigma = sqrt(Σ (y - fitted)² / n)`. `forward` runs
/// the fitted form and parameters on a new series, with new initial states.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AutoCes {
    pub(crate) season_length: usize,
    /// The form to fit; `None` is statsforecast's `Z`.
    pub(crate) model: Option<SeasonType>,
}

impl AutoCes {
    /// Builds from a validated spec.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        let letter = spec.str_param("model")?;
        let model = match letter {
            "Z" => None,
            other => Some(SeasonType::from_letter(other).ok_or_else(|| {
                SpecError::new(format!(
                    "AutoCES: model must be one of 'Z', 'N', 'S', 'P', 'F', got '{other}'"
                ))
            })?),
        };
        Ok(Self {
            season_length: spec.usize_param("season_length")?,
            model,
        })
    }
}

impl AutoCes {
    /// The fitted CES model, or `None` for a constant series (which statsforecast hands to
    /// `Naive` without selecting a form).
    pub(crate) fn fit_ces(&self, y: &[f64]) -> Result<Option<CesFitted>, ModelError> {
        ensure_finite_series(CLASS, y)?;
        if is_constant(y) {
            return Ok(None);
        }
        let model = search(y, self.season_length, self.model, FREE)
            .map_err(|e| to_model_error(y.len(), e))?;
        Ok(Some(CesFitted::new(model, y)))
    }
}

fn to_model_error(n: usize, e: SearchError) -> ModelError {
    match e {
        SearchError::TooShort { needed } => ModelError::NotEnoughData {
            model: CLASS,
            needed,
            got: n,
        },
        SearchError::NoModel => ModelError::Failed(format!(
            "{CLASS}: no model able to be fitted (every form's AICc is infinite or undefined)"
        )),
    }
}

impl Model for AutoCes {
    fn class_name(&self) -> &'static str {
        CLASS
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
        match self.fit_ces(y)? {
            Some(fitted) => Ok(Box::new(fitted)),
            None => Ok(Box::new(NaiveShortcut(Naive.fit(y)?))),
        }
    }

    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        // statsforecast's Naive shortcut has no variance for the fitted intervals of a
        // single observation and fails on them.
        if fitted && !levels.is_empty() && y.len() == 1 {
            return Err(ModelError::NotEnoughData {
                model: CLASS,
                needed: 2,
                got: 1,
            });
        }
        fit_and_predict(self, y, h, levels, fitted)
    }

    /// A CES fit (tag 0) or the `Naive` fit of a constant series (tag 1).
    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        match state.tag("AutoCES fit", 2)? {
            0 => Ok(Box::new(CesFitted::restore(self.season_length, state)?)),
            _ => Ok(Box::new(NaiveShortcut(Naive.restore(state)?))),
        }
    }
}

/// The `Naive` fit statsforecast hands a constant series to; its state is tagged so that
/// `AutoCES` reads it back as such.
struct NaiveShortcut(Box<dyn FittedModel>);

impl FittedModel for NaiveShortcut {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        self.0.predict(h, levels)
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        self.0.predict_in_sample(levels)
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.0.forward(y)
    }

    fn save(&self, state: &mut StateWriter) {
        state.u8(1);
        self.0.save(state);
    }

    fn info(&self) -> FitInfo {
        self.0.info()
    }
}

/// A fitted CES model: the selected form with its parameters and final states.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CesFitted {
    model: CesModel,
    /// Standard error of the fitted values: `sqrt(Σ (y - fitted)² / n)`.
    fitted_se: f64,
}

impl CesFitted {
    pub(crate) fn new(model: CesModel, y: &[f64]) -> Self {
        let fitted_se = residual_sigma(&residuals(y, &model.fitted), dof(y.len(), 0));
        Self { model, fitted_se }
    }

    /// The selected model (form, parameters, criteria).
    pub(crate) fn model(&self) -> &CesModel {
        &self.model
    }

    /// Reads back what `save` wrote after its tag, for a spec of `season_length`.
    fn restore(season_length: usize, state: &mut StateReader<'_>) -> Result<Self, StateError> {
        let season = match state.tag("CES form", 4)? {
            0 => SeasonType::None,
            1 => SeasonType::Simple,
            2 => SeasonType::Partial,
            _ => SeasonType::Full,
        };
        // One state row without a season, one per season position with one.
        let lags = StateReader::check(state.usize()?, "state rows", |&lags| {
            lags == season.lags(season_length)
        })?;
        let par = Smoothing {
            alpha_0: state.f64()?,
            alpha_1: state.f64()?,
            beta_0: state.f64()?,
            beta_1: state.f64()?,
        };
        let last_states = state.f64s_of_length("final states", |len| {
            lags.checked_mul(season.components()) == Some(len)
        })?;
        let fitted = state.f64s_of_length("fitted values", |n| n >= 1)?;
        let fitted_se = state.f64()?;
        let model = CesModel {
            season,
            lags,
            par,
            n: fitted.len(),
            last_states,
            fitted,
            loglik: state.f64()?,
            aic: state.f64()?,
            aicc: state.f64()?,
            bic: state.f64()?,
            sigma2: state.f64()?,
            n_params: season.components() + 1,
        };
        Ok(Self { model, fitted_se })
    }
}

impl FittedModel for CesFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let model = &self.model;
        let mut buf = model.last_states.clone();
        buf.resize((model.lags + h) * model.season.components(), 0.0);
        let mut mean = vec![0.0; h];
        forecast_into(&mut buf, model.season, model.lags, &model.par, &mut mean);
        let intervals = simulated_bands(model, h, levels);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self.model.fitted.clone();
        let intervals = gaussian_bands(&mean, levels, |_| self.fitted_se);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_finite_series(CLASS, y)?;
        let m = &self.model;
        let model =
            search(y, m.lags, Some(m.season), m.par).map_err(|e| to_model_error(y.len(), e))?;
        Ok(Box::new(Self::new(model, y)))
    }

    /// The form, the parameters, the final states, the fitted values with their standard
    /// error and the criteria (the number of observations is that of the fitted values, the
    /// number of parameters that of the form's state columns plus one).
    fn save(&self, state: &mut StateWriter) {
        let m = &self.model;
        state.u8(0);
        state.u8(match m.season {
            SeasonType::None => 0,
            SeasonType::Simple => 1,
            SeasonType::Partial => 2,
            SeasonType::Full => 3,
        });
        state.usize(m.lags);
        for value in [m.par.alpha_0, m.par.alpha_1, m.par.beta_0, m.par.beta_1] {
            state.f64(value);
        }
        state.f64s(&m.last_states);
        state.f64s(&m.fitted);
        state.f64(self.fitted_se);
        for value in [m.loglik, m.aic, m.aicc, m.bic, m.sigma2] {
            state.f64(value);
        }
    }

    /// `CES(<form>)` with statsforecast's form letter (`N`, `S`, `P`, `F`), the complex
    /// smoothing parameters (the seasonal one only for the forms that have it) and the
    /// criteria.
    fn info(&self) -> FitInfo {
        let m = &self.model;
        let complex = |real: f64, imaginary: f64| {
            InfoValue::Object(vec![
                ("real".to_owned(), InfoValue::Number(real)),
                ("imag".to_owned(), InfoValue::Number(imaginary)),
            ])
        };
        let info = FitInfo::method(format!("CES({})", m.season.letter()))
            .text("season_type", m.season.letter())
            .with("alpha", complex(m.par.alpha_0, m.par.alpha_1));
        let info = match m.season {
            SeasonType::Partial => info.number("beta", m.par.beta_0),
            SeasonType::Full => info.with("beta", complex(m.par.beta_0, m.par.beta_1)),
            SeasonType::None | SeasonType::Simple => info,
        };
        info.number("loglik", m.loglik)
            .number("aic", m.aic)
            .number("aicc", m.aicc)
            .number("bic", m.bic)
            .number("sigma2", m.sigma2)
    }
}
