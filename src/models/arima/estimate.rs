//! One ARIMA fit: statsforecast's `arima()` (conditional sum of squares, exact likelihood by
//! the Kalman filter, or CSS starting values refined by maximum likelihood) and the
//! information criteria its `Arima()` and `myarima()` add.

use super::statespace::{
    ArmaOrder, StateSpace, css, difference, differencing_polynomial, inverse_transform,
    kalman_likelihood, ols, transform_gradient, transform_params, undo_params,
};
use crate::models::optim::{BfgsOutcome, BfgsStatus, minimize_bfgs, openblas_dot};
use crate::models::polynomial::max_root_modulus;
use crate::models::reductions::nan_sum_of_squares;

/// statsforecast's diffuse prior variance of the differenced states (`kappa`).
pub(super) const KAPPA: f64 = 1e6;
/// `minimize(..., tol=1e-8)`: the gradient tolerance of every BFGS run.
const GTOL: f64 = 1e-8;
/// `optim_control={"maxiter": 100}`.
const MAX_ITER: usize = 100;

/// How the ARMA coefficients are estimated (statsforecast's `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// Conditional sum of squares only.
    Css,
    /// Exact Gaussian likelihood.
    Ml,
    /// CSS for starting values, then maximum likelihood.
    CssMl,
}

impl Method {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "CSS" => Some(Self::Css),
            "ML" => Some(Self::Ml),
            "CSS-ML" => Some(Self::CssMl),
            _ => None,
        }
    }
}

/// The orders and options of one fit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArimaSpec {
    pub(crate) order: ArmaOrder,
    pub(crate) include_mean: bool,
    pub(crate) method: Method,
    /// One value per coefficient (ARMA, then intercept, then regressors); NaN = estimated.
    /// `None` estimates every coefficient.
    pub(crate) fixed: Option<Vec<f64>>,
}

/// Why a fit failed. `NotFitted` is what statsforecast raises as `ValueError`, which its
/// search scores as an infinitely bad candidate; `Failed` ends the search for the series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FitError {
    NotFitted(String),
    /// The series is shorter than the orders need (statsforecast: `Not enough data to fit
    /// the model`, or its CSS kernel's internal error).
    TooShort {
        needed: usize,
    },
    Failed(String),
}

/// A fitted ARIMA: coefficients, their covariance, the filter's final state and the
/// criteria, as the dict statsforecast's `Arima()` returns.
#[derive(Debug, Clone)]
pub(crate) struct ArimaFit {
    pub(crate) order: ArmaOrder,
    /// ARMA coefficients, then `intercept`, then the regressors, named by [`Self::names`].
    pub(crate) coef: Vec<f64>,
    pub(crate) names: Vec<String>,
    /// Which coefficients were estimated (not fixed).
    pub(crate) mask: Vec<bool>,
    /// Covariance of the estimated coefficients (row-major, `mask` count squared), when
    /// the fit optimised something.
    pub(crate) var_coef: Option<Vec<f64>>,
    pub(crate) sigma2: f64,
    pub(crate) loglik: f64,
    pub(crate) aic: f64,
    pub(crate) residuals: Vec<f64>,
    pub(crate) nobs: usize,
    /// The state-space form after filtering the whole series: forecasts start here.
    pub(crate) model: StateSpace,
}

impl ArimaFit {
    /// Number of ARMA coefficients (`p + q + P + Q`).
    pub(crate) fn n_arma(&self) -> usize {
        arma_len(&self.order)
    }

    pub(crate) fn has_coef(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

fn arma_len(order: &ArmaOrder) -> usize {
    order.p + order.q + order.sp + order.sq
}

/// Coefficient names in statsforecast's order: `ar1.., ma1.., sar1.., sma1..`.
pub(super) fn arma_names(order: &ArmaOrder) -> Vec<String> {
    let mut names = Vec::with_capacity(arma_len(order));
    for (prefix, count) in [
        ("ar", order.p),
        ("ma", order.q),
        ("sar", order.sp),
        ("sma", order.sq),
    ] {
        names.extend((1..=count).map(|i| format!("{prefix}{i}")));
    }
    names
}

/// The data and settings the two objective functions share.
struct Problem<'a> {
    x: &'a [f64],
    xreg: &'a [Vec<f64>],
    order: ArmaOrder,
    coef: Vec<f64>,
    mask: Vec<bool>,
    n_arma: usize,
}

impl Problem<'_> {
    /// The full coefficient vector with the free ones taken from `free`.
    fn with_free(&self, free: &[f64]) -> Vec<f64> {
        let mut par = self.coef.clone();
        scatter(&mut par, &self.mask, free);
        par
    }

    /// `x - xreg · beta`, the series the ARMA part sees.
    fn regression_residual(&self, par: &[f64]) -> Vec<f64> {
        subtract_regression(self.x, self.xreg, &par[self.n_arma..])
    }

    /// statsforecast's `arma_css_op`: half the log of the conditional mean square.
    fn css_objective(&self, free: &[f64]) -> f64 {
        let par = self.with_free(free);
        let (phi, theta) = transform_params(&par, &self.order, false);
        let x = self.regression_residual(&par);
        let (value, _) = css(&x, &self.order, &phi, &theta);
        if value.is_infinite() {
            f64::MAX
        } else if value <= 0.0 {
            f64::NEG_INFINITY
        } else {
            0.5 * value.ln()
        }
    }

    /// statsforecast's `armafn`: the concentrated Gaussian negative log-likelihood per
    /// observation, evaluated with the Kalman filter.
    fn ml_objective(&self, free: &[f64], transform: bool, model: &mut StateSpace) -> f64 {
        let par = self.with_free(free);
        let (phi, theta) = transform_params(&par, &self.order, transform);
        model.update(&phi, &theta);
        let x = self.regression_residual(&par);
        let like = kalman_likelihood(&x, model, false);
        if like.nu == 0 {
            return f64::INFINITY;
        }
        let nu = like.nu as f64;
        let s2 = like.ssq / nu;
        if s2 <= 0.0 {
            return f64::NAN;
        }
        0.5 * (s2.ln() + like.sumlog / nu)
    }
}

/// `x - Σ_j xreg[j] · beta[j]`, adding the columns in order as numpy's `dot` does for the
/// small column counts used here.
pub(crate) fn subtract_regression(x: &[f64], xreg: &[Vec<f64>], beta: &[f64]) -> Vec<f64> {
    if xreg.is_empty() {
        return x.to_vec();
    }
    (0..x.len())
        .map(|t| {
            let fit = xreg
                .iter()
                .zip(beta)
                .fold(0.0, |acc, (column, b)| acc + column[t] * b);
            x[t] - fit
        })
        .collect()
}

fn run_bfgs(objective: &mut dyn FnMut(&[f64]) -> f64, start: &[f64]) -> BfgsOutcome {
    minimize_bfgs(objective, start, GTOL, MAX_ITER)
}

/// The result of an optimisation, or the fixed evaluation when nothing is free.
struct Optimum {
    x: Vec<f64>,
    fun: f64,
    hess_inv: Vec<f64>,
}

impl From<BfgsOutcome> for Optimum {
    fn from(outcome: BfgsOutcome) -> Self {
        Self {
            x: outcome.x,
            fun: outcome.fun,
            hess_inv: outcome.hess_inv,
        }
    }
}

/// statsforecast's `arima(x, order, seasonal, xreg, include_mean, method, fixed)` with its
/// defaults (`transform_pars=True`, `SSinit='Gardner1980'`, `kappa=1e6`, BFGS with
/// `tol=1e-8`, `maxiter=100`, normal errors).
///
/// `xreg` holds the regressor columns (each as long as `x`). Returns the fit or the
/// `ValueError` statsforecast raises.
pub(crate) fn fit_arima(
    x: &[f64],
    spec: &ArimaSpec,
    xreg: &[Vec<f64>],
) -> Result<ArimaFit, FitError> {
    let order = spec.order;
    let n = x.len();
    let n_arma = arma_len(&order);
    let delta = differencing_polynomial(order.d, order.sd, order.period);
    let n_diff = order.d + order.sd;

    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(xreg.len() + 1);
    let mut names = arma_names(&order);
    if spec.include_mean && n_diff == 0 {
        columns.push(vec![1.0; n]);
        names.push("intercept".to_owned());
    }
    for (i, column) in xreg.iter().enumerate() {
        if column.len() != n {
            return Err(FitError::Failed(
                "lengths of `x` and `xreg` do not match".into(),
            ));
        }
        columns.push(column.clone());
        names.push(format!("ex_{}", i + 1));
    }
    let n_reg = columns.len();
    let mut method = spec.method;
    if method == Method::CssMl
        && (x.iter().any(|v| v.is_nan()) || columns.iter().flatten().any(|v| v.is_nan()))
    {
        method = Method::Ml;
    }

    let fixed = match &spec.fixed {
        Some(values) if values.len() != n_arma + n_reg => {
            return Err(FitError::Failed("wrong length for `fixed`".into()));
        }
        Some(values) => values.clone(),
        None => vec![f64::NAN; n_arma + n_reg],
    };
    let mask: Vec<bool> = fixed.iter().map(|v| v.is_nan()).collect();
    let no_optim = !mask.iter().any(|&m| m);
    let mut transform = !no_optim;
    if transform {
        let seasonal_ar = order.p + order.q..order.p + order.q + order.sp;
        if mask[..order.p].iter().any(|m| !m) || mask[seasonal_ar].iter().any(|m| !m) {
            transform = false;
        }
    }

    let mut init = vec![0.0; n_arma];
    let complete: Vec<bool> = (0..n)
        .map(|t| !x[t].is_nan() && columns.iter().all(|c| !c[t].is_nan()))
        .collect();
    let mut n_used = (0..n).filter(|&t| !x[t].is_nan()).count() as isize - delta.len() as isize;
    let mut rotation: Option<Vec<f64>> = None;
    if n_reg > 0 {
        let keep_original = n_reg == 1 || mask[n_arma..].iter().any(|m| !m);
        if !keep_original {
            let v = right_singular_vectors(&columns, &complete);
            columns = rotate_columns(&columns, &v);
            rotation = Some(v);
        }
        let mut dx = x.to_vec();
        let mut dreg = columns.clone();
        if order.d > 0 {
            dx = difference(&dx, 1, order.d);
            dreg = dreg.iter().map(|c| difference(c, 1, order.d)).collect();
        }
        if order.period > 1 && order.sd > 0 {
            dx = difference(&dx, order.period, order.sd);
            dreg = dreg
                .iter()
                .map(|c| difference(c, order.period, order.sd))
                .collect();
        }
        let beta = regression_start(&dx, &dreg);
        n_used = complete.iter().filter(|&&c| c).count() as isize - delta.len() as isize;
        init.extend(beta);
    }
    if n_used <= 0 {
        return Err(FitError::NotFitted(
            "Too few non-missing observations".into(),
        ));
    }
    let n_used = n_used as usize;
    // The compiled CSS raises (a RuntimeError, which no caller catches) when the
    // conditioning observations outnumber the series.
    let n_cond = order.p + order.d + order.period * (order.sp + order.sd);
    if (method == Method::Css || (method == Method::CssMl && !no_optim)) && n_cond > n {
        return Err(FitError::TooShort { needed: n_cond });
    }

    let mut problem = Problem {
        x,
        xreg: &columns,
        order,
        coef: fixed.clone(),
        mask: mask.clone(),
        n_arma,
    };
    let free_of = |values: &[f64]| -> Vec<f64> {
        values
            .iter()
            .zip(&mask)
            .filter(|&(_, &m)| m)
            .map(|(&v, _)| v)
            .collect()
    };

    let (coef, var_coef, optimum, sigma2, residuals, model) = if method == Method::Css {
        let optimum: Optimum = if no_optim {
            fixed_optimum(0.0)
        } else {
            run_bfgs(&mut |p| problem.css_objective(p), &free_of(&init)).into()
        };
        let mut coef = fixed.clone();
        scatter(&mut coef, &mask, &optimum.x);
        let (phi, theta) = transform_params(&coef, &order, false);
        let model = StateSpace::new(&phi, &theta, &delta, KAPPA);
        let xr = subtract_regression(x, &columns, &coef[n_arma..]);
        let (sigma2, residuals) = css(&xr, &order, &phi, &theta);
        let var = (!no_optim).then(|| scaled(&optimum.hess_inv, 1.0 / n_used as f64));
        (coef, var, optimum, sigma2, residuals, model)
    } else {
        if method == Method::CssMl && !no_optim {
            let css_fit = run_bfgs(&mut |p| problem.css_objective(p), &free_of(&init));
            if css_fit.status != BfgsStatus::MaxIterations {
                scatter(&mut init, &mask, &css_fit.x);
            }
        }
        if transform {
            init = inverse_transform(&init, &order);
        }
        let (phi, theta) = transform_params(&init, &order, transform);
        let mut model = StateSpace::new(&phi, &theta, &delta, KAPPA);
        let mut optimum: Optimum = if no_optim {
            fixed_optimum(problem.ml_objective(&[], transform, &mut model))
        } else {
            let start = free_of(&init);
            run_bfgs(
                &mut |p| problem.ml_objective(p, transform, &mut model),
                &start,
            )
            .into()
        };
        let mut coef = fixed.clone();
        scatter(&mut coef, &mask, &optimum.x);
        let var = if transform {
            // statsforecast re-estimates by CSS when the ML estimate holds NaN: its
            // `coef[mask] != res.x` check is true only then, its `maInvert` being the
            // identity.
            if optimum.x.iter().any(|v| v.is_nan()) {
                problem.coef = coef.clone();
                let start = free_of(&coef);
                optimum = run_bfgs(&mut |p| problem.css_objective(p), &start).into();
                scatter(&mut coef, &mask, &optimum.x);
            }
            let full = transform_gradient(&coef, &order);
            let a = select(&full, coef.len(), &mask);
            let k = optimum.x.len();
            let sol = scaled(&matmul(&optimum.hess_inv, &a, k), 1.0 / n_used as f64);
            let var = matmul(&transpose(&a, k), &sol, k);
            coef = undo_params(&coef, &order);
            Some(var)
        } else if no_optim {
            None
        } else {
            Some(scaled(&optimum.hess_inv, 1.0 / n_used as f64))
        };
        let (phi, theta) = transform_params(&coef, &order, false);
        let mut model = StateSpace::new(&phi, &theta, &delta, KAPPA);
        let xr = subtract_regression(x, &columns, &coef[n_arma..]);
        let like = kalman_likelihood(&xr, &mut model, true);
        let sigma2 = like.ssq / n_used as f64;
        let residuals = like.residuals.unwrap_or_default();
        (coef, var, optimum, sigma2, residuals, model)
    };

    let n_used_f = n_used as f64;
    let value =
        2.0 * n_used_f * optimum.fun + n_used_f + n_used_f * (2.0 * std::f64::consts::PI).ln();
    let n_free = mask.iter().filter(|&&m| m).count();
    let aic = if method == Method::Css {
        f64::NAN
    } else {
        value + 2.0 * (n_free as f64 + 1.0)
    };
    let mut coef = coef;
    let mut var_coef: Option<Vec<f64>> = var_coef;
    if let (Some(v), Some(var)) = (rotation.as_ref(), var_coef.as_mut()) {
        let rotated = rotate_back(&coef[n_arma..], v);
        coef[n_arma..].copy_from_slice(&rotated);
        *var = rotate_covariance(var, v, n_arma, &mask);
    }
    Ok(ArimaFit {
        order,
        coef,
        names,
        mask,
        var_coef,
        sigma2,
        loglik: -0.5 * value,
        aic,
        residuals,
        nobs: n_used,
        model,
    })
}

/// The regression coefficients BFGS starts from: statsmodels' `OLS(dx, dxreg)` on the
/// differenced data (NaN when it cannot be computed).
///
/// With one regressor (an intercept or a drift, the usual case) the estimate is computed
/// exactly as statsmodels' pseudo-inverse does on the reference machine: LAPACK's
/// Householder step for the column's singular vector, then OpenBLAS's `ddot`. Its last
/// bits matter because BFGS starts from it.
fn regression_start(dx: &[f64], dreg: &[Vec<f64>]) -> Vec<f64> {
    if let [column] = dreg {
        return vec![single_column_least_squares(dx, column)];
    }
    let refs: Vec<&[f64]> = dreg.iter().map(Vec::as_slice).collect();
    ols(dx, &refs).unwrap_or_else(|| vec![f64::NAN; dreg.len()])
}

/// `pinv(x) · y` for one column `x`: the left singular vector from LAPACK's `dlarfg`
/// Householder reflector (`dgesdd` on an `n × 1` matrix), scaled by the reciprocal
/// singular value, dotted with `y`.
fn single_column_least_squares(y: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    if n == 0 || y.len() != n {
        return f64::NAN;
    }
    let alpha = x[0];
    let tail_norm = x[1..].iter().map(|v| v * v).sum::<f64>().sqrt();
    let (larger, smaller) = if alpha.abs() > tail_norm {
        (alpha.abs(), tail_norm)
    } else {
        (tail_norm, alpha.abs())
    };
    if larger == 0.0 {
        return f64::NAN;
    }
    let ratio = smaller / larger;
    let beta = -(larger * (1.0 + ratio * ratio).sqrt()).copysign(alpha);
    let tau = (beta - alpha) / beta;
    let scale = 1.0 / (alpha - beta);
    let inverse_singular = 1.0 / beta.abs();
    // The singular vector is ±(1 - tau, -tau·v); the pseudo-inverse row has the sign that
    // makes it point along `x`, and negation is exact.
    let sign = if beta < 0.0 { -1.0 } else { 1.0 };
    let row: Vec<f64> = std::iter::once(1.0 - tau)
        .chain(x[1..].iter().map(|v| -tau * (v * scale)))
        .map(|u| sign * (inverse_singular * u))
        .collect();
    openblas_dot(&row, y)
}

fn fixed_optimum(fun: f64) -> Optimum {
    Optimum {
        x: Vec::new(),
        fun,
        hess_inv: Vec::new(),
    }
}

/// Writes `free` into the masked positions of `values`.
fn scatter(values: &mut [f64], mask: &[bool], free: &[f64]) {
    let mut it = free.iter();
    for (value, &estimated) in values.iter_mut().zip(mask) {
        if estimated {
            *value = *it.next().expect("one value per free coefficient");
        }
    }
}

fn scaled(matrix: &[f64], factor: f64) -> Vec<f64> {
    matrix.iter().map(|v| v * factor).collect()
}

/// The rows and columns of the `n × n` matrix `full` where `mask` holds.
fn select(full: &[f64], n: usize, mask: &[bool]) -> Vec<f64> {
    let keep: Vec<usize> = (0..n).filter(|&i| mask[i]).collect();
    let mut out = Vec::with_capacity(keep.len() * keep.len());
    for &i in &keep {
        for &j in &keep {
            out.push(full[i * n + j]);
        }
    }
    out
}

/// Product of two `k × k` row-major matrices.
fn matmul(a: &[f64], b: &[f64], k: usize) -> Vec<f64> {
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            out[i * k + j] = (0..k).fold(0.0, |acc, l| acc + a[i * k + l] * b[l * k + j]);
        }
    }
    out
}

fn transpose(a: &[f64], k: usize) -> Vec<f64> {
    let mut out = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            out[j * k + i] = a[i * k + j];
        }
    }
    out
}

/// The right singular vectors `V` (as numpy's `vt` transposed, row-major `k × k`) of the
/// regressor matrix restricted to the complete rows, from the eigenvectors of `XᵀX`.
fn right_singular_vectors(columns: &[Vec<f64>], complete: &[bool]) -> Vec<f64> {
    let k = columns.len();
    let n = columns[0].len();
    let mut gram = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            gram[i * k + j] = (0..n)
                .filter(|&t| complete[t])
                .fold(0.0, |acc, t| acc + columns[i][t] * columns[j][t]);
        }
    }
    symmetric_eigen(&gram, k).1
}

/// Eigenvalues (decreasing) and eigenvectors of a symmetric `k × k` matrix by cyclic Jacobi
/// rotations; the vectors are the columns of a row-major matrix, each with its largest
/// component positive.
pub(crate) fn symmetric_eigen(matrix: &[f64], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = matrix.to_vec();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _ in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * k + j] * a[i * k + j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq == 0.0 {
                    continue;
                }
                let tau = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = tau.signum() / (tau.abs() + (1.0 + tau * tau).sqrt());
                let t = if tau == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = t * c;
                for r in 0..k {
                    let arp = a[r * k + p];
                    let arq = a[r * k + q];
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let apr = a[p * k + r];
                    let aqr = a[q * k + r];
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let vrp = v[r * k + p];
                    let vrq = v[r * k + q];
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| a[j * k + j].total_cmp(&a[i * k + i]));
    let values = order.iter().map(|&i| a[i * k + i]).collect();
    let mut out = vec![0.0; k * k];
    for (col, &src) in order.iter().enumerate() {
        let largest = (0..k)
            .max_by(|&r1, &r2| v[r1 * k + src].abs().total_cmp(&v[r2 * k + src].abs()))
            .unwrap_or(0);
        let sign = if v[largest * k + src] < 0.0 {
            -1.0
        } else {
            1.0
        };
        for r in 0..k {
            out[r * k + col] = sign * v[r * k + src];
        }
    }
    (values, out)
}

/// `X · V` for regressor columns `X`.
fn rotate_columns(columns: &[Vec<f64>], v: &[f64]) -> Vec<Vec<f64>> {
    let k = columns.len();
    let n = columns[0].len();
    (0..k)
        .map(|j| {
            (0..n)
                .map(|t| (0..k).fold(0.0, |acc, i| acc + columns[i][t] * v[i * k + j]))
                .collect()
        })
        .collect()
}

/// Coefficients of the rotated regressors mapped back to the original ones: `V · b`.
fn rotate_back(beta: &[f64], v: &[f64]) -> Vec<f64> {
    let k = beta.len();
    (0..k)
        .map(|i| (0..k).fold(0.0, |acc, j| acc + v[i * k + j] * beta[j]))
        .collect()
}

/// The coefficient covariance after mapping the regressor block back (`A var Aᵀ` with `A`
/// the identity carrying `V` on the regressor block), restricted to the free coefficients.
fn rotate_covariance(var: &[f64], v: &[f64], n_arma: usize, mask: &[bool]) -> Vec<f64> {
    let total = mask.len();
    let k = total - n_arma;
    let mut full = vec![0.0; total * total];
    for i in 0..total {
        full[i * total + i] = 1.0;
    }
    for i in 0..k {
        for j in 0..k {
            full[(n_arma + i) * total + n_arma + j] = v[i * k + j];
        }
    }
    let a = select(&full, total, mask);
    let m = mask.iter().filter(|&&b| b).count();
    matmul(&matmul(&a, var, m), &transpose(&a, m), m)
}

/// `nansum(residuals²) / (nstar - npar + 1)`: the variance `Arima()` and `myarima()`
/// report (and forecast with) instead of the filter's.
pub(crate) fn residual_variance(residuals: &[f64], nstar: f64, npar: f64) -> f64 {
    nan_sum_of_squares(residuals) / (nstar - npar + 1.0)
}

/// Smallest modulus among the roots of `1 - c₁z - … - c_kz^k` (`sign = -1`) or
/// `1 + c₁z + …` (`sign = 1`), trimmed after the last coefficient above 1e-8 in
/// magnitude, as `myarima()` tests them; 2 (no constraint) when that coefficient is the
/// first, as statsforecast's `last_nonzero > 0` test skips that case.
pub(crate) fn min_root(coef: &[f64], sign: f64) -> f64 {
    let Some(last) = coef.iter().rposition(|c| c.abs() > 1e-8) else {
        return 2.0;
    };
    if last == 0 {
        return 2.0;
    }
    // Roots of p(z) are the reciprocals of those of zᵏ p(1/z), which is monic.
    let reversed: Vec<f64> = coef[..=last]
        .iter()
        .rev()
        .map(|c| sign * c)
        .chain(std::iter::once(1.0))
        .collect();
    let largest = max_root_modulus(&reversed);
    if largest == 0.0 { 2.0 } else { 1.0 / largest }
}
