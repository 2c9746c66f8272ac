//! Prediction intervals of Theta forecasts, simulated as statsforecast's `forecast_theta`
//! and `compute_pi_samples` do.
//!
//! 200 paths continue the last state with normal errors from `np.random.default_rng(0)`
//! (see [`crate::models::random`]), the scale being the sample standard deviation of the
//! residuals after the first three. Every path is updated as a dynamic model, whatever the
//! fitted model, and its running mean starts from the series' mean, as in statsforecast.
//! statsforecast keeps the paths in a float32 array, so each simulated value is rounded to
//! float32 when stored while the updates run in float64 (numpy's promotion rules), and the
//! quantiles are interpolated in float32; the bounds are therefore float32 numbers (before
//! any seasonal index is applied), like statsforecast's.

use super::recursion::{BURN_IN, Params, State};
use crate::models::Band;
use crate::models::random::Pcg64;
use crate::models::reductions::pairwise_sum;

/// Number of simulated paths (statsforecast's `n_samples`).
const N_PATHS: usize = 200;
/// Seed of statsforecast's generator.
const SEED: u64 = 0;

/// `np.std(values, ddof=1)`: NaN for a single value.
pub(crate) fn sample_std(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let centre = pairwise_sum(values) / n;
    let squares: Vec<f64> = values
        .iter()
        .map(|v| {
            let d = v - centre;
            d * d
        })
        .collect();
    (pairwise_sum(&squares) / (n - 1.0)).sqrt()
}

/// Where the simulated paths start: the fitted parameters and last state, the number of
/// observations fitted, their mean and the scale of the errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PathStart {
    pub(crate) params: Params,
    pub(crate) last_state: State,
    /// At least one.
    pub(crate) n: usize,
    /// `np.mean(y)`, which the paths' running mean starts from.
    pub(crate) mean_y: f64,
    /// The standard deviation of the errors ([`error_scale`] of the residuals).
    pub(crate) sigma: f64,
}

/// The scale of the simulated errors: the standard deviation of the residuals after the
/// first three, or of all of them when fewer than two remain.
pub(crate) fn error_scale(residuals: &[f64]) -> f64 {
    let tail = &residuals[BURN_IN.min(residuals.len())..];
    if tail.len() < 2 {
        sample_std(residuals)
    } else {
        sample_std(tail)
    }
}

/// The simulated paths, `h` rows of [`N_PATHS`] float32 values (statsforecast's `samples`).
fn simulate(start: &PathStart, h: usize) -> Vec<f32> {
    let (n, sigma) = (start.n, start.sigma);
    let p = &start.params;
    let weight = 1.0 - 1.0 / p.theta;
    let last = &start.last_state;
    let mut level = [last.level; N_PATHS];
    let mut a = [last.a; N_PATHS];
    let mut b = [last.b; N_PATHS];
    let mut mean_y = [start.mean_y; N_PATHS];
    let mut rng = Pcg64::from_seed(SEED);
    let mut samples = vec![0.0f32; h * N_PATHS];
    for (step, row) in samples.chunks_exact_mut(N_PATHS).enumerate() {
        let i = n + step;
        let fi = i as f64;
        let decay_i = (1.0 - p.alpha).powf(fi);
        let decay_next = (1.0 - p.alpha).powf((i + 1) as f64);
        for k in 0..N_PATHS {
            let mu = level[k] + weight * (a[k] * decay_i + b[k] * (1.0 - decay_next) / p.alpha);
            // numpy's normal(0, sigma): loc + scale * z.
            let error = 0.0 + sigma * rng.standard_normal();
            // Stored in the float32 array, then the float64 error added and stored again.
            row[k] = (f64::from(mu as f32) + error) as f32;
            let value = f64::from(row[k]);
            level[k] = p.alpha * value + (1.0 - p.alpha) * level[k];
            mean_y[k] = (fi * mean_y[k] + value) / (i + 1) as f64;
            b[k] = ((i - 1) as f64 * b[k] + 6.0 * (value - mean_y[k]) / (i + 1) as f64)
                / (i + 2) as f64;
            a[k] = mean_y[k] - b[k] * (i + 2) as f64 / 2.0;
        }
    }
    samples
}

/// `np.quantile(values, q)` (linear method) of sorted float32 values without NaN, with a
/// Python-float `q` in `[0, 1]`: numpy interpolates in float32 with the weight rounded to
/// float32.
fn quantile_f32(sorted: &[f32], q: f64) -> f32 {
    let last = sorted.len() - 1;
    let virtual_index = last as f64 * q;
    // At the top numpy takes the last value as both neighbours, at index -1.
    let (lower, below) = if virtual_index >= last as f64 {
        (last, -1.0)
    } else {
        let below = virtual_index.floor();
        (below as usize, below)
    };
    let gamma = virtual_index - below;
    let (a, b) = (sorted[lower], sorted[(lower + 1).min(last)]);
    let diff = b - a;
    if gamma >= 0.5 {
        b - diff * ((1.0 - gamma) as f32)
    } else {
        a + diff * (gamma as f32)
    }
}

/// One band per level from simulated paths, before any seasonal index is applied.
pub(crate) fn simulated_bands(start: &PathStart, h: usize, levels: &[f64]) -> Vec<Band> {
    let mut samples = simulate(start, h);
    let mut bands: Vec<Band> = levels
        .iter()
        .map(|&level| Band {
            level,
            lo: Vec::with_capacity(h),
            hi: Vec::with_capacity(h),
        })
        .collect();
    for row in samples.chunks_exact_mut(N_PATHS) {
        // numpy's quantiles of a row holding NaN are NaN.
        let has_nan = row.iter().any(|v| v.is_nan());
        row.sort_unstable_by(f32::total_cmp);
        let quantile = |q: f64| {
            if has_nan {
                f64::NAN
            } else {
                f64::from(quantile_f32(row, q))
            }
        };
        for band in &mut bands {
            let low = (100.0 - band.level) / 200.0;
            let high = low + band.level / 100.0;
            band.lo.push(quantile(low));
            band.hi.push(quantile(high));
        }
    }
    bands
}
