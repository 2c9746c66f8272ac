//! The statsforecast classes `ARIMA`, `AutoRegressive` and `AutoARIMA`, and their fitted
//! state.

use super::estimate::{FitError, Method};
use super::search::{ArimaOptions, AutoOptions, Fitted, arima_with_criteria, auto_arima};
use super::statespace::{ArmaOrder, kalman_forecast};
use crate::models::error::ensure_finite_series;
use crate::models::intervals::gaussian_bands;
use crate::models::reductions::is_constant;
use crate::models::{FittedModel, Forecast, ForecastOutput, Model, ModelError, Regressors};

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
        Ok(Box::new(ArimaFitted::new(
            self.class(),
            self.forward_method(),
            fitted,
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
}

/// A fitted ARIMA: the estimated model and the series it was fitted to.
#[derive(Debug, Clone)]
pub(crate) struct ArimaFitted {
    class: &'static str,
    /// The estimation method `forward` re-evaluates the coefficients with.
    method: Method,
    fitted: Fitted,
    y: Vec<f64>,
    /// Number of the user's regressors the model was fitted with.
    regressors: usize,
}

impl ArimaFitted {
    fn new(
        class: &'static str,
        method: Method,
        fitted: Fitted,
        y: &[f64],
        regressors: usize,
    ) -> Self {
        Self {
            class,
            method,
            fitted,
            y: y.to_vec(),
            regressors,
        }
    }

    /// The future regression term `xreg · beta` (intercept, drift, then the regressors);
    /// NaN when the future values of a regressor the model uses are missing.
    fn regression_forecast(&self, h: usize, x_future: &Regressors) -> Vec<f64> {
        let fit = &self.fitted.fit;
        let n = self.y.len();
        let beta = &fit.coef[fit.n_arma()..];
        let mut columns: Vec<Vec<f64>> = Vec::with_capacity(beta.len());
        if fit
            .names
            .get(fit.n_arma())
            .is_some_and(|n| n == "intercept")
        {
            columns.push(vec![1.0; h]);
        }
        if self.fitted.has_drift() {
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
}

impl FittedModel for ArimaFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        self.predict_with_regressors(h, &[], levels)
    }

    fn predict_with_regressors(&self, h: usize, x_future: &Regressors, levels: &[f64]) -> Forecast {
        let y = &self.y;
        let (mean, se): (Vec<f64>, Vec<f64>) = if is_constant(y) {
            (vec![y[0]; h], vec![0.0; h])
        } else {
            let (pred, var) = kalman_forecast(h, &self.fitted.fit.model);
            let regression = self.regression_forecast(h, x_future);
            let sigma2 = self.fitted.fit.sigma2;
            let mean = pred.iter().zip(&regression).map(|(p, r)| p + r).collect();
            let se = var.iter().map(|v| (v * sigma2).sqrt()).collect();
            (mean, se)
        };
        let intervals = gaussian_bands(&mean, levels, |k| se[k]);
        Forecast { mean, intervals }
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        let mean: Vec<f64> = self
            .y
            .iter()
            .zip(&self.fitted.fit.residuals)
            .map(|(y, r)| y - r)
            .collect();
        let se = self.fitted.fit.sigma2.sqrt();
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
        let fit = &self.fitted.fit;
        let order = fit.order;
        let seasonal = order.period > 1 && (order.sp + order.sq + order.sd) > 0;
        // statsforecast's `arima2`: the same orders with every coefficient fixed; a
        // non-seasonal model is refitted with period 1.
        let order = if seasonal {
            order
        } else {
            ArmaOrder { period: 1, ..order }
        };
        let mut xreg = Vec::new();
        if self.fitted.has_drift() {
            xreg.push((1..=y.len()).map(|t| t as f64).collect());
        }
        xreg.extend(x.iter().cloned());
        let has_coef = !fit.coef.is_empty();
        let options = ArimaOptions {
            order,
            include_mean: has_coef && fit.has_coef("intercept"),
            include_drift: false,
            include_constant: None,
            method: self.method,
            fixed: has_coef.then(|| fit.coef.clone()),
        };
        let mut refit = arima_with_criteria(y, &options, &xreg)
            .map_err(|e| to_model_error(self.class, y.len(), e))?;
        refit.fit.sigma2 = fit.sigma2;
        refit.fit.names = fit.names.clone();
        Ok(Box::new(Self::new(
            self.class,
            self.method,
            refit,
            y,
            self.regressors,
        )))
    }
}
