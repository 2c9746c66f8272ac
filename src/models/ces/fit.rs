//! Fitting one CES form (statsforecast's `cesmodel` with normal errors): initial states and
//! parameters, Nelder–Mead over the free smoothing parameters, a final pass for residuals,
//! likelihood and information criteria.

use super::recursion::{NA, SeasonType, Smoothing, likelihood};
use crate::models::ets::seasonal_component;
use crate::models::optim::{NelderMeadOptions, nelder_mead};
use crate::models::reductions::{mean, pairwise_sum};

/// Nelder–Mead settings of statsforecast's CES optimiser.
const TOL_STD: f64 = 1e-4;
const MAX_ITER: usize = 1_000;
/// Bounds of the free parameters, taken in order for as many as are free (as
/// statsforecast slices them, whichever parameters those are).
const LOWER: [f64; 4] = [0.01; 4];
const UPPER: [f64; 4] = [1.8, 1.9, 1.5, 1.5];
/// Observations averaged for the initial level without a season.
const LEVEL_WINDOW: usize = 10;
/// The imaginary part of each initial complex state is its real part divided by this.
const IMAGINARY_RATIO: f64 = 1.1;

/// A fitted CES form: what statsforecast's model dict holds and later steps read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CesModel {
    pub(crate) season: SeasonType,
    /// Rows of states per season: `season_length`, or 1 without a season (statsforecast's
    /// `m`, which `cesmodel` resets to 1 for `N`).
    pub(crate) lags: usize,
    /// Smoothing parameters (NaN where the form has none).
    pub(crate) par: Smoothing,
    /// Number of observations.
    pub(crate) n: usize,
    /// The `lags` state rows after the last observation, forecasts start from them.
    pub(crate) last_states: Vec<f64>,
    /// In-sample one-step forecasts, `y - e`.
    pub(crate) fitted: Vec<f64>,
    pub(crate) loglik: f64,
    pub(crate) aic: f64,
    pub(crate) aicc: f64,
    pub(crate) bic: f64,
    /// Residual variance `Σ e² / (n - k - 1)` with `k` the number of parameters.
    pub(crate) sigma2: f64,
    /// Number of parameters as statsforecast counts them (state columns plus one).
    pub(crate) n_params: usize,
}

/// statsforecast's `initstate`: `lags` rows of initial states.
fn initial_states(y: &[f64], lags: usize, season: SeasonType) -> Vec<f64> {
    let cols = season.components();
    let mut states = vec![0.0; lags * cols];
    match season {
        SeasonType::None => {
            let level = mean(&y[..LEVEL_WINDOW.min(y.len())]);
            states[0] = level;
            states[1] = level / IMAGINARY_RATIO;
        }
        SeasonType::Simple => {
            for (row, &v) in states.chunks_exact_mut(cols).zip(y) {
                row[0] = v;
                row[1] = v / IMAGINARY_RATIO;
            }
        }
        SeasonType::Partial | SeasonType::Full => {
            let level = mean(&y[..lags]);
            let seasonal = seasonal_component(y, lags, false);
            for (row, &s) in states.chunks_exact_mut(cols).zip(&seasonal) {
                row[0] = level;
                row[1] = level / IMAGINARY_RATIO;
                row[2] = s;
                if season == SeasonType::Full {
                    row[3] = s / IMAGINARY_RATIO;
                }
            }
        }
    }
    states
}

/// statsforecast's `initparamces`: starting values for the parameters `given` leaves NaN,
/// and which of `alpha_0, alpha_1, beta_0, beta_1` are free.
fn initial_params(given: Smoothing, season: SeasonType) -> (Smoothing, [bool; 4]) {
    let start = |value: f64, default: f64| {
        if value.is_nan() {
            (default, true)
        } else {
            (value, false)
        }
    };
    let (alpha_0, free_a0) = start(given.alpha_0, 1.3);
    let (alpha_1, free_a1) = start(given.alpha_1, 1.0);
    let ((beta_0, free_b0), (beta_1, free_b1)) = match season {
        SeasonType::Partial => (start(given.beta_0, 0.1), (f64::NAN, false)),
        SeasonType::Full => (start(given.beta_0, 1.3), start(given.beta_1, 1.0)),
        SeasonType::None | SeasonType::Simple => ((f64::NAN, false), (f64::NAN, false)),
    };
    let par = Smoothing {
        alpha_0,
        alpha_1,
        beta_0,
        beta_1,
    };
    (par, [free_a0, free_a1, free_b0, free_b1])
}

/// The parameters as an array, in statsforecast's order.
fn as_array(p: &Smoothing) -> [f64; 4] {
    [p.alpha_0, p.alpha_1, p.beta_0, p.beta_1]
}

/// `fixed` with the `free` entries replaced, in order, by `values`.
fn with_free(fixed: &Smoothing, free: &[bool; 4], values: &[f64]) -> Smoothing {
    let mut all = as_array(fixed);
    let mut next = values.iter();
    for (slot, _) in all.iter_mut().zip(free).filter(|(_, f)| **f) {
        if let Some(&v) = next.next() {
            *slot = v;
        }
    }
    Smoothing {
        alpha_0: all[0],
        alpha_1: all[1],
        beta_0: all[2],
        beta_1: all[3],
    }
}

/// The series with its buffers, reused by every evaluation of one fit.
struct Workspace<'a> {
    y: &'a [f64],
    y_reversed: &'a [f64],
    season: SeasonType,
    lags: usize,
    init: Vec<f64>,
    states: Vec<f64>,
    e: Vec<f64>,
}

impl<'a> Workspace<'a> {
    fn new(y: &'a [f64], y_reversed: &'a [f64], season: SeasonType, lags: usize) -> Self {
        let n = y.len();
        let cols = season.components();
        Self {
            y,
            y_reversed,
            season,
            lags,
            init: initial_states(y, lags, season),
            states: vec![0.0; (n + 2 * lags) * cols],
            e: vec![f64::NAN; n],
        }
    }

    /// `cescalc` from the initial states; `None` when a forecast hit [`NA`].
    fn run(&mut self, par: &Smoothing) -> Option<f64> {
        // Every other row is written before it is read.
        self.states[..self.init.len()].copy_from_slice(&self.init);
        likelihood(
            self.y,
            self.y_reversed,
            &mut self.states,
            self.season,
            self.lags,
            par,
            &mut self.e,
        )
    }

    /// The value statsforecast's optimiser minimises: the likelihood floored at `-1e10`,
    /// with `-inf` for NaN or the sentinel (so such points count as the best).
    fn objective(&mut self, par: &Smoothing) -> f64 {
        let Some(lik) = self.run(par) else {
            return f64::NEG_INFINITY;
        };
        let lik = if lik < -1e10 { -1e10 } else { lik };
        if lik.is_nan() || (lik - NA).abs() < 1e-7 {
            f64::NEG_INFINITY
        } else {
            lik
        }
    }
}

/// Fits `season` to `y` (`y_reversed` is `y` backwards). `given` holds fixed parameters
/// (NaN = estimate), as `forward` passes them.
pub(crate) fn fit_form(
    y: &[f64],
    y_reversed: &[f64],
    season_length: usize,
    season: SeasonType,
    given: Smoothing,
) -> CesModel {
    let lags = season.lags(season_length);
    let (start, free) = initial_params(given, season);
    let mut work = Workspace::new(y, y_reversed, season, lags);

    let x0: Vec<f64> = as_array(&start)
        .into_iter()
        .zip(free)
        .filter_map(|(v, f)| f.then_some(v))
        .collect();
    let par = if x0.is_empty() {
        start
    } else {
        let k = x0.len();
        let options = NelderMeadOptions::statsforecast(TOL_STD, MAX_ITER);
        let best = nelder_mead(
            |x| work.objective(&with_free(&start, &free, x)),
            &x0,
            &LOWER[..k],
            &UPPER[..k],
            &options,
        );
        with_free(&start, &free, &best.x)
    };
    summarise(&mut work, par)
}

/// The final pass and the criteria (statsforecast's `pegelsresid` and the end of
/// `cesmodel`).
fn summarise(work: &mut Workspace<'_>, par: Smoothing) -> CesModel {
    let y = work.y;
    let n = y.len();
    work.e.fill(f64::NAN);
    let lik = match work.run(&par) {
        Some(lik) if (lik - NA).abs() >= 1e-7 || lik.is_nan() => lik,
        _ => f64::NAN,
    };
    let cols = work.season.components();
    let n_params = cols + 1;
    let k = n_params as f64;
    // Signed: short series give zero or negative degrees of freedom, as in statsforecast.
    let dof = n as f64 - k - 1.0;
    let aic = lik + 2.0 * k;
    let bic = lik + (n as f64).ln() * k;
    let aicc = if dof != 0.0 {
        aic + (2 * n_params * (n_params + 1)) as f64 / dof
    } else {
        f64::INFINITY
    };
    let squares: Vec<f64> = work.e.iter().map(|e| e * e).collect();
    let sigma2 = pairwise_sum(&squares) / dof;
    let lags = work.lags;
    CesModel {
        season: work.season,
        lags,
        par,
        n,
        last_states: work.states[n * cols..(n + lags) * cols].to_vec(),
        fitted: y.iter().zip(&work.e).map(|(v, e)| v - e).collect(),
        loglik: -0.5 * lik,
        aic,
        aicc,
        bic,
        sigma2,
        n_params,
    }
}
