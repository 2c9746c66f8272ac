//! The state recursion of statsforecast's compiled Theta kernel (`theta.cpp`): the initial
//! state, the one-step update, point forecasts and the in-sample pass (`calc` /
//! `pegels_resid`).
//!
//! The arithmetic is statsforecast's, operation for operation (`std::pow` for the powers of
//! `1 - alpha`, the same association order, Eigen's packet order for its sums), so equal
//! parameters give bit-identical states and residuals. Two things are cheaper: statsforecast
//! copies its whole state matrix to forecast at every step, and forecasts `nmse` steps ahead
//! of every observation for error statistics no caller reads; only the last state row and
//! the one-step forecast (which equals the updated row's `mu`) are needed here.

use super::ModelType;
use crate::models::optim::eigen_sum;

/// statsforecast's missing-value sentinel: a one-step forecast equal to it aborts the pass.
pub(crate) const NA: f64 = -99999.0;
/// Residuals left out of the objective (and of the error scale of the intervals): the
/// first three.
pub(crate) const BURN_IN: usize = 3;
/// statsforecast's `TOL`: how close to [`NA`] a forecast must be to count as it, and the
/// smallest mean absolute value the objective is divided by.
const TOL: f64 = 1e-10;

/// Smoothing parameters: the initial smoothed value, `alpha` and `theta`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Params {
    pub(crate) initial_smoothed: f64,
    pub(crate) alpha: f64,
    pub(crate) theta: f64,
}

/// One row of statsforecast's state matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct State {
    /// Smoothed level.
    pub(crate) level: f64,
    /// Mean of the observations so far. Only the dynamic models read it, so only they
    /// update it (statsforecast updates it for all).
    pub(crate) mean_y: f64,
    /// Intercept of the linear trend.
    pub(crate) a: f64,
    /// Slope of the linear trend.
    pub(crate) b: f64,
    /// One-step forecast made from the previous row.
    pub(crate) mu: f64,
}

/// What the in-sample pass needs of the series besides its values, computed once per fit:
/// the trend line of the static models and the scale the objective is divided by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeriesSummary {
    /// `(An, Bn)`: least-squares intercept and slope of `y` on `1..=n`.
    trend: (f64, f64),
    /// Mean absolute value, at least [`TOL`].
    mean_abs: f64,
}

impl SeriesSummary {
    /// As `init_state` and `calc` compute them with Eigen (`y` needs at least one value).
    ///
    /// Eigen adds `y`'s packets from its first 16-byte boundary. statsforecast's optimiser
    /// works on an aligned copy of the series, which this order reproduces; its final pass
    /// reads the series where it lies in the panel's array, so for a series that starts on
    /// an odd offset there the mean (hence the trend line of the static models) can differ
    /// in the last bit, and statsforecast's forecasts by about 1e-15 relative.
    pub(crate) fn of(y: &[f64]) -> Self {
        let n = y.len();
        let nf = n as f64;
        let y_mean = eigen_sum(y, 0) / nf;
        let weighted: Vec<f64> = y
            .iter()
            .enumerate()
            .map(|(i, v)| v * (i + 1) as f64)
            .collect();
        let weighted_avg = eigen_sum(&weighted, 0) / nf;
        // statsforecast forms `n + 1` and `n * n - 1` in integers.
        let b = (6.0 * (2.0 * weighted_avg - (n + 1) as f64 * y_mean)) / (n * n - 1) as f64;
        let a = y_mean - (n + 1) as f64 * b / 2.0;
        let absolute: Vec<f64> = y.iter().map(|v| v.abs()).collect();
        let mean_abs = eigen_sum(&absolute, 0) / nf;
        Self {
            trend: (a, b),
            mean_abs: if mean_abs < TOL { TOL } else { mean_abs },
        }
    }
}

/// `init_state`: the state after the first observation (row 0).
fn initial_state(y0: f64, model: ModelType, summary: &SeriesSummary, p: &Params) -> State {
    let (a, b, mu) = if model.is_dynamic() {
        (y0, 0.0, y0)
    } else {
        let (a, b) = summary.trend;
        (a, b, p.initial_smoothed + (1.0 - 1.0 / p.theta) * (a + b))
    };
    State {
        level: p.alpha * y0 + (1.0 - p.alpha) * p.initial_smoothed,
        mean_y: y0,
        a,
        b,
        mu,
    }
}

/// The forecast of row `i` made from row `i - 1` (`states(i, 4)` of `update`), given
/// `(1 - alpha)^i` and `(1 - alpha)^(i + 1)`.
fn forecast_from(prev: &State, p: &Params, decay_i: f64, decay_next: f64) -> f64 {
    prev.level + (1.0 - 1.0 / p.theta) * (prev.a * decay_i + prev.b * (1.0 - decay_next) / p.alpha)
}

/// `update` of row `i` from row `i - 1` once the forecast `mu` is known, observing `y` (the
/// forecast itself when forecasting).
fn advance(prev: &State, i: usize, model: ModelType, p: &Params, mu: f64, y: f64) -> State {
    let (mean_y, a, b) = if model.is_dynamic() {
        let mean_y = (i as f64 * prev.mean_y + y) / (i + 1) as f64;
        let b =
            ((i - 1) as f64 * prev.b + 6.0 * (y - prev.mean_y) / (i + 1) as f64) / (i + 2) as f64;
        (mean_y, mean_y - b * (i + 2) as f64 / 2.0, b)
    } else {
        (prev.mean_y, prev.a, prev.b)
    };
    State {
        level: p.alpha * y + (1.0 - p.alpha) * prev.level,
        mean_y,
        a,
        b,
        mu,
    }
}

/// `std::pow(1 - alpha, k)`.
fn decay(p: &Params, k: usize) -> f64 {
    (1.0 - p.alpha).powf(k as f64)
}

/// `h` point forecasts after `n` observations whose last state row is `last` (statsforecast's
/// `forecast`).
pub(crate) fn forecast(last: &State, n: usize, model: ModelType, p: &Params, h: usize) -> Vec<f64> {
    let mut state = *last;
    let mut decay_i = decay(p, n);
    (n..n + h)
        .map(|i| {
            let decay_next = decay(p, i + 1);
            let mu = forecast_from(&state, p, decay_i, decay_next);
            state = advance(&state, i, model, p, mu, mu);
            decay_i = decay_next;
            mu
        })
        .collect()
}

/// Buffers of the in-sample pass, reused across the optimiser's evaluations.
#[derive(Debug, Clone)]
pub(crate) struct Buffers {
    /// One-step residuals `y_t - mu_t`.
    pub(crate) residuals: Vec<f64>,
    /// `(1 - alpha)^k` for `k = 0..=n`, computed before the recursion so that the calls to
    /// `pow` do not wait on it.
    powers: Vec<f64>,
    squares: Vec<f64>,
}

impl Buffers {
    /// Buffers for a series of `n` observations.
    pub(crate) fn new(n: usize) -> Self {
        Self {
            residuals: vec![0.0; n],
            powers: Vec::with_capacity(n + 1),
            squares: Vec::with_capacity(n),
        }
    }
}

/// The in-sample pass: one-step residuals into `buffers.residuals`, the last state row, and
/// statsforecast's objective `Σ_{t>=3} e_t² / mean |y|`, or [`NA`] when a forecast hit the
/// sentinel (the pass stops there, as statsforecast's does).
///
/// `y` needs at least 4 values and `buffers` room for them.
pub(crate) fn in_sample(
    y: &[f64],
    model: ModelType,
    summary: &SeriesSummary,
    p: &Params,
    buffers: &mut Buffers,
) -> (f64, State) {
    let Buffers {
        residuals,
        powers,
        squares,
    } = buffers;
    powers.clear();
    powers.extend((0..=y.len()).map(|k| decay(p, k)));
    let mut state = initial_state(y[0], model, summary, p);
    residuals[0] = y[0] - state.mu;
    for (i, &yi) in y.iter().enumerate().skip(1) {
        let mu = forecast_from(&state, p, powers[i], powers[i + 1]);
        if (mu - NA).abs() < TOL {
            return (NA, state);
        }
        residuals[i] = yi - mu;
        state = advance(&state, i, model, p, mu, yi);
    }
    // Eigen reads the block `e.tail(n - 3)` without an aligned head.
    squares.clear();
    squares.extend(residuals[BURN_IN..].iter().map(|e| e * e));
    (eigen_sum(squares, 0) / summary.mean_abs, state)
}
