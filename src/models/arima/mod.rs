//! ARIMA models: statsforecast's `ARIMA`, `AutoRegressive` and `AutoARIMA`, reproducing
//! statsforecast 2.1.1 (`arima.py` and its compiled `arima.cpp`), itself a port of R's
//! `stats::arima` and `forecast::auto.arima`.
//!
//! How a fit runs, file by file:
//!
//! - [`statespace`]: the compiled kernels: parameter transformations, conditional sum of
//!   squares, the Kalman filter likelihood and forecasts, differencing, the KPSS test and
//!   least squares.
//! - [`estimate`]: `arima()`: one order fitted by CSS, ML or CSS-ML with BFGS (see
//!   [`crate::models::optim`]), the coefficient covariance and the likelihood.
//! - [`search`]: `Arima()` and `myarima()` (criteria, admissibility of a candidate) and
//!   `auto_arima_f` (differences by KPSS and seasonal strength, stepwise or exhaustive
//!   search).
//! - [`model`]: the `Model` implementations and the fitted model (forecasts, fitted values,
//!   `forward`).

mod estimate;
mod model;
mod search;
mod statespace;

#[cfg(test)]
mod tests;

pub(crate) use model::{Arima, AutoArima};

use model::ArimaClass;

use estimate::Method;
use search::{ArimaOptions, AutoOptions, Criterion};
use statespace::ArmaOrder;

use super::spec::{ModelSpec, ParamValue, SpecError};

/// Reads an `(a, b, c)` tuple of non-negative integers (validated by the registry).
fn triple(spec: &ModelSpec, name: &str) -> Result<[usize; 3], SpecError> {
    match spec.param(name) {
        Some(ParamValue::Tuple(items)) if items.len() == 3 => {
            let mut out = [0; 3];
            for (slot, item) in out.iter_mut().zip(items) {
                match item {
                    ParamValue::Int(v) if *v >= 0 => *slot = *v as usize,
                    _ => return Err(bad_type(spec, name)),
                }
            }
            Ok(out)
        }
        _ => Err(bad_type(spec, name)),
    }
}

fn bad_type(spec: &ModelSpec, name: &str) -> SpecError {
    SpecError::new(format!(
        "{}: internal error: parameter {name} has an unexpected type",
        spec.class_name()
    ))
}

fn bool_param(spec: &ModelSpec, name: &str) -> Result<bool, SpecError> {
    spec.optional_bool_param(name)?
        .ok_or_else(|| bad_type(spec, name))
}

fn optional_usize(spec: &ModelSpec, name: &str) -> Result<Option<usize>, SpecError> {
    match spec.param(name) {
        Some(ParamValue::None) => Ok(None),
        Some(ParamValue::Int(v)) if *v >= 0 => Ok(Some(*v as usize)),
        _ => Err(bad_type(spec, name)),
    }
}

fn method_param(spec: &ModelSpec) -> Result<Option<Method>, SpecError> {
    match spec.param("method") {
        Some(ParamValue::None) => Ok(None),
        Some(ParamValue::Str(text)) => Method::parse(text)
            .map(Some)
            .ok_or_else(|| bad_type(spec, "method")),
        _ => Err(bad_type(spec, "method")),
    }
}

/// statsforecast raises `NotImplementedError` for any `blambda`.
fn refuse_box_cox(spec: &ModelSpec) -> Result<(), SpecError> {
    match spec.param("blambda") {
        Some(ParamValue::None) | None => Ok(()),
        Some(value) => Err(SpecError::new(format!(
            "{}: blambda={value}: Box-Cox transformations are not implemented by \
             statsforecast 2.1.1's ARIMA models (it raises NotImplementedError); give \
             blambda=None",
            spec.class_name()
        ))),
    }
}

impl Arima {
    /// Builds `ARIMA` from a validated spec.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        refuse_box_cox(spec)?;
        let [p, d, q] = triple(spec, "order")?;
        let [sp, sd, sq] = triple(spec, "seasonal_order")?;
        let order = ArmaOrder {
            p,
            q,
            sp,
            sq,
            period: spec.usize_param("season_length")?,
            d,
            sd,
        };
        Ok(Self {
            class: "ARIMA",
            options: ArimaOptions {
                order,
                include_mean: bool_param(spec, "include_mean")?,
                include_drift: bool_param(spec, "include_drift")?,
                include_constant: spec.optional_bool_param("include_constant")?,
                method: method_param(spec)?.unwrap_or(Method::CssMl),
                fixed: None,
            },
        })
    }

    /// Builds `AutoRegressive` from a validated spec: `lags=k` fits AR(k); a list fits
    /// AR(max(lags)) with the other lags fixed at zero.
    pub(crate) fn auto_regressive_from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        refuse_box_cox(spec)?;
        let (p, listed): (usize, Option<Vec<usize>>) = match spec.param("lags") {
            Some(ParamValue::Int(v)) if *v >= 1 => (*v as usize, None),
            Some(ParamValue::List(items)) => {
                let lags: Vec<usize> = items
                    .iter()
                    .filter_map(|item| match item {
                        ParamValue::Int(v) if *v >= 1 => Some(*v as usize),
                        _ => None,
                    })
                    .collect();
                let max = lags
                    .iter()
                    .copied()
                    .max()
                    .ok_or_else(|| bad_type(spec, "lags"))?;
                (max, Some(lags))
            }
            _ => return Err(bad_type(spec, "lags")),
        };
        let include_mean = bool_param(spec, "include_mean")?;
        let include_drift = bool_param(spec, "include_drift")?;
        // statsforecast fills `fixed` by name: the AR lags, then the intercept when the
        // model has one (no differencing here), then drift.
        let fixed = listed.map(|lags| {
            let mut fixed: Vec<f64> = (1..=p)
                .map(|lag| if lags.contains(&lag) { f64::NAN } else { 0.0 })
                .collect();
            if include_mean {
                fixed.push(f64::NAN);
            }
            if include_drift {
                fixed.push(f64::NAN);
            }
            fixed
        });
        Ok(Self {
            class: "AutoRegressive",
            options: ArimaOptions {
                order: ArmaOrder {
                    p,
                    q: 0,
                    sp: 0,
                    sq: 0,
                    period: 1,
                    d: 0,
                    sd: 0,
                },
                include_mean,
                include_drift,
                include_constant: None,
                method: method_param(spec)?.unwrap_or(Method::CssMl),
                fixed,
            },
        })
    }
}

impl AutoArima {
    /// Builds `AutoARIMA` from a validated spec.
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        refuse_box_cox(spec)?;
        let criterion =
            Criterion::parse(spec.str_param("ic")?).ok_or_else(|| bad_type(spec, "ic"))?;
        Ok(Self {
            options: AutoOptions {
                d: optional_usize(spec, "d")?,
                sd: optional_usize(spec, "D")?,
                max_p: spec.usize_param("max_p")?,
                max_q: spec.usize_param("max_q")?,
                max_sp: spec.usize_param("max_P")?,
                max_sq: spec.usize_param("max_Q")?,
                max_order: spec.usize_param("max_order")?,
                max_d: spec.usize_param("max_d")?,
                max_sd: spec.usize_param("max_D")?,
                start_p: spec.usize_param("start_p")?,
                start_q: spec.usize_param("start_q")?,
                start_sp: spec.usize_param("start_P")?,
                start_sq: spec.usize_param("start_Q")?,
                stationary: bool_param(spec, "stationary")?,
                seasonal: bool_param(spec, "seasonal")?,
                criterion,
                stepwise: bool_param(spec, "stepwise")?,
                nmodels: spec.usize_param("nmodels")?,
                approximation: spec.optional_bool_param("approximation")?,
                method: method_param(spec)?,
                truncate: optional_usize(spec, "truncate")?,
                allow_drift: bool_param(spec, "allowdrift")?,
                allow_mean: bool_param(spec, "allowmean")?,
                period: spec.usize_param("season_length")?,
            },
        })
    }
}

/// What an ARIMA fit chose for a series, as statsforecast's fitted `model_` dict reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArimaSelection {
    /// Non-seasonal orders `(p, d, q)`.
    pub order: (usize, usize, usize),
    /// Seasonal orders `(P, D, Q)`.
    pub seasonal_order: (usize, usize, usize),
    /// The season length the orders refer to.
    pub period: usize,
    /// The model has an `intercept` coefficient.
    pub include_mean: bool,
    /// The model has a `drift` coefficient.
    pub include_drift: bool,
    /// Coefficients by statsforecast's names (`ar1`, `ma1`, `sar1`, `sma1`, `intercept`,
    /// `drift`, `ex_1`, ...), in its order.
    pub coef: Vec<(String, f64)>,
    /// Residual variance (statsforecast's `sigma2`).
    pub sigma2: f64,
    /// Log-likelihood.
    pub loglik: f64,
    /// Akaike's information criterion.
    pub aic: f64,
    /// AIC corrected for small samples.
    pub aicc: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Number of observations the likelihood used (after differencing).
    pub nobs: usize,
}

impl ArimaSelection {
    fn new(fitted: &search::Fitted) -> Self {
        let fit = &fitted.fit;
        let o = fit.order;
        Self {
            order: (o.p, o.d, o.q),
            seasonal_order: (o.sp, o.sd, o.sq),
            period: o.period,
            include_mean: fit.has_coef("intercept"),
            include_drift: fit.has_coef("drift"),
            coef: fit
                .names
                .iter()
                .cloned()
                .zip(fit.coef.iter().copied())
                .collect(),
            sigma2: fit.sigma2,
            loglik: fit.loglik,
            aic: fit.aic,
            aicc: fitted.aicc,
            bic: fitted.bic,
            nobs: fit.nobs,
        }
    }
}

/// Fits an `AutoARIMA`, `ARIMA` or `AutoRegressive` spec to `y` with the regressors `x`
/// (none: `&[]`) and reports the chosen orders and estimates (the SQL functions only return
/// forecasts).
pub fn select_arima(
    spec: &ModelSpec,
    y: &[f64],
    x: &super::Regressors,
) -> Result<ArimaSelection, super::ModelError> {
    let failed = |e: SpecError| super::ModelError::Failed(e.to_string());
    let fitted = match spec.class_name() {
        "AutoARIMA" => AutoArima::from_spec(spec).map_err(failed)?.select(y, x)?,
        "ARIMA" => Arima::from_spec(spec).map_err(failed)?.select(y, x)?,
        "AutoRegressive" => Arima::auto_regressive_from_spec(spec)
            .map_err(failed)?
            .select(y, x)?,
        other => {
            return Err(super::ModelError::Unsupported(format!(
                "ARIMA selection of {other}"
            )));
        }
    };
    Ok(ArimaSelection::new(&fitted))
}
