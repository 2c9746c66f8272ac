//! Model fitting with criteria (statsforecast's `Arima()` and `myarima()`) and the automatic
//! order selection of `auto_arima_f`: unit-root tests for the differences, then the
//! stepwise Hyndman–Khandakar search or the exhaustive one.

use super::estimate::{
    ArimaFit, ArimaSpec, FitError, Method, fit_arima, min_root, residual_variance,
};
use super::statespace::{ArmaOrder, difference, kpss_level_pvalue, ols};
use crate::models::reductions::{is_constant, mean};
use crate::models::stl::seasonal_strength;

/// Which information criterion ranks the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Criterion {
    Aic,
    Aicc,
    Bic,
}

impl Criterion {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "aic" => Some(Self::Aic),
            "aicc" => Some(Self::Aicc),
            "bic" => Some(Self::Bic),
            _ => None,
        }
    }
}

/// A fit with what `Arima()` / `myarima()` add: the criteria and the reported variance.
#[derive(Debug, Clone)]
pub(crate) struct Fitted {
    pub(crate) fit: ArimaFit,
    pub(crate) aicc: f64,
    pub(crate) bic: f64,
}

/// `1, 2, …, n`: the drift regressor.
fn drift_column(n: usize) -> Vec<f64> {
    (1..=n).map(|t| t as f64).collect()
}

/// Renames the regressor coefficients after a drift column was put first: `ex_1` is the
/// drift, `ex_k` the user's `ex_{k-1}` (statsforecast's `change_drift_name`).
fn name_drift(fit: &mut ArimaFit) {
    for name in &mut fit.names {
        if let Some(index) = name
            .strip_prefix("ex_")
            .and_then(|k| k.parse::<usize>().ok())
        {
            *name = if index == 1 {
                "drift".to_owned()
            } else {
                format!("ex_{}", index - 1)
            };
        }
    }
}

/// The options of statsforecast's `Arima()` wrapper.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArimaOptions {
    pub(crate) order: ArmaOrder,
    pub(crate) include_mean: bool,
    pub(crate) include_drift: bool,
    pub(crate) include_constant: Option<bool>,
    pub(crate) method: Method,
    pub(crate) fixed: Option<Vec<f64>>,
}

/// statsforecast's `Arima()`: the data-length checks, the constant/drift options, the fit,
/// then AICc, BIC and the residual variance.
pub(crate) fn arima_with_criteria(
    x: &[f64],
    options: &ArimaOptions,
    xreg: &[Vec<f64>],
) -> Result<Fitted, FitError> {
    let order = options.order;
    let n = x.len();
    if n <= order.d + order.sd * order.period {
        return Err(FitError::TooShort {
            needed: order.d + order.sd * order.period + 1,
        });
    }
    let (mut include_mean, mut include_drift) = (options.include_mean, options.include_drift);
    if let Some(constant) = options.include_constant {
        if constant {
            include_mean = true;
            if order.d + order.sd == 1 {
                include_drift = true;
            }
        } else {
            include_mean = false;
            include_drift = false;
        }
    }
    if order.d + order.sd > 1 {
        include_drift = false;
    }
    let mut columns = Vec::with_capacity(xreg.len() + 1);
    if include_drift {
        columns.push(drift_column(n));
    }
    columns.extend(xreg.iter().cloned());
    let spec = ArimaSpec {
        order,
        include_mean,
        method: options.method,
        fixed: options.fixed.clone(),
    };
    let mut fit = fit_arima(x, &spec, &columns)?;
    if include_drift {
        name_drift(&mut fit);
    }
    let npar = fit.mask.iter().filter(|&&m| m).count() as f64 + 1.0;
    let first = fit.residuals.iter().position(|r| !r.is_nan());
    let last = fit.residuals.iter().rposition(|r| !r.is_nan());
    let (Some(first), Some(last)) = (first, last) else {
        // statsforecast fails here too (numpy's `min` of an empty index set).
        return Err(FitError::Failed(
            "the estimation diverged: every residual is NaN (statsforecast raises \
             'zero-size array to reduction operation minimum which has no identity')"
                .into(),
        ));
    };
    let used = fit.residuals[first..=last]
        .iter()
        .filter(|r| !r.is_nan())
        .count();
    let nstar = used as f64 - order.d as f64 - (order.sd * order.period) as f64;
    if nstar <= 0.0 {
        return Err(FitError::Failed(
            "no observation is left after differencing (statsforecast raises 'math domain \
             error')"
                .into(),
        ));
    }
    let aicc = fit.aic + 2.0 * npar * (nstar / (nstar - npar - 1.0) - 1.0);
    let bic = fit.aic + npar * (nstar.ln() - 2.0);
    fit.sigma2 = residual_variance(&fit.residuals, nstar, npar);
    Ok(Fitted { fit, aicc, bic })
}

/// One candidate of the search: the fit (when it succeeded) and its criterion value.
struct Candidate {
    fitted: Option<Fitted>,
    ic: f64,
}

/// The settings every candidate of one search shares.
struct SearchContext<'a> {
    x: &'a [f64],
    xreg: &'a [Vec<f64>],
    period: usize,
    criterion: Criterion,
    method: Option<Method>,
    offset: f64,
}

impl SearchContext<'_> {
    /// statsforecast's `myarima()`: fit one order, score it, and rule it out (criterion
    /// infinite) when it failed, is nearly non-stationary or non-invertible, or has a
    /// coefficient covariance with a negative or NaN variance.
    fn candidate(
        &self,
        order: ArmaOrder,
        constant: bool,
        approximation: bool,
    ) -> Result<Candidate, FitError> {
        let method = self.method.unwrap_or(if approximation {
            Method::Css
        } else {
            Method::CssMl
        });
        match self.try_candidate(order, constant, method) {
            Err(FitError::NotFitted(_)) => Ok(Candidate {
                fitted: None,
                ic: f64::INFINITY,
            }),
            other => other,
        }
    }

    fn try_candidate(
        &self,
        order: ArmaOrder,
        constant: bool,
        method: Method,
    ) -> Result<Candidate, FitError> {
        let x = self.x;
        let diffs = order.d + order.sd;
        let drift = diffs == 1 && constant;
        let mut columns = Vec::with_capacity(self.xreg.len() + 1);
        if drift {
            columns.push(drift_column(x.len()));
        }
        columns.extend(self.xreg.iter().cloned());
        let spec = ArimaSpec {
            order,
            include_mean: constant || drift,
            method,
            fixed: None,
        };
        let mut fit = fit_arima(x, &spec, &columns)?;
        if drift {
            name_drift(&mut fit);
        }
        let nstar = x.len() as f64 - order.d as f64 - (order.sd * self.period) as f64;
        let npar = fit.mask.iter().filter(|&&m| m).count() as f64 + 1.0;
        if method == Method::Css {
            fit.aic = if fit.sigma2 <= 0.0 {
                f64::NEG_INFINITY
            } else {
                self.offset + nstar * fit.sigma2.ln() + 2.0 * npar
            };
        }
        let (aicc, bic, mut ic) = if fit.aic.is_nan() {
            (f64::INFINITY, f64::INFINITY, f64::INFINITY)
        } else {
            if nstar <= 0.0 {
                // `math.log` of a non-positive count raises; the search skips the model.
                return Err(FitError::NotFitted("math domain error".into()));
            }
            let bic = fit.aic + npar * (nstar.ln() - 2.0);
            let denominator = nstar - npar - 1.0;
            let aicc = if denominator != 0.0 {
                fit.aic + 2.0 * npar * (npar + 1.0) / denominator
            } else {
                f64::INFINITY
            };
            let ic = match self.criterion {
                Criterion::Aic => fit.aic,
                Criterion::Aicc => aicc,
                Criterion::Bic => bic,
            };
            (aicc, bic, ic)
        };
        if fit.aic.is_nan() {
            fit.aic = f64::INFINITY;
        }
        fit.sigma2 = residual_variance(&fit.residuals, nstar, npar);
        let mut smallest_root = 2.0f64;
        if order.p + order.sp > 0 {
            smallest_root = smallest_root.min(min_root(&fit.model.phi, -1.0));
        }
        if order.q + order.sq > 0 && ic < f64::INFINITY {
            smallest_root = smallest_root.min(min_root(&fit.model.theta, 1.0));
        }
        if smallest_root < 1.01 || has_undefined_variance(&fit) {
            ic = f64::INFINITY;
        }
        Ok(Candidate {
            fitted: Some(Fitted { fit, aicc, bic }),
            ic,
        })
    }
}

/// statsforecast's `checkarima`: a coefficient variance that is negative or NaN.
fn has_undefined_variance(fit: &ArimaFit) -> bool {
    let Some(var) = &fit.var_coef else {
        return false;
    };
    let k = (var.len() as f64).sqrt() as usize;
    (0..k).any(|i| var[i * k + i].sqrt().is_nan())
}

/// The options of statsforecast's `AutoARIMA` that steer the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AutoOptions {
    pub(crate) d: Option<usize>,
    pub(crate) sd: Option<usize>,
    pub(crate) max_p: usize,
    pub(crate) max_q: usize,
    pub(crate) max_sp: usize,
    pub(crate) max_sq: usize,
    pub(crate) max_order: usize,
    pub(crate) max_d: usize,
    pub(crate) max_sd: usize,
    pub(crate) start_p: usize,
    pub(crate) start_q: usize,
    pub(crate) start_sp: usize,
    pub(crate) start_sq: usize,
    pub(crate) stationary: bool,
    pub(crate) seasonal: bool,
    pub(crate) criterion: Criterion,
    pub(crate) stepwise: bool,
    pub(crate) nmodels: usize,
    /// `None`: approximate when the series is longer than 150 or the period exceeds 12.
    pub(crate) approximation: Option<bool>,
    pub(crate) method: Option<Method>,
    pub(crate) truncate: Option<usize>,
    pub(crate) allow_drift: bool,
    pub(crate) allow_mean: bool,
    pub(crate) period: usize,
}

impl AutoOptions {
    /// The season length of the orders searched (1 unless `seasonal`).
    pub(crate) fn season_length(&self) -> usize {
        if self.seasonal { self.period } else { 1 }.max(1)
    }
}

/// statsforecast's `nsdiffs` with its `seas` test: seasonal differences while the
/// seasonal strength exceeds 0.64.
fn seasonal_differences(x: &[f64], period: usize, max_sd: usize) -> usize {
    if is_constant(x) || period <= 1 || period >= x.len() {
        return 0;
    }
    let strong = |x: &[f64]| seasonal_strength(x, period).is_ok_and(|s| s > 0.64);
    let mut sd = 0;
    let mut x = x.to_vec();
    let mut again = strong(&x);
    while again && sd < max_sd {
        sd += 1;
        x = difference(&x, period, 1);
        if is_constant(&x) {
            return sd;
        }
        again = x.len() >= 2 * period && sd < max_sd && strong(&x);
    }
    sd
}

/// statsforecast's `ndiffs` with the KPSS test at 5%: first differences while the test
/// rejects stationarity. Each round drops one more value than the difference does, as
/// statsforecast's `diff(x, 1, 1)[1:]` does.
fn differences(x: &[f64], max_d: usize) -> Result<usize, FitError> {
    let rejects = |x: &[f64]| {
        let lags = (3.0 * (x.len() as f64).sqrt() / 13.0).floor() as usize;
        kpss_level_pvalue(x, lags) < 0.05
    };
    if x.is_empty() {
        return Err(FitError::Failed(
            "index 0 is out of bounds for axis 0 with size 0".into(),
        ));
    }
    if is_constant(x) {
        return Ok(0);
    }
    let mut d = 0;
    let mut x = x.to_vec();
    let mut again = rejects(&x);
    while again && d < max_d {
        d += 1;
        let differenced = difference(&x, 1, 1);
        x = differenced.get(1..).unwrap_or_default().to_vec();
        if x.is_empty() {
            return Err(FitError::Failed(
                "index 0 is out of bounds for axis 0 with size 0".into(),
            ));
        }
        if is_constant(&x) {
            return Ok(d);
        }
        again = rejects(&x);
    }
    Ok(d)
}

/// statsforecast's `auto_arima_f` for a series without missing values.
pub(crate) fn auto_arima(
    x: &[f64],
    xreg: &[Vec<f64>],
    options: &AutoOptions,
) -> Result<Fitted, FitError> {
    let series_len = x.len();
    let approximation = options
        .approximation
        .unwrap_or(series_len > 150 || options.period > 12);
    let m = options.season_length();
    if is_constant(x) {
        let order = ArmaOrder {
            p: 0,
            q: 0,
            sp: 0,
            sq: 0,
            period: m,
            d: 0,
            sd: 0,
        };
        let fixed = options.allow_mean.then(|| vec![mean(x)]);
        let arima_options = ArimaOptions {
            order,
            include_mean: options.allow_mean,
            include_drift: false,
            include_constant: None,
            method: Method::Css,
            fixed,
        };
        return arima_with_criteria(x, &arima_options, &[]);
    }
    let mut max_p = options.max_p.min(series_len / 3);
    let mut max_q = options.max_q.min(series_len / 3);
    let mut max_sp = options.max_sp.min(series_len / 3 / m);
    let mut max_sq = options.max_sq.min(series_len / 3 / m);
    let criterion = if series_len <= 3 {
        Criterion::Aic
    } else {
        options.criterion
    };

    // With regressors the tests see the residuals of a regression on them.
    let (tested, useful_xreg): (Vec<f64>, Vec<Vec<f64>>) = if xreg.is_empty() {
        (x.to_vec(), Vec::new())
    } else {
        let varying: Vec<Vec<f64>> = xreg.iter().filter(|c| !is_constant(c)).cloned().collect();
        if varying.is_empty() {
            (x.to_vec(), Vec::new())
        } else {
            ensure_full_rank(&varying)?;
            let ones = vec![1.0; series_len];
            let mut design: Vec<&[f64]> = vec![&ones];
            design.extend(varying.iter().map(Vec::as_slice));
            let beta =
                ols(x, &design).ok_or_else(|| FitError::Failed("xreg is rank deficient".into()))?;
            let residual = (0..series_len)
                .map(|t| {
                    x[t] - design
                        .iter()
                        .zip(&beta)
                        .fold(0.0, |acc, (c, b)| acc + c[t] * b)
                })
                .collect();
            (residual, varying)
        }
    };

    let (mut d, mut sd) = if options.stationary {
        (Some(0), Some(0))
    } else {
        (options.d, options.sd)
    };
    if m == 1 {
        sd = Some(0);
        max_sp = 0;
        max_sq = 0;
    } else if sd.is_none() && tested.len() <= 2 * m {
        sd = Some(0);
    } else if sd.is_none() {
        let mut chosen = seasonal_differences(&tested, m, options.max_sd);
        if chosen > 0 && useful_xreg.iter().any(|c| is_constant(c)) {
            chosen -= 1;
        }
        if chosen > 0 && difference(&tested, m, chosen).is_empty() {
            chosen -= 1;
        }
        sd = Some(chosen);
    }
    let sd = sd.unwrap_or(0);
    let mut dx = if sd > 0 {
        difference(&tested, m, sd)
    } else {
        tested.clone()
    };
    let mut diff_xreg: Vec<Vec<f64>> = if sd > 0 {
        useful_xreg.iter().map(|c| difference(c, m, sd)).collect()
    } else {
        useful_xreg.clone()
    };
    let d = match d.take() {
        Some(d) => d,
        None => {
            let mut chosen = differences(&dx, options.max_d)?;
            if chosen > 0 && !diff_xreg.is_empty() {
                diff_xreg = diff_xreg.iter().map(|c| difference(c, 1, chosen)).collect();
                if diff_xreg.iter().any(|c| is_constant(c)) {
                    chosen -= 1;
                }
            }
            if chosen > 0 && difference(&dx, 1, chosen).is_empty() {
                chosen -= 1;
            }
            chosen
        }
    };
    if d > 0 {
        dx = difference(&dx, 1, d);
    }
    if dx.is_empty() {
        return Err(FitError::Failed("not enough data to proceed".into()));
    }
    let base = ArmaOrder {
        p: 0,
        q: 0,
        sp: 0,
        sq: 0,
        period: m,
        d,
        sd,
    };
    if is_constant(&dx) {
        return fit_polynomial(x, xreg, &dx, base, options.method);
    }
    if m > 1 {
        if max_p > 0 {
            max_p = max_p.min(m - 1);
        }
        if max_q > 0 {
            max_q = max_q.min(m - 1);
        }
    }
    let mut x = x;
    let offset = if approximation {
        if let Some(limit) = options.truncate
            && x.len() > limit
        {
            x = &x[x.len() - limit..];
        }
        let spec = ArimaSpec {
            order: base,
            include_mean: true,
            method: Method::Css,
            fixed: None,
        };
        match fit_arima(x, &spec, xreg) {
            Ok(fit) => -2.0 * fit.loglik - series_len as f64 * fit.sigma2.ln(),
            Err(_) => 0.0,
        }
    } else {
        0.0
    };
    let allow_drift = options.allow_drift && d + sd == 1;
    let allow_mean = options.allow_mean && d + sd == 0;
    let context = SearchContext {
        x,
        xreg,
        period: m,
        criterion,
        method: options.method,
        offset,
    };
    let limits = Limits {
        max_p,
        max_q,
        max_sp,
        max_sq,
        max_order: options.max_order,
    };
    let best = if options.stepwise {
        stepwise(
            &context,
            base,
            &limits,
            options,
            allow_drift || allow_mean,
            approximation,
        )
    } else {
        exhaustive(
            &context,
            base,
            &limits,
            allow_drift,
            allow_mean,
            approximation,
        )
    };
    best?.ok_or_else(|| FitError::Failed("No suitable ARIMA model found".into()))
}

/// The largest orders the search may try.
struct Limits {
    max_p: usize,
    max_q: usize,
    max_sp: usize,
    max_sq: usize,
    max_order: usize,
}

/// `auto_arima_f`'s branch for a series whose differences are constant: a pure
/// differencing model, with the constant fixed at the mean difference where it applies.
fn fit_polynomial(
    x: &[f64],
    xreg: &[Vec<f64>],
    dx: &[f64],
    order: ArmaOrder,
    method: Option<Method>,
) -> Result<Fitted, FitError> {
    let method = method.unwrap_or(Method::Ml);
    let (d, sd, m) = (order.d, order.sd, order.period);
    let mut options = ArimaOptions {
        order,
        include_mean: true,
        include_drift: false,
        include_constant: None,
        method,
        fixed: None,
    };
    if xreg.is_empty() {
        if sd > 0 && d == 0 {
            let scaled: Vec<f64> = dx.iter().map(|v| v / m as f64).collect();
            options.include_constant = Some(true);
            options.fixed = Some(vec![mean(&scaled)]);
        } else if sd > 0 || d == 2 {
            // A pure differencing model without constant.
        } else if d < 2 {
            options.include_constant = Some(true);
            options.fixed = Some(vec![mean(dx)]);
        } else {
            return Err(FitError::Failed(
                "Data follow a simple polynomial and are not suitable for ARIMA modelling.".into(),
            ));
        }
    }
    arima_with_criteria(x, &options, xreg)
}

/// Rejects regressors whose design matrix (with an intercept) is numerically rank
/// deficient, as statsforecast does before searching.
fn ensure_full_rank(columns: &[Vec<f64>]) -> Result<(), FitError> {
    let n = columns[0].len();
    let k = columns.len() + 1;
    let column = |j: usize, t: usize| if j == 0 { 1.0 } else { columns[j - 1][t] };
    let mut gram = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            gram[i * k + j] = (0..n).fold(0.0, |acc, t| acc + column(i, t) * column(j, t));
        }
    }
    let singular: Vec<f64> = super::estimate::symmetric_eigen(&gram, k)
        .0
        .into_iter()
        .map(|e| e.max(0.0).sqrt())
        .collect();
    let total: f64 = singular.iter().sum();
    let smallest = singular.iter().copied().fold(f64::INFINITY, f64::min);
    if total.is_nan() || total <= 0.0 || smallest / total < f64::EPSILON {
        return Err(FitError::Failed("xreg is rank deficient".into()));
    }
    Ok(())
}

fn with_orders(base: ArmaOrder, p: usize, q: usize, sp: usize, sq: usize) -> ArmaOrder {
    ArmaOrder {
        p,
        q,
        sp,
        sq,
        ..base
    }
}

/// statsforecast's `search_arima`: every order within the limits, with and without the
/// constant, the lowest criterion wins (the first on ties).
fn exhaustive(
    context: &SearchContext<'_>,
    base: ArmaOrder,
    limits: &Limits,
    allow_drift: bool,
    allow_mean: bool,
    approximation: bool,
) -> Result<Option<Fitted>, FitError> {
    let max_constant = usize::from(allow_drift || allow_mean);
    let mut best: Option<(f64, Fitted, bool)> = None;
    for p in 0..=limits.max_p {
        for q in 0..=limits.max_q {
            for sp in 0..=limits.max_sp {
                for sq in 0..=limits.max_sq {
                    if p + q + sp + sq > limits.max_order {
                        continue;
                    }
                    for constant in 0..=max_constant {
                        let order = with_orders(base, p, q, sp, sq);
                        let candidate = context.candidate(order, constant == 1, approximation)?;
                        let best_ic = best.as_ref().map_or(f64::INFINITY, |b| b.0);
                        if candidate.ic < best_ic
                            && let Some(fitted) = candidate.fitted
                        {
                            best = Some((candidate.ic, fitted, constant == 1));
                        }
                    }
                }
            }
        }
    }
    let Some((_, fitted, constant)) = best else {
        return Ok(None);
    };
    if !approximation {
        return Ok(Some(fitted));
    }
    let refit = context.candidate(fitted.fit.order, constant, false)?;
    if refit.ic.is_finite() {
        Ok(refit.fitted)
    } else {
        exhaustive(context, base, limits, allow_drift, allow_mean, false)
    }
}

/// One row of the stepwise search's table of tried models.
#[derive(Debug, Clone, Copy)]
struct Tried {
    p: usize,
    q: usize,
    sp: usize,
    sq: usize,
    constant: bool,
    ic: f64,
}

/// The stepwise Hyndman–Khandakar search of `auto_arima_f`.
fn stepwise(
    context: &SearchContext<'_>,
    base: ArmaOrder,
    limits: &Limits,
    options: &AutoOptions,
    allow_constant: bool,
    approximation: bool,
) -> Result<Option<Fitted>, FitError> {
    let mut constant = allow_constant;
    let short = context.x.len() < 10;
    let (start_p, start_q) = if short {
        (options.start_p.min(1), options.start_q.min(1))
    } else {
        (options.start_p, options.start_q)
    };
    let (start_sp, start_sq) = if short {
        (0, 0)
    } else {
        (options.start_sp, options.start_sq)
    };
    let (mut p, mut q) = (start_p.min(limits.max_p), start_q.min(limits.max_q));
    let (mut sp, mut sq) = (start_sp.min(limits.max_sp), start_sq.min(limits.max_sq));
    let nmodels = options.nmodels;
    let mut tried: Vec<Tried> = Vec::with_capacity(nmodels);
    let try_model = |tried: &mut Vec<Tried>,
                     p: usize,
                     q: usize,
                     sp: usize,
                     sq: usize,
                     constant: bool|
     -> Result<Candidate, FitError> {
        let candidate =
            context.candidate(with_orders(base, p, q, sp, sq), constant, approximation)?;
        tried.push(Tried {
            p,
            q,
            sp,
            sq,
            constant,
            ic: candidate.ic,
        });
        Ok(candidate)
    };

    let first = try_model(&mut tried, p, q, sp, sq, constant)?;
    let mut best_ic = first.ic;
    let mut best = first.fitted;
    let consider = |candidate: Candidate, best_ic: &mut f64, best: &mut Option<Fitted>| {
        if candidate.ic < *best_ic {
            *best_ic = candidate.ic;
            *best = candidate.fitted;
            true
        } else {
            false
        }
    };
    if consider(
        try_model(&mut tried, 0, 0, 0, 0, constant)?,
        &mut best_ic,
        &mut best,
    ) {
        (p, q, sp, sq) = (0, 0, 0, 0);
    }
    if limits.max_p > 0 || limits.max_sp > 0 {
        let p1 = usize::from(limits.max_p > 0);
        let sp1 = usize::from(base.period > 1 && limits.max_sp > 0);
        if consider(
            try_model(&mut tried, p1, 0, sp1, 0, constant)?,
            &mut best_ic,
            &mut best,
        ) {
            (p, q, sp, sq) = (p1, 0, sp1, 0);
        }
    }
    if limits.max_q > 0 || limits.max_sq > 0 {
        let q1 = usize::from(limits.max_q > 0);
        let sq1 = usize::from(base.period > 1 && limits.max_sq > 0);
        if consider(
            try_model(&mut tried, 0, q1, 0, sq1, constant)?,
            &mut best_ic,
            &mut best,
        ) {
            (p, q, sp, sq) = (0, q1, 0, sq1);
        }
    }
    if constant
        && consider(
            try_model(&mut tried, 0, 0, 0, 0, false)?,
            &mut best_ic,
            &mut best,
        )
    {
        (p, q, sp, sq) = (0, 0, 0, 0);
    }

    let is_new = |tried: &[Tried], p: usize, q: usize, sp: usize, sq: usize, c: bool| {
        !tried
            .iter()
            .any(|t| t.p == p && t.q == q && t.sp == sp && t.sq == sq && t.constant == c)
    };
    let (max_p, max_q, max_sp, max_sq) = (limits.max_p, limits.max_q, limits.max_sp, limits.max_sq);
    let mut start = 0;
    while start < tried.len() && tried.len() < nmodels {
        start = tried.len();
        // The neighbours in statsforecast's order: seasonal moves, then non-seasonal
        // ones, then toggling the constant. The first improvement restarts the round.
        let moves: [(isize, isize, isize, isize, bool); 17] = [
            (0, 0, -1, 0, false),
            (0, 0, 0, -1, false),
            (0, 0, 1, 0, false),
            (0, 0, 0, 1, false),
            (0, 0, -1, -1, false),
            (0, 0, -1, 1, false),
            (0, 0, 1, -1, false),
            (0, 0, 1, 1, false),
            (-1, 0, 0, 0, false),
            (0, -1, 0, 0, false),
            (1, 0, 0, 0, false),
            (0, 1, 0, 0, false),
            (-1, -1, 0, 0, false),
            (-1, 1, 0, 0, false),
            (1, -1, 0, 0, false),
            (1, 1, 0, 0, false),
            (0, 0, 0, 0, true),
        ];
        for (dp, dq, dsp, dsq, toggle) in moves {
            let within = |value: usize, step: isize, max: usize| match step {
                -1 => value > 0,
                1 => value < max,
                _ => true,
            };
            if !(within(p, dp, max_p)
                && within(q, dq, max_q)
                && within(sp, dsp, max_sp)
                && within(sq, dsq, max_sq))
            {
                continue;
            }
            if toggle && !allow_constant {
                continue;
            }
            let np = p.wrapping_add_signed(dp);
            let nq = q.wrapping_add_signed(dq);
            let nsp = sp.wrapping_add_signed(dsp);
            let nsq = sq.wrapping_add_signed(dsq);
            let nc = if toggle { !constant } else { constant };
            if !is_new(&tried, np, nq, nsp, nsq, nc) {
                continue;
            }
            if tried.len() >= nmodels {
                // statsforecast's `try_params` does nothing once the table is full.
                continue;
            }
            let candidate = try_model(&mut tried, np, nq, nsp, nsq, nc)?;
            if consider(candidate, &mut best_ic, &mut best) {
                (p, q, sp, sq, constant) = (np, nq, nsp, nsq, nc);
                break;
            }
        }
    }

    if approximation && best.is_some() {
        let mut ranked: Vec<&Tried> = tried.iter().collect();
        ranked.sort_by(|a, b| a.ic.total_cmp(&b.ic));
        let mut refit = None;
        for t in ranked {
            let candidate =
                context.candidate(with_orders(base, t.p, t.q, t.sp, t.sq), t.constant, false)?;
            if candidate.ic < f64::INFINITY {
                refit = candidate.fitted;
                break;
            }
        }
        if refit.is_some() {
            best = refit;
            best_ic = 0.0;
        }
    }
    if best_ic.is_infinite() && context.method != Some(Method::Css) {
        return Ok(None);
    }
    Ok(best)
}
