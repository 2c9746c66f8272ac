//! Prediction intervals of CES forecasts, simulated as statsforecast's
//! `_simulate_pred_intervals` does: 5000 times, normal noise with the residual standard
//! deviation is added to every fitted state and the point forecast is run from the
//! perturbed final states; the bands are `np.quantile`s of those paths.
//!
//! The noise comes from `np.random.default_rng(1)` in statsforecast's order (one draw per
//! state of the whole `(n + 2·lags) x components` matrix, path after path). Only the
//! `lags` rows after the data reach the forecast: each path reads just those draws, at
//! their place in the stream ([`NormalStream::seek`]).

use super::fit::CesModel;
use super::recursion::{LANES, Lanes, forecast_into};
use crate::models::Band;
use crate::models::random::{NormalStream, quantiles};

/// Number of simulated paths (statsforecast's `nsim`).
const N_PATHS: usize = 5000;
const _: () = assert!(
    N_PATHS.is_multiple_of(LANES),
    "paths are simulated LANES at a time"
);

/// One band per level for the `h` steps after the data; none without levels.
pub(crate) fn simulated_bands(model: &CesModel, h: usize, levels: &[f64]) -> Vec<Band> {
    if levels.is_empty() {
        return Vec::new();
    }
    let mut paths = simulate(model, h);
    let qs: Vec<f64> = levels
        .iter()
        .flat_map(|level| [0.5 - level / 200.0, 0.5 + level / 200.0])
        .collect();
    let mut bounds = vec![0.0; qs.len()];
    let mut lo: Vec<Vec<f64>> = vec![Vec::with_capacity(h); levels.len()];
    let mut hi: Vec<Vec<f64>> = vec![Vec::with_capacity(h); levels.len()];
    for column in paths.chunks_exact_mut(N_PATHS) {
        quantiles(column, &qs, &mut bounds);
        for (i, pair) in bounds.chunks_exact(2).enumerate() {
            lo[i].push(pair[0]);
            hi[i].push(pair[1]);
        }
    }
    levels
        .iter()
        .zip(lo.into_iter().zip(hi))
        .map(|(&level, (lo, hi))| Band { level, lo, hi })
        .collect()
}

/// `N_PATHS` forecast paths of `h` steps, step-major: the values of step `k` are
/// `paths[k * N_PATHS..(k + 1) * N_PATHS]`.
fn simulate(model: &CesModel, h: usize) -> Vec<f64> {
    let mut paths = vec![0.0; N_PATHS * h];
    let cols = model.season.components();
    // statsforecast perturbs the whole state matrix: `n` rows before the final states and
    // `lags` rows after them.
    let before = (model.n * cols) as u64;
    let per_path = before + 2 * model.last_states.len() as u64;
    let sd = model.sigma2.sqrt();
    let mut noise = NormalStream::new(1);
    let mut buf = vec![Lanes::default(); (model.lags + h) * cols];
    let mut steps = vec![Lanes::default(); h];
    let mut z = vec![0.0; model.last_states.len()];
    for first in (0..N_PATHS).step_by(LANES) {
        for lane in 0..LANES {
            noise.seek((first + lane) as u64 * per_path + before);
            noise.fill(&mut z);
            for (slot, (&state, &z)) in buf.iter_mut().zip(model.last_states.iter().zip(&z)) {
                // numpy's normal(loc=0, scale=sd) is loc + scale * z.
                slot.0[lane] = state + (0.0 + sd * z);
            }
        }
        forecast_into(&mut buf, model.season, model.lags, &model.par, &mut steps);
        for (step, values) in steps.iter().enumerate() {
            paths[step * N_PATHS + first..][..LANES].copy_from_slice(&values.0);
        }
    }
    paths
}
