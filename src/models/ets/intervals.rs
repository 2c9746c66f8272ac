//! Prediction intervals of ETS forecasts, by model class as statsforecast computes them
//! (`_compute_pred_intervals`):
//!
//! - class 1 (additive errors: ANN, AAN, AAdN, ANA, AAA, AAdA): closed-form variances;
//! - class 2 (multiplicative errors, additive trend and season: MNN, MAN, MAdN, MNA, MAA,
//!   MAdA): the recursive variance of Hyndman et al. with statsforecast's `cvals`;
//! - class 3 (multiplicative errors and season: MNM, MAM, MAdM, MMM, MMdM): the
//!   matrix recursion of `_class3models`;
//! - the rest (MMN, MMdN; additive errors with a multiplicative component are not allowed):
//!   quantiles of 5000 simulated paths.
//!
//! statsforecast's formulas are reproduced as written, including their quirks (the season
//! count `hm` is computed from the whole horizon, MAA multiplies `alpha` and `beta`, class 3
//! keeps its mean matrix fixed, the simulation uses `phi = 0` for undamped models); changing
//! any of them would change the intervals users compare against.
//!
//! Simulated intervals draw, like statsforecast, 5000 paths with errors from
//! `np.random.default_rng(1)` (reimplemented in [`crate::models::random`]: the same uniform
//! stream, normal draws equal to numpy's to about 1e-14) and take quantiles as `np.quantile`
//! does, so they agree with statsforecast's to about that precision.

use super::components::Component;
use super::fit::EtsModel;
use super::recursion::{Smoothing, simulate};
use crate::models::Band;
use crate::models::intervals::gaussian_bands;
use crate::models::random::Pcg64;

/// Number of simulated paths (statsforecast's `nsim`).
const N_PATHS: usize = 5000;

/// One band per level around `mean` (the model's point forecasts).
pub(crate) fn forecast_bands(model: &EtsModel, mean: &[f64], levels: &[f64]) -> Vec<Band> {
    if levels.is_empty() {
        return Vec::new();
    }
    match variance(model, mean) {
        Some(var) => gaussian_bands(mean, levels, |k| var[k].sqrt()),
        None => simulated_bands(model, mean.len(), levels),
    }
}

/// Forecast variances for classes 1 to 3, `None` for the simulated classes.
fn variance(model: &EtsModel, mean: &[f64]) -> Option<Vec<f64>> {
    use Component::{Additive as A, Multiplicative as M, None as N};
    let h = mean.len();
    let sigma = model.sigma2;
    let m = model.m as f64;
    let p = model.par;
    let (alpha, beta, gamma, phi) = (p.alpha, p.beta, p.gamma, p.phi);
    let form = model.form;
    let steps = |k: usize| (k + 1) as f64;
    // statsforecast's season count uses the whole horizon, not the step.
    let hm = ((h as f64 - 1.0) / m).floor();
    let a2 = alpha.powf(2.0);
    let exp1 = |k: usize| {
        let s = steps(k);
        (a2 + alpha * beta * s) + (1.0 / 6.0) * beta.powf(2.0) * s * (2.0 * s - 1.0)
    };
    let one_minus_phi_sq = (1.0 - phi).powf(2.0);
    let exp2 = |k: usize| beta * phi * steps(k) / one_minus_phi_sq;
    let exp3 = 2.0 * alpha * (1.0 - phi) + beta * phi;
    let exp4 = |k: usize| {
        beta * phi * (1.0 - phi.powf(steps(k))) / (one_minus_phi_sq * (1.0 - phi.powf(2.0)))
    };
    let exp5 = |k: usize| {
        2.0 * alpha * (1.0 - phi.powf(2.0)) + beta * phi * (1.0 + 2.0 * phi - phi.powf(steps(k)))
    };
    let class1 = |f: &dyn Fn(usize) -> f64| (0..h).map(|k| sigma * f(k)).collect::<Vec<_>>();
    let seasonal_hit = |k: usize| {
        if (k + 1).is_multiple_of(model.m) {
            1.0
        } else {
            0.0
        }
    };
    let damped_sum = |k: usize| (1..=k + 1).fold(0.0, |acc, j| acc + phi.powf(j as f64));

    let var = match (form.error, form.trend, form.season, form.damped) {
        (A, N, N, false) => class1(&|k| 1.0 + a2 * (steps(k) - 1.0)),
        (A, A, N, false) => class1(&|k| 1.0 + (steps(k) - 1.0) * exp1(k)),
        (A, A, N, true) => {
            class1(&|k| 1.0 + a2 * (steps(k) - 1.0) + exp2(k) * exp3 - exp4(k) * exp5(k))
        }
        (A, N, A, false) => {
            class1(&|k| 1.0 + a2 * (steps(k) - 1.0) + gamma * hm * (2.0 * alpha + gamma))
        }
        (A, A, A, false) => {
            let exp6 = 2.0 * alpha + gamma + beta * m * (hm + 1.0);
            class1(&|k| 1.0 + (steps(k) - 1.0) * exp1(k) + gamma * hm * exp6)
        }
        (A, A, A, true) => {
            let phi_m = phi.powf(m);
            let exp7 = 2.0 * beta * gamma * phi / ((1.0 - phi) * (1.0 - phi_m));
            let exp8 = hm * (1.0 - phi_m) - phi_m * (1.0 - phi.powf(m * hm));
            class1(&|k| {
                1.0 + a2 * (steps(k) - 1.0) + exp2(k) * exp3 - exp4(k) * exp5(k)
                    + gamma * hm * (2.0 * alpha + gamma)
                    + exp7 * exp8
            })
        }
        (M, N, N, false) => multiplicative(mean, sigma, |_| alpha),
        (M, A, N, false) => multiplicative(mean, sigma, |k| alpha + beta * steps(k)),
        (M, A, N, true) => multiplicative(mean, sigma, |k| alpha + beta * damped_sum(k)),
        (M, N, A, false) => multiplicative(mean, sigma, |k| alpha + gamma * seasonal_hit(k)),
        (M, A, A, false) => multiplicative(mean, sigma, |k| {
            alpha * beta * steps(k) + gamma * seasonal_hit(k)
        }),
        (M, A, A, true) => multiplicative(mean, sigma, |k| {
            alpha + beta * damped_sum(k) + gamma * seasonal_hit(k)
        }),
        (M, _, M, _) => class3(model, h),
        _ => return None,
    };
    Some(var)
}

/// statsforecast's `_compute_sigmah`: `theta_k = f_k² + sigma Σ_{j<k} c_j² theta_{k-1-j}`,
/// variance `(1 + sigma) theta_k - f_k²`.
fn multiplicative(mean: &[f64], sigma: f64, c: impl Fn(usize) -> f64) -> Vec<f64> {
    let h = mean.len();
    let c2: Vec<f64> = (0..h)
        .map(|k| {
            let v = c(k);
            v * v
        })
        .collect();
    let mut theta: Vec<f64> = Vec::with_capacity(h);
    for k in 0..h {
        let mut sum = 0.0;
        for j in 0..k {
            sum += c2[j] * theta[k - 1 - j];
        }
        let t = if k == 0 {
            mean[0].powf(2.0)
        } else {
            mean[k].powf(2.0) + sigma * sum
        };
        theta.push(t);
    }
    theta
        .iter()
        .zip(mean)
        .map(|(t, f)| (1.0 + sigma) * t - f * f)
        .collect()
}

/// A dense row-major matrix, just enough for `_class3models`.
#[derive(Clone)]
struct Mat {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Mat {
    fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }
    fn at(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }
    fn set(&mut self, r: usize, c: usize, v: f64) {
        self.data[r * self.cols + c] = v;
    }
    fn mul(&self, o: &Mat) -> Mat {
        let mut out = Mat::zeros(self.rows, o.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self.at(i, k);
                if a == 0.0 {
                    continue;
                }
                for j in 0..o.cols {
                    out.data[i * o.cols + j] += a * o.at(k, j);
                }
            }
        }
        out
    }
    fn t(&self) -> Mat {
        let mut out = Mat::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                out.set(j, i, self.at(i, j));
            }
        }
        out
    }
    fn kron(&self, o: &Mat) -> Mat {
        let mut out = Mat::zeros(self.rows * o.rows, self.cols * o.cols);
        for i in 0..self.rows {
            for j in 0..self.cols {
                for k in 0..o.rows {
                    for l in 0..o.cols {
                        out.set(i * o.rows + k, j * o.cols + l, self.at(i, j) * o.at(k, l));
                    }
                }
            }
        }
        out
    }
    fn zip(&self, o: &Mat, f: impl Fn(f64, f64) -> f64) -> Mat {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(&o.data)
                .map(|(a, b)| f(*a, *b))
                .collect(),
        }
    }
    fn scale(&self, s: f64) -> Mat {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|a| a * s).collect(),
        }
    }
}

/// statsforecast's `_class3models` (variance only; its mean matrix never moves).
fn class3(model: &EtsModel, h: usize) -> Vec<f64> {
    let sigma = model.sigma2;
    let m = model.m;
    let p = model.par;
    let state = &model.last_state;
    let has_trend = model.form.trend.is_present();
    let q = if has_trend { 2 } else { 1 };
    let mut h1 = Mat::zeros(1, q);
    h1.data.fill(1.0);
    let mut h2 = Mat::zeros(1, m);
    h2.set(0, m - 1, 1.0);
    let (f1, g1) = if has_trend {
        let damp = if model.form.damped { p.phi } else { 1.0 };
        let f1 = Mat {
            rows: 2,
            cols: 2,
            data: vec![1.0, 1.0, 0.0, damp],
        };
        let g1 = Mat {
            rows: 2,
            cols: 2,
            data: vec![p.alpha, p.alpha, p.beta, p.beta],
        };
        (f1, g1)
    } else {
        (
            Mat {
                rows: 1,
                cols: 1,
                data: vec![1.0],
            },
            Mat {
                rows: 1,
                cols: 1,
                data: vec![p.alpha],
            },
        )
    };
    let mut f2 = Mat::zeros(m, m);
    f2.set(0, m - 1, 1.0);
    for i in 1..m {
        f2.set(i, i - 1, 1.0);
    }
    let mut g2 = Mat::zeros(m, m);
    g2.set(0, m - 1, p.gamma);

    // Mean matrix: (level, trend)ᵀ (seasons)ᵀ.
    let mut mh = Mat::zeros(q, m);
    for i in 0..q {
        for j in 0..m {
            mh.set(i, j, state[i] * state[q + j]);
        }
    }
    let d = q * m;
    let mut vh = Mat::zeros(d, d);
    let h21 = h2.kron(&h1);
    let f21 = f2.kron(&f1);
    let g21 = g2.kron(&g1);
    let k = g2.kron(&f1).zip(&f2.kron(&g1), |a, b| a + b);
    let (f21t, g21t, kt, h21t) = (f21.t(), g21.t(), k.t(), h21.t());
    let mu = h1.mul(&mh).mul(&h2.t()).at(0, 0);
    // vec(Mh) as numpy's row-major flatten, and its outer product.
    let vec_mh = &mh.data;
    let mut outer = Mat::zeros(d, d);
    for i in 0..d {
        for j in 0..d {
            outer.set(i, j, vec_mh[j] * vec_mh[i]);
        }
    }
    let mut var = Vec::with_capacity(h);
    for _ in 0..h {
        let hv = h21.mul(&vh).mul(&h21t).at(0, 0);
        var.push((1.0 + sigma) * hv + sigma * mu.powf(2.0));
        let exp1 = f21.mul(&vh.mul(&f21t));
        let exp2 = f21.mul(&vh.mul(&g21t));
        let exp3 = g21.mul(&vh.mul(&f21t));
        let exp4 = k.mul(&vh.zip(&outer, |a, b| a + b).mul(&kt));
        let inner = vh.scale(3.0).zip(&outer.scale(2.0), |a, b| a + b);
        let exp5 = g21.scale(sigma).mul(&inner.mul(&g21t));
        let sum = exp2
            .zip(&exp3, |a, b| a + b)
            .zip(&exp4, |a, b| a + b)
            .zip(&exp5, |a, b| a + b);
        vh = exp1.zip(&sum, |a, b| a + sigma * b);
    }
    var
}

/// `np.quantile(sorted, q)` with the default linear method on sorted data.
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let pos = q * (n - 1) as f64;
    let lo = (pos.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let t = pos - lo as f64;
    let (a, b) = (sorted[lo], sorted[hi]);
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// Bands from simulated sample paths (classes 4 and 5).
fn simulated_bands(model: &EtsModel, h: usize, levels: &[f64]) -> Vec<Band> {
    let nan_or = |v: f64, d: f64| if v.is_nan() { d } else { v };
    let sm = Smoothing {
        alpha: model.par.alpha,
        beta: nan_or(model.par.beta, 0.0),
        gamma: nan_or(model.par.gamma, 0.0),
        phi: nan_or(model.par.phi, 0.0),
    };
    let shape = model.shape();
    let sd = model.sigma2.sqrt();
    let mut paths = vec![0.0; N_PATHS * h];
    let skip = model.m > 24 && shape.season.is_present();
    if !skip {
        let mut rng = Pcg64::from_seed(1);
        let mut e = vec![0.0; h];
        for path in paths.chunks_mut(h.max(1)).take(N_PATHS) {
            for v in e.iter_mut() {
                // numpy's normal(loc=0, scale=sd): loc + scale * z.
                *v = 0.0 + sd * rng.standard_normal();
            }
            simulate(&shape, &sm, &model.last_state, &e, path);
        }
    }
    let mut column = vec![0.0; N_PATHS];
    let mut lo: Vec<Vec<f64>> = vec![Vec::with_capacity(h); levels.len()];
    let mut hi: Vec<Vec<f64>> = vec![Vec::with_capacity(h); levels.len()];
    for step in 0..h {
        for (k, slot) in column.iter_mut().enumerate() {
            *slot = paths[k * h + step];
        }
        // NaN sorts last, as in numpy.
        column.sort_by(|a, b| a.total_cmp(b));
        if column.iter().any(|v| v.is_nan()) {
            column.sort_by(|a, b| match (a.is_nan(), b.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                _ => a.total_cmp(b),
            });
        }
        let has_nan = column.iter().any(|v| v.is_nan());
        for (i, &level) in levels.iter().enumerate() {
            let (l, u) = if has_nan {
                (f64::NAN, f64::NAN)
            } else {
                (
                    quantile_sorted(&column, 0.5 - level / 200.0),
                    quantile_sorted(&column, 0.5 + level / 200.0),
                )
            };
            lo[i].push(l);
            hi[i].push(u);
        }
    }
    levels
        .iter()
        .zip(lo.into_iter().zip(hi))
        .map(|(&level, (lo, hi))| Band { level, lo, hi })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{multiplicative, quantile_sorted};

    #[test]
    fn sigmah_recursion_by_hand() {
        // c = 0.5, sigma = 0.1, f = [2, 2]: theta = [4, 4 + 0.1 * 0.25 * 4 = 4.1].
        let v = multiplicative(&[2.0, 2.0], 0.1, |_| 0.5);
        assert!((v[0] - (1.1 * 4.0 - 4.0)).abs() < 1e-12);
        assert!((v[1] - (1.1 * 4.1 - 4.0)).abs() < 1e-12);
    }

    #[test]
    fn numpy_linear_quantiles() {
        let x = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile_sorted(&x, 0.0), 1.0);
        assert_eq!(quantile_sorted(&x, 1.0), 8.0);
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert!((quantile_sorted(&x, 0.1) - 1.3).abs() < 1e-12);
    }
}
