//! The statsforecast classes `ARIMA`, `AutoRegressive` and `AutoARIMA`, and their fitted
//! state.

use super::estimate::{ArimaFit, FitError, KAPPA, Method, arma_names};
use super::search::{ArimaOptions, AutoOptions, Fitted, arima_with_criteria, auto_arima};
use super::statespace::{
    ArmaOrder, StateSpace, differencing_polynomial, kalman_forecast, kalman_likelihood,
    transform_params,
};
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::reductions::is_constant;
use crate::models::{
    FitInfo, FittedModel, Forecast, ForecastOutput, InfoValue, Model, ModelError, Regressors,
    StateError, StateReader, StateWriter,
};

/// statsforecast `ARIMA(order=(0, 0, 0), season_length=1, seasonal_order=(0, 0, 0),
/// include_mean=True, include_drift=False, include_constant=None, blambda=None,
/// biasadj=False, method='CSS-ML', fixed=None, alias='ARIMA')`: a seasonal ARIMA of the
/// given orders, estimated as R's `Arima` does.
///
/// `AutoRegressive(lags, ...)` is this class with `order=(max(lags), 0, 0)` and the AR
/// coefficients of the lags not listed fixed at zero.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arima {
    pub(crate) class: &'static str,
    pub(crate) options: ArimaOptions,
}

/// statsforecast `AutoARIMA(...)`: the Hyndman–Khandakar automatic ARIMA (R's
/// `auto.arima`), the order chosen by the information criterion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AutoArima {
    pub(crate) options: AutoOptions,
}

fn to_model_error(class: &'static str, n: usize, error: FitError) -> ModelError {
    match error {
        FitError::TooShort { needed } => ModelError::NotEnoughData {
            model: class,
            needed,
            got: n,
        },
        FitError::NotFitted(reason) | FitError::Failed(reason) => {
            ModelError::Failed(format!("{class}: {reason}"))
        }
    }
}

/// Refuses regressors with NaN or infinite values or a length other than the series'.
fn ensure_usable_regressors(
    class: &'static str,
    n: usize,
    x: &Regressors,
) -> Result<(), ModelError> {
    if x.iter().any(|column| column.len() != n) {
        return Err(ModelError::Failed(format!(
            "{class}: every regressor needs one value per observation"
        )));
    }
    if x.iter().flatten().any(|v| !v.is_finite()) {
        return Err(ModelError::Failed(format!(
            "{class}: a regressor has missing or infinite values"
        )));
    }
    Ok(())
}

/// What sets the ARIMA classes apart: their name, their estimation, and the method
/// `forward` re-evaluates a fit with. The [`Model`] implementation is shared.
pub(crate) trait ArimaClass: Send + Sync + std::fmt::Debug {
    fn class(&self) -> &'static str;

    /// Estimates on checked inputs.
    fn estimate(&self, y: &[f64], x: &Regressors) -> Result<Fitted, FitError>;

    /// The method `forward` refits with.
    fn forward_method(&self) -> Method;

    /// The season length of the fitted orders (a non-seasonal model moved forward has 1).
    fn season_length(&self) -> usize;

    /// Checks the series and its regressors, then estimates.
    fn select(&self, y: &[f64], x: &Regressors) -> Result<Fitted, ModelError> {
        let class = self.class();
        ensure_finite_series(class, y)?;
        ensure_usable_regressors(class, y.len(), x)?;
        self.estimate(y, x)
            .map_err(|e| to_model_error(class, y.len(), e))
    }
}

impl ArimaClass for Arima {
    fn class(&self) -> &'static str {
        self.class
    }

    fn estimate(&self, y: &[f64], x: &Regressors) -> Result<Fitted, FitError> {
        arima_with_criteria(y, &self.options, x)
    }

    fn forward_method(&self) -> Method {
        self.options.method
    }

    fn season_length(&self) -> usize {
        self.options.order.period
    }
}

impl ArimaClass for AutoArima {
    fn class(&self) -> &'static str {
        "AutoARIMA"
    }

    fn estimate(&self, y: &[f64], x: &Regressors) -> Result<Fitted, FitError> {
        auto_arima(y, x, &self.options)
    }

    /// AutoARIMA's `method=None` refits by maximum likelihood.
    fn forward_method(&self) -> Method {
        self.options.method.unwrap_or(Method::Ml)
    }

    fn season_length(&self) -> usize {
        self.options.season_length()
    }
}

impl<T: ArimaClass> Model for T {
    fn class_name(&self) -> &'static str {
        self.class()
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
        self.fit_with_regressors(y, &[])
    }

    fn uses_regressors(&self) -> bool {
        true
    }

    fn fit_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        let fitted = self.select(y, x)?;
        let terms = Terms::of(&fitted.fit);
        Ok(Box::new(ArimaFitted::new(
            self.class(),
            self.forward_method(),
            fitted,
            terms,
            y,
            x.len(),
        )))
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
        let fit = self.fit_with_regressors(y, x)?;
        let forecast = fit.predict_with_regressors(h, x_future, levels);
        let fitted = fitted.then(|| fit.predict_in_sample(levels));
        Ok(ForecastOutput { forecast, fitted })
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        Ok(Box::new(ArimaFitted::restore(self, state)?))
    }
}

/// The coefficients beside the ARMA ones, in statsforecast's order: `intercept`, `drift`,
/// then one per regressor (`ex_1`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Terms {
    intercept: bool,
    drift: bool,
    /// Coefficients of the user's regressors.
    exogenous: usize,
}

impl Terms {
    /// The terms a fit's coefficient names hold.
    fn of(fit: &ArimaFit) -> Self {
        let n_arma = fit.n_arma();
        let intercept = fit.names.get(n_arma).is_some_and(|n| n == "intercept");
        let drift = fit.has_coef("drift");
        let exogenous = fit.coef.len() - n_arma - usize::from(intercept) - usize::from(drift);
        Self {
            intercept,
            drift,
            exogenous,
        }
    }

    /// Number of coefficients.
    fn len(self) -> usize {
        usize::from(self.intercept) + usize::from(self.drift) + self.exogenous
    }

    /// statsforecast's coefficient names after the ARMA ones.
    fn names(self) -> impl Iterator<Item = String> {
        let fixed = [(self.intercept, "intercept"), (self.drift, "drift")];
        fixed
            .into_iter()
            .filter(|&(present, _)| present)
            .map(|(_, name)| name.to_owned())
            .chain((1..=self.exogenous).map(|i| format!("ex_{i}")))
    }
}

/// A fitted ARIMA: orders, coefficients, criteria, the filtered state-space form forecasts
/// start from, and the fitted values.
#[derive(Debug, Clone)]
pub(crate) struct ArimaFitted {
    class: &'static str,
    /// The estimation method `forward` re-evaluates the coefficients with.
    method: Method,
    order: ArmaOrder,
    terms: Terms,
    /// ARMA coefficients, then the [`Terms`].
    coef: Vec<f64>,
    sigma2: f64,
    loglik: f64,
    aic: f64,
    aicc: f64,
    bic: f64,
    /// Observations the likelihood used (after differencing).
    nobs: usize,
    /// The state-space form after filtering the whole series: forecasts start here.
    model: StateSpace,
    /// `y - residuals`, one per observation.
    fitted: Vec<f64>,
    /// The value of a constant series, which is forecast as it is.
    constant: Option<f64>,
    /// Number of the user's regressors the model was fitted with.
    regressors: usize,
}

impl ArimaFitted {
    fn new(
        class: &'static str,
        method: Method,
        fitted: Fitted,
        terms: Terms,
        y: &[f64],
        regressors: usize,
    ) -> Self {
        let Fitted { fit, aicc, bic } = fitted;
        Self {
            class,
            method,
            order: fit.order,
            terms,
            sigma2: fit.sigma2,
            loglik: fit.loglik,
            aic: fit.aic,
            aicc,
            bic,
            nobs: fit.nobs,
            fitted: y.iter().zip(&fit.residuals).map(|(y, r)| y - r).collect(),
            constant: is_constant(y).then(|| y[0]),
            coef: fit.coef,
            model: fit.model,
            regressors,
        }
    }

    /// Reads back what `save` wrote, for `class`'s model.
    fn restore(class: &impl ArimaClass, state: &mut StateReader<'_>) -> Result<Self, StateError> {
        let order = ArmaOrder {
            p: state.usize()?,
            q: state.usize()?,
            sp: state.usize()?,
            sq: state.usize()?,
            period: StateReader::check(state.usize()?, "season length", |&m| {
                m == 1 || m == class.season_length()
            })?,
            d: state.usize()?,
            sd: state.usize()?,
        };
        let differences = order.d.saturating_add(order.sd);
        let terms = StateReader::check(
            Terms {
                intercept: state.bool()?,
                drift: state.bool()?,
                exogenous: state.usize()?,
            },
            "regression terms",
            // An intercept only without differences, a drift with at most one.
            |t| (!t.intercept || differences == 0) && (!t.drift || differences <= 1),
        )?;
        let n_arma = [order.q, order.sp, order.sq]
            .into_iter()
            .try_fold(order.p, usize::checked_add);
        let coef = state.f64s_of_length("coefficients", |len| {
            n_arma.and_then(|n| n.checked_add(terms.len())) == Some(len)
        })?;
        let sigma2 = state.f64()?;
        let loglik = state.f64()?;
        let aic = state.f64()?;
        let aicc = state.f64()?;
        let bic = state.f64()?;
        let nobs = state.usize()?;
        let constant = if state.bool()? {
            Some(state.f64()?)
        } else {
            None
        };
        let fitted = state.f64s()?;
        let regressors =
            StateReader::check(state.usize()?, "regressor count", |&k| k >= terms.exogenous)?;
        // The state vector has the dimension the orders imply, checked before any matrix of
        // that dimension is built.
        let a = state.f64s_of_length("state vector", |len| state_dimension(&order) == Some(len))?;
        let mut model = match state.tag("state covariance", 2)? {
            0 => filtered_form(&order, &coef, fitted.len()),
            _ => {
                let p = state.f64s_of_length("state covariance", |len| {
                    Some(len) == a.len().checked_mul(a.len())
                })?;
                let mut model = unfiltered_form(&order, &coef);
                model.p = p;
                model
            }
        };
        model.a = a;
        Ok(Self {
            class: class.class(),
            method: class.forward_method(),
            order,
            terms,
            coef,
            sigma2,
            loglik,
            aic,
            aicc,
            bic,
            nobs,
            model,
            fitted,
            constant,
            regressors,
        })
    }

    /// The future regression term `xreg · beta` (intercept, drift, then the regressors);
    /// NaN when the future values of a regressor the model uses are missing.
    fn regression_forecast(&self, h: usize, x_future: &Regressors) -> Vec<f64> {
        let n = self.fitted.len();
        let beta = &self.coef[self.coef.len() - self.terms.len()..];
        let mut columns: Vec<Vec<f64>> = Vec::with_capacity(beta.len());
        if self.terms.intercept {
            columns.push(vec![1.0; h]);
        }
        if self.terms.drift {
            columns.push((1..=h).map(|k| (n + k) as f64).collect());
        }
        if self.regressors > 0 {
            if x_future.len() != self.regressors || x_future.iter().any(|c| c.len() != h) {
                return vec![f64::NAN; h];
            }
            columns.extend(x_future.iter().cloned());
        }
        (0..h)
            .map(|k| {
                columns
                    .iter()
                    .zip(beta)
                    .fold(0.0, |acc, (column, b)| acc + column[k] * b)
            })
            .collect()
    }

    /// statsforecast's `arima_string` (R's `arima.string`) without padding, e.g.
    /// `ARIMA(1,1,1)(0,1,1)[12]`, `ARIMA(0,1,1) with drift`, `ARIMA(2,0,0) with non-zero
    /// mean` or `Regression with ARIMA(1,0,0) errors`.
    fn method_string(&self) -> String {
        let o = &self.order;
        let mut text = format!("ARIMA({},{},{})", o.p, o.d, o.q);
        if o.period > 1 && o.sp + o.sd + o.sq > 0 {
            text += &format!("({},{},{})[{}]", o.sp, o.sd, o.sq, o.period);
        }
        // statsforecast's `xreg`: the drift column and the user's regressors.
        if self.terms.drift || self.terms.exogenous > 0 {
            if self.terms.exogenous == 0 {
                text + " with drift"
            } else {
                format!("Regression with {text} errors")
            }
        } else if self.terms.intercept {
            text + " with non-zero mean"
        } else if o.d == 0 && o.sd == 0 {
            text + " with zero mean"
        } else {
            text
        }
    }
}

/// The state-space form of `coef` as the fit builds it, before any filtering.
fn unfiltered_form(order: &ArmaOrder, coef: &[f64]) -> StateSpace {
    let (phi, theta) = transform_params(coef, order, false);
    let delta = differencing_polynomial(order.d, order.sd, order.period);
    StateSpace::new(&phi, &theta, &delta, KAPPA)
}

/// The form after the fit's final filter over `n` observations, its state aside: the
/// covariances the filter leaves depend only on the coefficients and on the number of
/// observations (none is missing), so filtering zeros gives the fit's bit for bit.
fn filtered_form(order: &ArmaOrder, coef: &[f64], n: usize) -> StateSpace {
    let mut model = unfiltered_form(order, coef);
    kalman_likelihood(&vec![0.0; n], &mut model, false);
    model
}

/// `r + d`: the state dimension of `make_arima` for `order`, `None` when it overflows.
fn state_dimension(order: &ArmaOrder) -> Option<usize> {
    let m = order.period.max(1);
    let ar = order.sp.checked_mul(order.period)?.checked_add(order.p)?;
    let ma = order.sq.checked_mul(order.period)?.checked_add(order.q)?;
    let differences = order.sd.checked_mul(m)?.checked_add(order.d)?;
    ar.max(ma.checked_add(1)?).checked_add(differences)
}

impl FittedModel for ArimaFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        self.predict_with_regressors(h, &[], levels)
    }

    fn predict_with_regressors(&self, h: usize, x_future: &Regressors, levels: &[f64]) -> Forecast {
        let (mean, se): (Vec<f64>, Vec<f64>) = match self.constant {
            Some(value) => (vec![value; h], vec![0.0; h]),
            None => {
                let (pred, var) = kalman_forecast(h, &self.model);
                let regression = self.regression_forecast(h, x_future);
                let mean = pred.iter().zip(&regression).map(|(p, r)| p + r).collect();
                let se = var.iter().map(|v| (v * self.sigma2).sqrt()).collect();
                (mean, se)
            }
        };
        let intervals = gaussian_bands(&mean, levels, |k| se[k]);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean = self.fitted.clone();
        let se = self.sigma2.sqrt();
        let intervals = gaussian_bands(&mean, levels, |_| se);
        Forecast { mean, intervals }
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.forward_with_regressors(y, &[])
    }

    fn forward_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_finite_series(self.class, y)?;
        ensure_usable_regressors(self.class, y.len(), x)?;
        if x.len() != self.regressors {
            return Err(ModelError::Failed(format!(
                "{}: the model was fitted with {} regressors, the new series has {}",
                self.class,
                self.regressors,
                x.len()
            )));
        }
        let order = self.order;
        let seasonal = order.period > 1 && (order.sp + order.sq + order.sd) > 0;
        // statsforecast's `arima2`: the same orders with every coefficient fixed; a
        // non-seasonal model is refitted with period 1.
        let order = if seasonal {
            order
        } else {
            ArmaOrder { period: 1, ..order }
        };
        let mut xreg = Vec::new();
        if self.terms.drift {
            xreg.push((1..=y.len()).map(|t| t as f64).collect());
        }
        xreg.extend(x.iter().cloned());
        let has_coef = !self.coef.is_empty();
        let options = ArimaOptions {
            order,
            include_mean: has_coef && self.terms.intercept,
            include_drift: false,
            include_constant: None,
            method: self.method,
            fixed: has_coef.then(|| self.coef.clone()),
        };
        let mut refit = arima_with_criteria(y, &options, &xreg)
            .map_err(|e| to_model_error(self.class, y.len(), e))?;
        refit.fit.sigma2 = self.sigma2;
        Ok(Box::new(Self::new(
            self.class,
            self.method,
            refit,
            self.terms,
            y,
            self.regressors,
        )))
    }

    /// The orders and terms, the coefficients, criteria, the constant of a constant series,
    /// the fitted values, the regressor count, and the filtered state. The transition and
    /// noise matrices follow from the coefficients and are rebuilt; so is the state
    /// covariance when filtering again gives it bit for bit (a fit by likelihood; CSS leaves
    /// it unfiltered, and then it is written).
    fn save(&self, state: &mut StateWriter) {
        let o = &self.order;
        for count in [o.p, o.q, o.sp, o.sq, o.period, o.d, o.sd] {
            state.usize(count);
        }
        state.bool(self.terms.intercept);
        state.bool(self.terms.drift);
        state.usize(self.terms.exogenous);
        state.f64s(&self.coef);
        for value in [self.sigma2, self.loglik, self.aic, self.aicc, self.bic] {
            state.f64(value);
        }
        state.usize(self.nobs);
        state.bool(self.constant.is_some());
        if let Some(value) = self.constant {
            state.f64(value);
        }
        state.f64s(&self.fitted);
        state.usize(self.regressors);
        state.f64s(&self.model.a);
        let refiltered = filtered_form(&self.order, &self.coef, self.fitted.len());
        let same_bits = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        if same_bits(&refiltered.p, &self.model.p) {
            state.u8(0);
        } else {
            state.u8(1);
            state.f64s(&self.model.p);
        }
    }

    /// statsforecast's `arima_string`, the orders, the coefficients by name, the variance,
    /// the likelihood and the criteria.
    fn info(&self) -> FitInfo {
        let o = &self.order;
        let counts = |values: [usize; 3]| InfoValue::List(values.map(InfoValue::Count).to_vec());
        let names = arma_names(o).into_iter().chain(self.terms.names());
        let coef = names
            .zip(&self.coef)
            .map(|(name, &value)| (name, InfoValue::Number(value)))
            .collect();
        FitInfo::method(self.method_string())
            .with("order", counts([o.p, o.d, o.q]))
            .with("seasonal_order", counts([o.sp, o.sd, o.sq]))
            .count("period", o.period)
            .with("coef", InfoValue::Object(coef))
            .number("sigma2", self.sigma2)
            .number("loglik", self.loglik)
            .number("aic", self.aic)
            .number("aicc", self.aicc)
            .number("bic", self.bic)
            .count("nobs", self.nobs)
    }
}
