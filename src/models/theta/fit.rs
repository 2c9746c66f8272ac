//! Fitting one Theta model (statsforecast's `thetamodel`): starting values
//! (`initparamtheta`), Nelder–Mead over the free parameters, and the final in-sample pass.

use super::ModelType;
use super::recursion::{Buffers, NA, Params, SeriesSummary, State, in_sample};
use crate::models::optim::{NelderMeadOptions, nelder_mead};
use crate::models::reductions::mean;

/// Nelder–Mead settings of statsforecast's Theta optimiser.
const TOL_STD: f64 = 1e-4;
const MAX_ITER: usize = 1_000;

/// Search bounds of the initial smoothed value, `alpha` and `theta`.
const LOWER: [f64; 3] = [-1e10, 0.1, 1.0];
const UPPER: [f64; 3] = [1e10, 0.99, 1e10];

/// Parameters fixed by the caller (`forward`); `None` is estimated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct FixedParams {
    pub(crate) initial_smoothed: Option<f64>,
    pub(crate) alpha: Option<f64>,
    pub(crate) theta: Option<f64>,
}

/// A fitted Theta model: what statsforecast's model dict holds and the forecasts read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ThetaFit {
    pub(crate) model: ModelType,
    pub(crate) params: Params,
    /// statsforecast's `residuals`: the one-step residuals of the series fitted (the
    /// search puts the seasonal index back on them when it deseasonalised the series).
    pub(crate) residuals: Vec<f64>,
    /// The state after the last observation.
    pub(crate) last_state: State,
    /// The objective at the estimates (`Σ_{t>=3} e_t² / mean |y|`), NaN when the pass failed.
    pub(crate) mse: f64,
    /// `np.mean(y)`, which the simulated intervals start their running mean from.
    pub(crate) mean_y: f64,
}

/// `initparamtheta`: the starting values and which of them are estimated. The static and
/// dynamic standard models always use `theta = 2`.
fn starting_values(y0: f64, model: ModelType, fixed: &FixedParams) -> (Params, [bool; 3]) {
    let theta = if model.optimises_theta() {
        fixed.theta
    } else {
        Some(2.0)
    };
    let params = Params {
        initial_smoothed: fixed.initial_smoothed.unwrap_or(y0 / 2.0),
        alpha: fixed.alpha.unwrap_or(0.5),
        theta: theta.unwrap_or(2.0),
    };
    let free = [
        fixed.initial_smoothed.is_none(),
        fixed.alpha.is_none(),
        theta.is_none(),
    ];
    (params, free)
}

/// `params` with the free coordinates taken, in order, from `x`.
fn with_free(params: &Params, free: &[bool; 3], x: &[f64]) -> Params {
    let mut values = [params.initial_smoothed, params.alpha, params.theta];
    let free_slots = values
        .iter_mut()
        .zip(free)
        .filter_map(|(value, &is_free)| is_free.then_some(value));
    for (slot, &v) in free_slots.zip(x) {
        *slot = v;
    }
    Params {
        initial_smoothed: values[0],
        alpha: values[1],
        theta: values[2],
    }
}

/// Whether the in-sample pass failed: statsforecast checks its objective for NaN and for
/// the `NA` sentinel.
fn failed(value: f64) -> bool {
    value.is_nan() || (value - NA).abs() < 1e-7
}

/// statsforecast's `target_fn`: the pass's objective, a failed pass counting as `-inf`,
/// exactly as statsforecast does (so the optimiser prefers it).
fn target(value: f64) -> f64 {
    if failed(value) {
        f64::NEG_INFINITY
    } else {
        value
    }
}

/// Fits `model` to `y` (at least 4 values): estimates the parameters not fixed, then runs
/// the in-sample pass with them.
pub(crate) fn fit_theta(y: &[f64], model: ModelType, fixed: &FixedParams) -> ThetaFit {
    let summary = SeriesSummary::of(y);
    let (start, free) = starting_values(y[0], model, fixed);
    let mut buffers = Buffers::new(y.len());
    let mut x0 = Vec::with_capacity(3);
    let (mut lower, mut upper) = (Vec::with_capacity(3), Vec::with_capacity(3));
    let starts = [start.initial_smoothed, start.alpha, start.theta];
    for k in (0..3).filter(|&k| free[k]) {
        x0.push(starts[k]);
        lower.push(LOWER[k]);
        upper.push(UPPER[k]);
    }
    let params = if x0.is_empty() {
        start
    } else {
        let options = NelderMeadOptions::statsforecast(TOL_STD, MAX_ITER);
        let best = nelder_mead(
            |x| {
                let p = with_free(&start, &free, x);
                target(in_sample(y, model, &summary, &p, &mut buffers).0)
            },
            &x0,
            &lower,
            &upper,
            &options,
        );
        with_free(&start, &free, &best.x)
    };
    let (value, last_state) = in_sample(y, model, &summary, &params, &mut buffers);
    ThetaFit {
        model,
        params,
        residuals: buffers.residuals,
        last_state,
        // `pegels_resid` reports a failed pass as NaN.
        mse: if failed(value) { f64::NAN } else { value },
        mean_y: mean(y),
    }
}
