//! The ETS state-space recursion: one-step forecasts, state updates, the likelihood the
//! optimiser minimises, and multi-step point forecasts.
//!
//! This is statsforecast's compiled `etscalc` / `etsforecast`, operation for operation (the
//! same guards against division by ~0, the same `NA` sentinel, the same association order),
//! so that identical parameters give identical states, forecasts and residuals. The
//! seasonal states live in a ring buffer: statsforecast shifts an array every step, which
//! costs `O(m)`; the values are the same. One deliberate difference: the `Σ ln |f|` term of
//! multiplicative-error likelihoods is formed through a product (see [`sum_log_abs`]), so
//! those likelihoods can differ from statsforecast's in the last bits.
//!
//! State layout everywhere (as statsforecast's `states` rows): `[l, b?, s_1, ..., s_m]`,
//! where `b` exists only with a trend and `s_1` is the most recent seasonal state (the one
//! that was updated last), `s_m` the one used by the next observation.

use super::components::Component;

/// Guard below which a divisor counts as zero.
pub(crate) const TOL: f64 = 1e-10;
/// Stand-in for the result of a division by ~0.
pub(crate) const HUGE_N: f64 = 1e10;
/// statsforecast's missing-value sentinel: a one-step forecast equal to it aborts the pass.
pub(crate) const NA: f64 = -99999.0;

/// Smoothing parameters as the recursion uses them: `beta = 0` without a trend,
/// `gamma = 0` without a season, `phi = 1` when not damped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Smoothing {
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) gamma: f64,
    pub(crate) phi: f64,
}

/// The components and season length the recursion runs with (`m = 1` without a season).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shape {
    pub(crate) error: Component,
    pub(crate) trend: Component,
    pub(crate) season: Component,
    pub(crate) m: usize,
}

impl Shape {
    /// Length of a state row: level, trend (if any), `m` seasonal states (if any).
    pub(crate) fn state_len(&self) -> usize {
        1 + usize::from(self.trend.is_present()) + if self.season.is_present() { self.m } else { 0 }
    }

    fn season_offset(&self) -> usize {
        1 + usize::from(self.trend.is_present())
    }
}

/// Level, trend and a ring of seasonal states; `season(k)` is `s_{k+1}` of the layout above.
struct State<'a> {
    level: f64,
    trend: f64,
    ring: &'a mut [f64],
    head: usize,
}

impl State<'_> {
    /// Ring index of `s_m`, the seasonal state the next observation uses (`old_s[m - 1]`);
    /// it is also where the next `s_1` goes.
    #[inline(always)]
    fn oldest_index(&self) -> usize {
        if self.head == 0 {
            self.ring.len() - 1
        } else {
            self.head - 1
        }
    }

    /// `s_m` (see [`Self::oldest_index`]).
    #[inline(always)]
    fn oldest(&self) -> f64 {
        self.ring[self.oldest_index()]
    }

    /// Seasonal state `s_{k+1}` (0-based `k < m`).
    fn season(&self, k: usize) -> f64 {
        self.ring[(self.head + k) % self.ring.len()]
    }

    /// Makes `value` the new `s_1`; the others move one place down, `s_m` drops out.
    #[inline(always)]
    fn push(&mut self, value: f64) {
        let slot = self.oldest_index();
        self.ring[slot] = value;
        self.head = slot;
    }
}

/// The level carried `k` steps ahead by the trend, `phistar` being the damped step count
/// (`phi` for one step): `l`, `l + phistar·b` or `l·b^phistar`.
#[inline(always)]
fn trended(trend: Component, level: f64, slope: f64, phistar: f64) -> f64 {
    match trend {
        Component::None => level,
        Component::Additive => level + phistar * slope,
        Component::Multiplicative => {
            if slope < 0.0 {
                f64::NAN
            } else {
                level * slope.powf(phistar)
            }
        }
    }
}

/// `f` with the seasonal state `s` applied.
#[inline(always)]
fn seasonalised(season: Component, f: f64, s: f64) -> f64 {
    match season {
        Component::None => f,
        Component::Additive => f + s,
        Component::Multiplicative => f * s,
    }
}

/// One-step-ahead point forecast from the current state.
#[inline(always)]
fn one_step(shape: &Shape, phi: f64, state: &State<'_>) -> f64 {
    let f = trended(shape.trend, state.level, state.trend, phi);
    if shape.season.is_present() {
        seasonalised(shape.season, f, state.oldest())
    } else {
        f
    }
}

/// `a / b`, or [`HUGE_N`] when `b` is within [`TOL`] of zero.
#[inline(always)]
fn guarded_ratio(a: f64, b: f64) -> f64 {
    if b.abs() < TOL { HUGE_N } else { a / b }
}

/// Moves the state past observation `y` (statsforecast's `update`).
#[inline(always)]
fn update(shape: &Shape, sm: &Smoothing, ratio: f64, state: &mut State<'_>, y: f64) {
    let old_level = state.level;
    let old_trend = state.trend;
    let (q, phi_b) = match shape.trend {
        Component::None => (old_level, 0.0),
        Component::Additive => {
            let phi_b = sm.phi * old_trend;
            (old_level + phi_b, phi_b)
        }
        Component::Multiplicative => {
            let phi_b = if (sm.phi - 1.0).abs() < TOL {
                old_trend
            } else {
                old_trend.powf(sm.phi)
            };
            (old_level * phi_b, phi_b)
        }
    };
    let s_old = if shape.season.is_present() {
        state.oldest()
    } else {
        0.0
    };
    let p = match shape.season {
        Component::None => y,
        Component::Additive => y - s_old,
        Component::Multiplicative => guarded_ratio(y, s_old),
    };
    let level = q + sm.alpha * (p - q);
    state.level = level;
    if shape.trend.is_present() {
        let r = match shape.trend {
            Component::Additive => level - old_level,
            _ => guarded_ratio(level, old_level),
        };
        state.trend = phi_b + ratio * (r - phi_b);
    }
    if shape.season.is_present() {
        let t = match shape.season {
            Component::Additive => y - q,
            _ => guarded_ratio(y, q),
        };
        state.push(s_old + sm.gamma * (t - s_old));
    }
}

/// Reusable buffers for [`likelihood`], so the optimiser allocates nothing per evaluation.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    ring: Vec<f64>,
    /// One-step forecasts of a multiplicative-error pass, for [`sum_log_abs`].
    forecasts: Vec<f64>,
}

fn load<'a>(shape: &Shape, init: &[f64], ring: &'a mut Vec<f64>) -> State<'a> {
    let level = init[0];
    let trend = if shape.trend.is_present() {
        init[1]
    } else {
        0.0
    };
    ring.clear();
    if shape.season.is_present() {
        let offset = shape.season_offset();
        ring.extend_from_slice(&init[offset..offset + shape.m]);
    } else {
        ring.push(0.0);
    }
    State {
        level,
        trend,
        ring,
        head: 0,
    }
}

/// Sum of squared errors and of `log |forecast|` turned into statsforecast's criterion:
/// `n · log(Σ e²)` (+ `2 Σ log |f|` for multiplicative errors).
fn finish_likelihood(n: usize, sum_sq: f64, sum_log: f64, multiplicative: bool) -> f64 {
    let n = n as f64;
    let mut lik = if sum_sq > 0.0 {
        n * sum_sq.ln()
    } else {
        n * (sum_sq + 1e-8).ln()
    };
    if multiplicative {
        lik += 2.0 * sum_log;
    }
    lik
}

/// `ln |f|`, with `ln(1e-8)` for `f = 0` (statsforecast's guard).
fn log_abs(f: f64) -> f64 {
    let v = f.abs();
    if v > 0.0 { v.ln() } else { (v + 1e-8).ln() }
}

/// `Σ ln |f|` over `forecasts`, the term multiplicative-error likelihoods add.
///
/// One `ln` per observation costs more than the whole recursion step, so the sum is taken as
/// the logarithm of the product, kept exact in its exponent: binary exponents are added as
/// integers, mantissas (in `[1, 2)`) multiplied in four interleaved products of at most 256
/// factors each, folded after every 1024 values so that none overflows. That has one
/// rounding per factor and one `ln`, where the term-by-term sum has a rounded `ln` and an
/// addition per term: not the same last bits, no less accurate. Zero, subnormal, infinite
/// or NaN forecasts take the term-by-term sum.
fn sum_log_abs(forecasts: &[f64]) -> f64 {
    const EXPONENT_BITS: u64 = 0x7ff0_0000_0000_0000;
    const ONE: u64 = 0x3ff0_0000_0000_0000;
    /// Splits `v` (positive, normal) into its binary exponent and a mantissa in `[1, 2)`.
    fn split(v: f64) -> (i64, f64) {
        let bits = v.to_bits();
        let exponent = ((bits & EXPONENT_BITS) >> 52) as i64 - 1023;
        (exponent, f64::from_bits((bits & !EXPONENT_BITS) | ONE))
    }
    let normal = |f: &f64| f.is_normal();
    if !forecasts.iter().all(normal) {
        return forecasts.iter().fold(0.0, |sum, &f| sum + log_abs(f));
    }
    let mut exponent: i64 = 0;
    let mut mantissa = 1.0;
    for block in forecasts.chunks(1024) {
        let mut products = [1.0; 4];
        let mut quads = block.chunks_exact(4);
        for quad in &mut quads {
            for k in 0..4 {
                let (e, m) = split(quad[k].abs());
                exponent += e;
                products[k] *= m;
            }
        }
        for &f in quads.remainder() {
            let (e, m) = split(f.abs());
            exponent += e;
            products[0] *= m;
        }
        // Each product is below 2^257; fold them one at a time into a mantissa below 2.
        for product in products {
            let (e, m) = split(product);
            exponent += e;
            let (e, m) = split(mantissa * m);
            exponent += e;
            mantissa = m;
        }
    }
    // ln 2 as its leading 21 bits (times any exponent, exact) plus the rest.
    const LN2_HI: f64 = 0.693_146_705_627_441_4;
    const LN2_LO: f64 = 4.749_325_039_031_672_6e-7;
    let e = exponent as f64;
    mantissa.ln() + (e * LN2_HI + e * LN2_LO)
}

#[inline(always)]
fn error_of(shape: &Shape, y: f64, f: f64) -> f64 {
    if matches!(shape.error, Component::Additive) {
        y - f
    } else {
        let f0 = if f.abs() < TOL { f + TOL } else { f };
        (y - f) / f0
    }
}

/// statsforecast's likelihood criterion for the initial state `init` (full layout) and the
/// smoothing parameters; [`NA`] when a one-step forecast hits the sentinel.
pub(crate) fn likelihood(
    y: &[f64],
    init: &[f64],
    shape: &Shape,
    sm: &Smoothing,
    work: &mut Workspace,
) -> f64 {
    // One copy of the loop per component combination, so the branches fold away; with
    // `phi = 1` (no damping) a second copy drops the multiplications by `phi`, which sit on
    // the loop's dependency chain (`1 * x == x` exactly, so the numbers are the same).
    macro_rules! run {
        ($trend:expr, $season:expr, $error:expr) => {{
            let shape = Shape {
                error: $error,
                trend: $trend,
                season: $season,
                m: shape.m,
            };
            if sm.phi == 1.0 && shape.trend.is_present() {
                let undamped = Smoothing { phi: 1.0, ..*sm };
                likelihood_loop(y, init, &shape, &undamped, work)
            } else {
                likelihood_loop(y, init, &shape, sm, work)
            }
        }};
    }
    use Component::{Additive as A, Multiplicative as M, None as N};
    match (shape.trend, shape.season, shape.error) {
        (N, N, A) => run!(N, N, A),
        (N, N, _) => run!(N, N, M),
        (N, A, A) => run!(N, A, A),
        (N, A, _) => run!(N, A, M),
        (N, M, A) => run!(N, M, A),
        (N, M, _) => run!(N, M, M),
        (A, N, A) => run!(A, N, A),
        (A, N, _) => run!(A, N, M),
        (A, A, A) => run!(A, A, A),
        (A, A, _) => run!(A, A, M),
        (A, M, A) => run!(A, M, A),
        (A, M, _) => run!(A, M, M),
        (M, N, A) => run!(M, N, A),
        (M, N, _) => run!(M, N, M),
        (M, A, A) => run!(M, A, A),
        (M, A, _) => run!(M, A, M),
        (M, M, A) => run!(M, M, A),
        (M, M, _) => run!(M, M, M),
    }
}

#[inline(always)]
fn likelihood_loop(
    y: &[f64],
    init: &[f64],
    shape: &Shape,
    sm: &Smoothing,
    work: &mut Workspace,
) -> f64 {
    let mut state = load(shape, init, &mut work.ring);
    let ratio = sm.beta / sm.alpha;
    let multiplicative = matches!(shape.error, Component::Multiplicative);
    let forecasts = &mut work.forecasts;
    forecasts.clear();
    let mut sum_sq = 0.0;
    for &obs in y {
        let f = one_step(shape, sm.phi, &state);
        if (f - NA).abs() < TOL {
            return NA;
        }
        let e = error_of(shape, obs, f);
        update(shape, sm, ratio, &mut state, obs);
        sum_sq += e * e;
        if multiplicative {
            forecasts.push(f);
        }
    }
    finish_likelihood(y.len(), sum_sq, sum_log_abs(forecasts), multiplicative)
}

/// Everything a full pass over the data yields (statsforecast's `pegelsresid`).
#[derive(Debug, Clone)]
pub(crate) struct Pass {
    /// One-step errors (relative errors for multiplicative models); NaN after an abort.
    pub(crate) residuals: Vec<f64>,
    /// Mean squared `k`-step errors, `k = 1..=nmse`.
    pub(crate) amse: Vec<f64>,
    /// The state after the last observation (NaN after an abort).
    pub(crate) last_state: Vec<f64>,
    /// The likelihood criterion, NaN when the pass aborted on the sentinel.
    pub(crate) lik: f64,
}

/// Runs the recursion over `y` from `init`, keeping residuals, `nmse`-step mean squared
/// errors and the final state.
pub(crate) fn full_pass(
    y: &[f64],
    init: &[f64],
    shape: &Shape,
    sm: &Smoothing,
    nmse: usize,
) -> Pass {
    let n = y.len();
    let nmse = nmse.min(30);
    let mut ring = Vec::new();
    let mut state = load(shape, init, &mut ring);
    let ratio = sm.beta / sm.alpha;
    let multiplicative = shape.error == Component::Multiplicative;
    let mut residuals = vec![f64::NAN; n];
    let mut amse = vec![0.0; nmse];
    let mut denom = vec![0.0; nmse];
    let mut path = vec![0.0; nmse.max(1)];
    let mut sum_sq = 0.0;
    let mut forecasts = Vec::with_capacity(if multiplicative { n } else { 0 });
    for (i, &obs) in y.iter().enumerate() {
        forecast_into(shape, sm.phi, &state, &mut path);
        let f = path[0];
        if (f - NA).abs() < TOL {
            return Pass {
                residuals,
                amse,
                last_state: vec![f64::NAN; shape.state_len()],
                lik: f64::NAN,
            };
        }
        let e = error_of(shape, obs, f);
        residuals[i] = e;
        for j in 0..nmse {
            if i + j < n {
                denom[j] += 1.0;
                let d = y[i + j] - path[j];
                amse[j] = (amse[j] * (denom[j] - 1.0) + d * d) / denom[j];
            }
        }
        update(shape, sm, ratio, &mut state, obs);
        sum_sq += e * e;
        if multiplicative {
            forecasts.push(f);
        }
    }
    let lik = finish_likelihood(n, sum_sq, sum_log_abs(&forecasts), multiplicative);
    Pass {
        residuals,
        amse,
        last_state: snapshot(shape, &state),
        lik,
    }
}

fn snapshot(shape: &Shape, state: &State<'_>) -> Vec<f64> {
    let mut row = Vec::with_capacity(shape.state_len());
    row.push(state.level);
    if shape.trend.is_present() {
        row.push(state.trend);
    }
    if shape.season.is_present() {
        row.extend((0..shape.m).map(|k| state.season(k)));
    }
    row
}

/// `out.len()` point forecasts from `state` (statsforecast's `forecast`).
fn forecast_into(shape: &Shape, phi: f64, state: &State<'_>, out: &mut [f64]) {
    let h = out.len();
    let m = state.ring.len();
    let mut phistar = phi;
    for (i, slot) in out.iter_mut().enumerate() {
        let f = trended(shape.trend, state.level, state.trend, phistar);
        // Seasonal state s_{m - i}, cycling: index (m - 1 - i) mod m.
        *slot = seasonalised(shape.season, f, state.season(m - 1 - i % m));
        if i + 1 < h {
            if (phi - 1.0).abs() < TOL {
                phistar += 1.0;
            } else {
                phistar += phi.powf((i + 1) as f64);
            }
        }
    }
}

/// statsforecast's `etssimulate` of one sample path from the state row `state0`: each
/// step's one-step forecast, perturbed by `e[i]` (added, or relative for multiplicative
/// errors), becomes the observation the state moves past. A forecast equal to the [`NA`]
/// sentinel writes `NA` into `out[0]` and ends the path.
pub(crate) fn simulate(shape: &Shape, sm: &Smoothing, state0: &[f64], e: &[f64], out: &mut [f64]) {
    let mut ring = Vec::new();
    let mut state = load(shape, state0, &mut ring);
    let ratio = sm.beta / sm.alpha;
    for (slot, &error) in out.iter_mut().zip(e) {
        let f = one_step(shape, sm.phi, &state);
        if (f - NA).abs() < TOL {
            out[0] = NA;
            return;
        }
        let value = if shape.error == Component::Additive {
            f + error
        } else {
            f * (1.0 + error)
        };
        *slot = value;
        update(shape, sm, ratio, &mut state, value);
    }
}

/// `h` point forecasts from a state row `[l, b?, s_1..s_m]`.
pub(crate) fn forecast(shape: &Shape, phi: f64, last_state: &[f64], h: usize) -> Vec<f64> {
    let mut ring = Vec::new();
    let state = load(shape, last_state, &mut ring);
    let mut out = vec![0.0; h];
    forecast_into(shape, phi, &state, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{Shape, Smoothing, Workspace, forecast, full_pass, likelihood, sum_log_abs};
    use crate::models::ets::components::Component::{
        Additive as A, Multiplicative as M, None as N,
    };

    fn ses(y: &[f64], alpha: f64, l0: f64) -> (Vec<f64>, f64) {
        let mut level = l0;
        let mut errors = Vec::new();
        for &v in y {
            errors.push(v - level);
            level += alpha * (v - level);
        }
        (errors, level)
    }

    #[test]
    fn ann_is_simple_exponential_smoothing() {
        let y = [3.0, 5.0, 4.0, 6.0, 8.0, 7.0];
        let shape = Shape {
            error: A,
            trend: N,
            season: N,
            m: 1,
        };
        let sm = Smoothing {
            alpha: 0.3,
            beta: 0.0,
            gamma: 0.0,
            phi: 1.0,
        };
        let pass = full_pass(&y, &[2.0], &shape, &sm, 3);
        let (errors, level) = ses(&y, 0.3, 2.0);
        for (a, b) in pass.residuals.iter().zip(&errors) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!((pass.last_state[0] - level).abs() < 1e-12);
        let sse: f64 = errors.iter().map(|e| e * e).sum();
        assert!((pass.lik - 6.0 * sse.ln()).abs() < 1e-9);
        let mut work = Workspace::default();
        assert_eq!(
            likelihood(&y, &[2.0], &shape, &sm, &mut work).to_bits(),
            pass.lik.to_bits()
        );
        assert_eq!(
            forecast(&shape, 1.0, &pass.last_state, 3),
            vec![pass.last_state[0]; 3]
        );
        // One-step mean squared error is the mean squared residual.
        assert!((pass.amse[0] - sse / 6.0).abs() < 1e-9);
    }

    #[test]
    fn additive_trend_and_season_by_hand() {
        // alpha = 1, beta = 0, gamma = 0: the level tracks y - s, the trend and seasons stay.
        let shape = Shape {
            error: A,
            trend: A,
            season: A,
            m: 2,
        };
        let sm = Smoothing {
            alpha: 1.0,
            beta: 0.0,
            gamma: 0.0,
            phi: 1.0,
        };
        // state [l, b, s_1, s_2]: the first observation uses s_2 = -1.
        let init = [10.0, 1.0, 1.0, -1.0];
        let y = [10.0, 13.0];
        let pass = full_pass(&y, &init, &shape, &sm, 1);
        // f1 = 10 + 1 - 1 = 10, e1 = 0; level = 11; f2 = 11 + 1 + 1 = 13, e2 = 0.
        assert_eq!(pass.residuals, vec![0.0, 0.0]);
        assert_eq!(pass.last_state, vec![12.0, 1.0, 1.0, -1.0]);
        assert_eq!(
            forecast(&shape, 1.0, &pass.last_state, 3),
            vec![12.0, 15.0, 14.0]
        );
    }

    #[test]
    fn damped_forecasts_accumulate_powers_of_phi() {
        // statsforecast (like R's ets C code) starts the multiplier at phi and then adds
        // phi^1, phi^2, ...: 0.5, 1.0, 1.25 for phi = 0.5.
        let shape = Shape {
            error: A,
            trend: A,
            season: N,
            m: 1,
        };
        let f = forecast(&shape, 0.5, &[10.0, 4.0], 3);
        assert_eq!(f, vec![12.0, 14.0, 15.0]);
    }

    #[test]
    fn multiplicative_error_adds_log_forecasts() {
        let shape = Shape {
            error: M,
            trend: N,
            season: M,
            m: 2,
        };
        let sm = Smoothing {
            alpha: 0.2,
            beta: 0.0,
            gamma: 0.1,
            phi: 1.0,
        };
        let init = [5.0, 1.2, 0.8];
        let y = [4.0, 6.1, 4.2, 5.9];
        let pass = full_pass(&y, &init, &shape, &sm, 3);
        let mut work = Workspace::default();
        assert_eq!(
            likelihood(&y, &init, &shape, &sm, &mut work).to_bits(),
            pass.lik.to_bits()
        );
        // First forecast 5 * 0.8 = 4: relative error 0.
        assert_eq!(pass.residuals[0], 0.0);
        assert!(pass.lik.is_finite());
    }

    #[test]
    fn log_sum_through_the_product() {
        let terms = |values: &[f64]| values.iter().map(|v| v.abs().ln()).sum::<f64>();
        let values: Vec<f64> = (1..3000)
            .map(|i| (i as f64 * 0.37).sin() * 1e3 + 1e-3)
            .collect();
        let exact = terms(&values);
        assert!((sum_log_abs(&values) - exact).abs() < 1e-9 * exact.abs());
        // Huge and tiny factors: no overflow of the running product.
        let wide = [1e300, 1e-300, 1e300, 1e300, -3.5, 1e-200];
        assert!((sum_log_abs(&wide) - terms(&wide)).abs() < 1e-12);
        // Zero takes statsforecast's guard, non-finite values propagate.
        assert_eq!(sum_log_abs(&[0.0, 1.0]), (1e-8f64).ln());
        assert_eq!(sum_log_abs(&[2.0, f64::INFINITY]), f64::INFINITY);
        assert!(sum_log_abs(&[2.0, f64::NAN]).is_nan());
        assert_eq!(sum_log_abs(&[]), 0.0);
    }

    #[test]
    fn sentinel_forecast_aborts() {
        let shape = Shape {
            error: A,
            trend: N,
            season: N,
            m: 1,
        };
        let sm = Smoothing {
            alpha: 0.5,
            beta: 0.0,
            gamma: 0.0,
            phi: 1.0,
        };
        let pass = full_pass(&[1.0, 2.0], &[-99999.0], &shape, &sm, 3);
        assert!(pass.lik.is_nan() && pass.last_state[0].is_nan());
        let mut work = Workspace::default();
        assert_eq!(
            likelihood(&[1.0], &[-99999.0], &shape, &sm, &mut work),
            -99999.0
        );
    }
}
