//! The statsforecast classes `AutoETS`, `Holt` and `HoltWinters`, and their fitted state.

use super::components::{Choice, Component, Form, ModelString, forbidden};
use super::fit::EtsModel;
use super::init::Params;
use super::intervals::forecast_bands;
use super::recursion::forecast;
use super::search::{SearchError, SearchSpec, reapply, search};
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::reductions::{dof, residual_sigma, residuals};
use crate::models::{
    FitInfo, FittedModel, Forecast, Model, ModelError, ModelSpec, SpecError, StateError,
    StateReader, StateWriter,
};

/// statsforecast `AutoETS(season_length=1, model='ZZZ', damped=None, phi=None,
/// alias='AutoETS', prediction_intervals=None)`: exponential smoothing state-space models
/// (Hyndman et al.), the form chosen by AICc.
///
/// `model` gives the error, trend and season letters (`A`dditive, `M`ultiplicative, `N`one,
/// `Z` = choose); `damped=None` tries damped and undamped trends; `phi` fixes the damping
/// parameter (in `[0.8, 0.98]`). The search follows statsforecast exactly: no
/// multiplicative trend unless asked for, no multiplicative error or season on data with a
/// value `<= 0`, seasonal forms only when `season_length > 1` and the series is longer than
/// one season, additive errors never with a multiplicative component. Parameters and initial
/// states are estimated by likelihood with statsforecast's bounded Nelder–Mead.
///
/// A constant series is fitted as simple exponential smoothing with `alpha = 0.9999` (only its
/// level estimated), whatever `model` says. Series too short for the number of parameters
/// (statsforecast's `tiny datasets`, e.g. 6 observations or fewer for `ZZZ`) are refused with
/// [`ModelError::NotEnoughData`].
///
/// Intervals follow statsforecast's model classes (closed forms for classes 1–3,
/// simulation for the rest; see the `ets::intervals` module); fitted values carry intervals
/// with `sigma = sqrt(Σ (y - fitted)² / (n - n_params))`. `forward` re-runs the fitted
/// parameters and initial states on a new series without re-estimating them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AutoEts {
    pub(crate) season_length: usize,
    pub(crate) model: ModelString,
    pub(crate) damped: Option<bool>,
    pub(crate) phi: Option<f64>,
}

/// statsforecast `Holt(season_length=1, error_type='A', alias='Holt',
/// prediction_intervals=None)`: `AutoETS` with `model = error_type + 'AN'` (additive trend,
/// no season), damped or not by AICc. `error_type` is `'A'` or `'M'`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Holt {
    pub(crate) season_length: usize,
    pub(crate) error_type: Component,
}

/// statsforecast `HoltWinters(season_length=1, error_type='A', alias='HoltWinters',
/// prediction_intervals=None)`: `AutoETS` with `model = error_type + 'A' + error_type`
/// (additive trend, season of the error's type), damped or not by AICc. Needs
/// `season_length > 1` (statsforecast raises `Nonseasonal data` otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HoltWinters {
    pub(crate) season_length: usize,
    pub(crate) error_type: Component,
}

/// Reads `'A'` / `'M'`.
fn error_component(text: &str) -> Component {
    if text == "M" {
        Component::Multiplicative
    } else {
        Component::Additive
    }
}

impl AutoEts {
    /// Builds from a validated spec, rejecting the combinations statsforecast refuses for
    /// every series.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        let model = ModelString::parse(spec.str_param("model")?).map_err(SpecError::new)?;
        let season_length = spec.usize_param("season_length")?;
        let damped = spec.optional_bool_param("damped")?;
        use Component::{Additive as A, Multiplicative as M, None as N};
        let (error, trend, season) = (
            model.error.fixed(),
            model.trend.fixed(),
            model.season.fixed(),
        );
        if season_length == 1 && matches!(season, Some(A | M)) {
            return Err(SpecError::new(format!(
                "AutoETS: model '{model}' has a seasonal component but season_length is 1 \
                 (statsforecast raises 'Nonseasonal data'); give season_length > 1 or a season \
                 of N or Z"
            )));
        }
        if damped == Some(true) && trend == Some(N) {
            return Err(SpecError::new(format!(
                "AutoETS: damped=True needs a trend, model '{model}' has none"
            )));
        }
        if forbidden(error, trend, season) {
            return Err(SpecError::new(format!(
                "AutoETS: model '{model}' is a forbidden combination (additive errors with a \
                 multiplicative trend or season, or M,M,A)"
            )));
        }
        Ok(Self {
            season_length,
            model,
            damped,
            phi: spec.optional_f64_param("phi")?,
        })
    }

    fn spec(&self) -> SearchSpec {
        SearchSpec {
            m: self.season_length,
            model: self.model,
            damped: self.damped,
            phi: self.phi.unwrap_or(f64::NAN),
        }
    }
}

impl Holt {
    /// Builds from a validated spec.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        Ok(Self {
            season_length: spec.usize_param("season_length")?,
            error_type: error_component(spec.str_param("error_type")?),
        })
    }

    fn spec(&self) -> SearchSpec {
        additive_trend_search(self.season_length, self.error_type, Component::None)
    }
}

impl HoltWinters {
    /// Builds from a validated spec; `season_length` must exceed 1.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        let season_length = spec.usize_param("season_length")?;
        if season_length < 2 {
            return Err(SpecError::new(
                "HoltWinters: season_length must be at least 2 (statsforecast raises \
                 'Nonseasonal data' for every series with season_length=1)",
            ));
        }
        Ok(Self {
            season_length,
            error_type: error_component(spec.str_param("error_type")?),
        })
    }

    fn spec(&self) -> SearchSpec {
        additive_trend_search(self.season_length, self.error_type, self.error_type)
    }
}

/// The search of `Holt` and `HoltWinters`: the given error and season, an additive trend,
/// damped or not by AICc.
fn additive_trend_search(m: usize, error: Component, season: Component) -> SearchSpec {
    SearchSpec {
        m,
        model: ModelString {
            error: Choice::Fixed(error),
            trend: Choice::Fixed(Component::Additive),
            season: Choice::Fixed(season),
        },
        damped: None,
        phi: f64::NAN,
    }
}

/// The class name and search settings of an ETS spec, `None` for other classes.
pub(crate) fn search_settings(
    spec: &ModelSpec,
) -> Result<Option<(&'static str, SearchSpec)>, SpecError> {
    Ok(match spec.class_name() {
        "AutoETS" => Some(("AutoETS", AutoEts::from_spec(spec)?.spec())),
        "Holt" => Some(("Holt", Holt::from_spec(spec)?.spec())),
        "HoltWinters" => Some(("HoltWinters", HoltWinters::from_spec(spec)?.spec())),
        _ => None,
    })
}

/// Fits by search and wraps the result.
fn fit_ets(
    class: &'static str,
    spec: SearchSpec,
    y: &[f64],
) -> Result<Box<dyn FittedModel>, ModelError> {
    Ok(Box::new(EtsFitted::new(class, spec, y)?))
}

fn to_model_error(class: &'static str, n: usize, e: SearchError) -> ModelError {
    match e {
        SearchError::TooShort { needed } => ModelError::NotEnoughData {
            model: class,
            needed,
            got: n,
        },
        SearchError::Refused(reason) => ModelError::Failed(format!("{class}: {reason}")),
    }
}

macro_rules! ets_model {
    ($ty:ty, $class:literal) => {
        impl Model for $ty {
            fn class_name(&self) -> &'static str {
                $class
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
                fit_ets($class, self.spec(), y)
            }

            fn restore(
                &self,
                state: &mut StateReader<'_>,
            ) -> Result<Box<dyn FittedModel>, StateError> {
                Ok(Box::new(EtsFitted::restore($class, self.spec(), state)?))
            }
        }
    };
}

ets_model!(AutoEts, "AutoETS");
ets_model!(Holt, "Holt");
ets_model!(HoltWinters, "HoltWinters");

/// A fitted ETS model: the selected form with its parameters and states.
#[derive(Debug, Clone)]
pub(crate) struct EtsFitted {
    class: &'static str,
    spec: SearchSpec,
    model: EtsModel,
    /// Standard error of the fitted values: `sqrt(Σ (y - fitted)² / (n - n_params))` over
    /// statsforecast's `actual_residuals`.
    fitted_se: f64,
}

impl EtsFitted {
    pub(crate) fn new(
        class: &'static str,
        spec: SearchSpec,
        y: &[f64],
    ) -> Result<Self, ModelError> {
        ensure_finite_series(class, y)?;
        let model = search(y, &spec).map_err(|e| to_model_error(class, y.len(), e))?;
        Ok(Self::wrap(class, spec, model, y))
    }

    fn wrap(class: &'static str, spec: SearchSpec, model: EtsModel, y: &[f64]) -> Self {
        let actual_residuals = residuals(y, &model.fitted);
        let fitted_se = residual_sigma(&actual_residuals, dof(y.len(), model.n_params));
        Self {
            class,
            spec,
            model,
            fitted_se,
        }
    }

    /// Reads back what `save` wrote, for the model of class `class` searching with `spec`.
    fn restore(
        class: &'static str,
        spec: SearchSpec,
        state: &mut StateReader<'_>,
    ) -> Result<Self, StateError> {
        let form = StateReader::check(
            Form {
                error: restore_component(state, "error component")?,
                trend: restore_component(state, "trend component")?,
                season: restore_component(state, "season component")?,
                damped: state.bool()?,
            },
            "ETS form",
            |form| form.error.is_present() && (form.trend.is_present() || !form.damped),
        )?;
        // A fit without a season runs with m = 1.
        let m = StateReader::check(state.usize()?, "season length", |&m| {
            if form.season.is_present() {
                m >= 2
            } else {
                m == 1
            }
        })?;
        let par = Params {
            alpha: state.f64()?,
            beta: state.f64()?,
            gamma: state.f64()?,
            phi: state.f64()?,
        };
        // Level, trend if any, then m seasonal states if any.
        let fixed_states = 1 + usize::from(form.trend.is_present());
        let seasonal_states = if form.season.is_present() { m } else { 0 };
        let state_len = fixed_states.checked_add(seasonal_states);
        let init_state = state.f64s_of_length("initial states", |len| Some(len) == state_len)?;
        let last_state = state.f64s_of_length("final states", |len| len == init_state.len())?;
        let fitted = state.f64s()?;
        let fitted_se = state.f64()?;
        // At most the four smoothing parameters, the states and the variance.
        let most_params = init_state.len() + 5;
        let model = EtsModel {
            form,
            m,
            par,
            init_state,
            last_state,
            fitted,
            loglik: state.f64()?,
            aic: state.f64()?,
            aicc: state.f64()?,
            bic: state.f64()?,
            sigma2: state.f64()?,
            mse: state.f64()?,
            n_params: StateReader::check(state.usize()?, "parameter count", |&k| {
                (1..=most_params).contains(&k)
            })?,
        };
        Ok(Self {
            class,
            spec,
            model,
            fitted_se,
        })
    }

    /// The selected model (form, parameters, criteria).
    pub(crate) fn model(&self) -> &EtsModel {
        &self.model
    }
}

impl FittedModel for EtsFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        let model = &self.model;
        let mean = forecast(&model.shape(), model.run_phi(), &model.last_state, h);
        let intervals = forecast_bands(model, &mean, levels);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self.model.fitted.clone();
        let intervals = gaussian_bands(&mean, levels, |_| self.fitted_se);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_finite_series(self.class, y)?;
        let model = reapply(y, &self.model, &self.spec)
            .map_err(|e| to_model_error(self.class, y.len(), e))?;
        Ok(Box::new(Self::wrap(self.class, self.spec, model, y)))
    }

    /// The form, parameters, initial and final states, fitted values and their standard
    /// error, and the criteria; the search settings are the restoring model's.
    fn save(&self, state: &mut StateWriter) {
        let m = &self.model;
        for component in [m.form.error, m.form.trend, m.form.season] {
            save_component(state, component);
        }
        state.bool(m.form.damped);
        state.usize(m.m);
        for value in m.par.as_array() {
            state.f64(value);
        }
        state.f64s(&m.init_state);
        state.f64s(&m.last_state);
        state.f64s(&m.fitted);
        state.f64(self.fitted_se);
        for value in [m.loglik, m.aic, m.aicc, m.bic, m.sigma2, m.mse] {
            state.f64(value);
        }
        state.usize(m.n_params);
    }

    /// statsforecast's `method` (`ETS(M,Ad,N)`), the smoothing parameters (`null` where the
    /// form has none) and the criteria.
    fn info(&self) -> FitInfo {
        let m = &self.model;
        let present = |is_present: bool, value: f64| if is_present { value } else { f64::NAN };
        FitInfo::method(m.form.to_string())
            .number("alpha", m.par.alpha)
            .number("beta", present(m.form.trend.is_present(), m.par.beta))
            .number("gamma", present(m.form.season.is_present(), m.par.gamma))
            .number("phi", present(m.form.damped, m.par.phi))
            .number("loglik", m.loglik)
            .number("aic", m.aic)
            .number("aicc", m.aicc)
            .number("bic", m.bic)
            .number("sigma2", m.sigma2)
            .number("mse", m.mse)
    }
}

fn save_component(state: &mut StateWriter, component: Component) {
    state.u8(match component {
        Component::None => 0,
        Component::Additive => 1,
        Component::Multiplicative => 2,
    });
}

fn restore_component(state: &mut StateReader<'_>, what: &str) -> Result<Component, StateError> {
    Ok(match state.tag(what, 3)? {
        0 => Component::None,
        1 => Component::Additive,
        _ => Component::Multiplicative,
    })
}
