//! The CES state-space recursion: one-step forecasts, state updates, the three-pass
//! likelihood with backfitting, and multi-step point forecasts.
//!
//! This is statsforecast's compiled `cesupdate` / `cescalc` / `cesfcst`, operation for
//! operation (same association order, same `NA` sentinel), so identical parameters give
//! identical states, residuals and forecasts. The multi-step mean squared errors
//! (`amse`) that `cescalc` also accumulates feed nothing statsforecast reports for CES and
//! are not computed.
//!
//! States are a row-major matrix with one row per time step and
//! [`SeasonType::components`] columns: the complex level `(l, c)`, then for partial
//! seasonality one seasonal state, for full seasonality a complex seasonal pair. The first
//! `lags` rows hold the initial states, the next `n` rows follow the observations and the
//! last `lags` rows continue them without new data; [`likelihood`] fills all of them.

use std::ops::{Add, Mul, Sub};

/// What a state holds: a number, or one number per simulated path ([`Lanes`]), with the
/// arithmetic the recursion needs.
pub(crate) trait Value:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<f64, Output = Self>
{
}

impl<T: Copy + Add<Output = T> + Sub<Output = T> + Mul<f64, Output = T>> Value for T {}

/// Paths simulated side by side: lane `j` of every state belongs to path `j`.
pub(crate) const LANES: usize = 8;

/// One state of [`LANES`] paths. Each lane gets the operations a single path would, in
/// the same order, so its values are those of a path run alone; independent paths in
/// one register hide the latency of the recursion.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Lanes(pub(crate) [f64; LANES]);

impl Add for Lanes {
    type Output = Self;
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Self(std::array::from_fn(|j| self.0[j] + other.0[j]))
    }
}

impl Sub for Lanes {
    type Output = Self;
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Self(std::array::from_fn(|j| self.0[j] - other.0[j]))
    }
}

impl Mul<f64> for Lanes {
    type Output = Self;
    #[inline(always)]
    fn mul(self, k: f64) -> Self {
        Self(std::array::from_fn(|j| self.0[j] * k))
    }
}

/// statsforecast's missing-value sentinel: a one-step forecast equal to it aborts a pass.
pub(crate) const NA: f64 = -99999.0;
/// How close a forecast must be to [`NA`] to count as it.
const NA_TOL: f64 = 1e-10;

/// The seasonal forms of CES (statsforecast's `seasontype` letters N, S, P, F).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeasonType {
    /// `N`: no seasonality.
    None,
    /// `S`: simple seasonality, a lagged complex level (one level per season position).
    Simple,
    /// `P`: partial seasonality, a real additive seasonal state.
    Partial,
    /// `F`: full seasonality, a complex seasonal pair.
    Full,
}

/// Numeric codes for the const-generic recursion (the `SeasonType` order).
const NONE: u8 = 0;
const SIMPLE: u8 = 1;
const PARTIAL: u8 = 2;
const FULL: u8 = 3;

impl SeasonType {
    /// statsforecast's letter.
    pub(crate) fn letter(self) -> &'static str {
        match self {
            Self::None => "N",
            Self::Simple => "S",
            Self::Partial => "P",
            Self::Full => "F",
        }
    }

    /// The form a letter names.
    pub(crate) fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "N" => Some(Self::None),
            "S" => Some(Self::Simple),
            "P" => Some(Self::Partial),
            "F" => Some(Self::Full),
            _ => None,
        }
    }

    /// Columns of a state row.
    pub(crate) fn components(self) -> usize {
        match self {
            Self::None | Self::Simple => 2,
            Self::Partial => 3,
            Self::Full => 4,
        }
    }

    /// Rows of initial states, and the lag of the seasonal recursion: 1 without a season.
    pub(crate) fn lags(self, season_length: usize) -> usize {
        if self == Self::None { 1 } else { season_length }
    }
}

/// Smoothing parameters: `alpha_0 + i·alpha_1` for the level, `beta_0 + i·beta_1` for a
/// full season (`beta_0` alone for a partial one). Unused ones are NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Smoothing {
    pub(crate) alpha_0: f64,
    pub(crate) alpha_1: f64,
    pub(crate) beta_0: f64,
    pub(crate) beta_1: f64,
}

/// Columns of a state row of form `S` ([`SeasonType::components`]).
const fn width(s: u8) -> usize {
    match s {
        NONE | SIMPLE => 2,
        PARTIAL => 3,
        _ => 4,
    }
}

/// The complex level that row `i` builds on: row `i - lags` for simple seasonality,
/// otherwise `previous`, the level of row `i - 1`, which the loops carry from one row to
/// the next rather than read back from memory.
#[inline(always)]
fn level_of<const S: u8, V: Value>(
    states: &[V],
    lags: usize,
    i: usize,
    previous: (V, V),
) -> (V, V) {
    if S == SIMPLE {
        let row = (i - lags) * width(S);
        (states[row], states[row + 1])
    } else {
        previous
    }
}

/// The level of the row before `i`, where the loops start carrying it.
#[inline(always)]
fn level_before<const S: u8, V: Value>(states: &[V], i: usize) -> (V, V) {
    let row = (i - 1) * width(S);
    (states[row], states[row + 1])
}

/// One-step forecast for row `i` of `states` (lag `lags`) from its level.
#[inline(always)]
fn one_step<const S: u8, V: Value>(states: &[V], lags: usize, i: usize, level: (V, V)) -> V {
    if S >= PARTIAL {
        level.0 + states[(i - lags) * width(S) + 2]
    } else {
        level.0
    }
}

/// Fills row `i` of `states` from its level, the earlier rows and observation `y`, and
/// returns the row's level (statsforecast's `cesupdate`; a product `c · s` there is
/// `s * c` here, the same number).
#[inline(always)]
fn update<const S: u8, V: Value>(
    states: &mut [V],
    lags: usize,
    i: usize,
    p: &Smoothing,
    (s0, s1): (V, V),
    y: V,
) -> (V, V) {
    let cols = width(S);
    let season_row = (i - lags) * cols;
    let mut e = y - s0;
    if S >= PARTIAL {
        e = e - states[season_row + 2];
    }
    let row = i * cols;
    let level = (
        s0 - s1 * (1.0 - p.alpha_1) + e * (p.alpha_0 - p.alpha_1),
        s0 + s1 * (1.0 - p.alpha_0) + e * (p.alpha_0 + p.alpha_1),
    );
    states[row] = level.0;
    states[row + 1] = level.1;
    if S == PARTIAL {
        states[row + 2] = states[season_row + 2] + e * p.beta_0;
    }
    if S == FULL {
        let (s2, s3) = (states[season_row + 2], states[season_row + 3]);
        states[row + 2] = s2 - s3 * (1.0 - p.beta_1) + e * (p.beta_0 - p.beta_1);
        states[row + 3] = s2 + s3 * (1.0 - p.beta_0) + e * (p.beta_0 + p.beta_1);
    }
    level
}

/// Runs `buf` (whose first `lags` rows are set) forward without data, each forecast
/// standing in for its observation, and hands every forecast to `emit`. `buf` holds
/// `lags + steps` rows (statsforecast's `cesfcst`).
#[inline(always)]
fn extend<const S: u8, V: Value>(
    buf: &mut [V],
    lags: usize,
    p: &Smoothing,
    mut emit: impl FnMut(usize, V),
) {
    let rows = buf.len() / width(S);
    if rows <= lags {
        return;
    }
    let mut level = level_before::<S, V>(buf, lags);
    for i in lags..rows {
        let l = level_of::<S, V>(buf, lags, i, level);
        let f = one_step::<S, V>(buf, lags, i, l);
        level = update::<S, V>(buf, lags, i, p, l, f);
        emit(i - lags, f);
    }
}

/// One pass over `y`: writes the one-step errors to `e` and returns their sum of squares,
/// or `None` when a forecast hits the [`NA`] sentinel.
#[inline(always)]
fn pass<const S: u8>(
    y: &[f64],
    states: &mut [f64],
    lags: usize,
    p: &Smoothing,
    e: &mut [f64],
) -> Option<f64> {
    let mut sse = 0.0;
    let mut level = level_before::<S, f64>(states, lags);
    for (t, (&obs, err)) in y.iter().zip(e.iter_mut()).enumerate() {
        let i = t + lags;
        let l = level_of::<S, f64>(states, lags, i, level);
        let f = one_step::<S, f64>(states, lags, i, l);
        if (f - NA).abs() < NA_TOL {
            return None;
        }
        *err = obs - f;
        level = update::<S, f64>(states, lags, i, p, l, obs);
        sse += *err * *err;
    }
    Some(sse)
}

/// Continues the states past the data: the last `lags` rows are forecast from the
/// `lags` rows before them.
#[inline(always)]
fn fill_trailing<const S: u8>(states: &mut [f64], n: usize, lags: usize, p: &Smoothing) {
    extend::<S, f64>(&mut states[n * width(S)..], lags, p, |_, _| {});
}

/// Reverses the order of the rows of a `cols`-column matrix.
fn reverse_rows(states: &mut [f64], cols: usize) {
    let rows = states.len() / cols;
    for i in 0..rows / 2 {
        let (head, tail) = states.split_at_mut((rows - 1 - i) * cols);
        head[i * cols..(i + 1) * cols].swap_with_slice(&mut tail[..cols]);
    }
}

fn likelihood_of<const S: u8>(
    y: &[f64],
    y_reversed: &[f64],
    states: &mut [f64],
    lags: usize,
    p: &Smoothing,
    e: &mut [f64],
) -> Option<f64> {
    let n = y.len();
    pass::<S>(y, states, lags, p, e)?;
    fill_trailing::<S>(states, n, lags, p);
    // Backfitting: the same recursion on the reversed data, started from the states
    // continued past the end; then forward again from the states it leaves before the
    // start.
    reverse_rows(states, width(S));
    pass::<S>(y_reversed, states, lags, p, e)?;
    fill_trailing::<S>(states, n, lags, p);
    reverse_rows(states, width(S));
    let sse = pass::<S>(y, states, lags, p, e)?;
    fill_trailing::<S>(states, n, lags, p);
    Some(n as f64 * sse.ln())
}

/// statsforecast's `cescalc` with backfitting: `n · ln(Σ e²)` of the final forward pass,
/// or `None` when a forecast hit [`NA`].
///
/// `states` holds `n + 2·lags` rows, the first `lags` of them set to the initial states;
/// on return every row is filled and `e` holds the final pass's one-step errors.
/// `y_reversed` is `y` backwards.
pub(crate) fn likelihood(
    y: &[f64],
    y_reversed: &[f64],
    states: &mut [f64],
    season: SeasonType,
    lags: usize,
    p: &Smoothing,
    e: &mut [f64],
) -> Option<f64> {
    match season {
        SeasonType::None => likelihood_of::<NONE>(y, y_reversed, states, lags, p, e),
        SeasonType::Simple => likelihood_of::<SIMPLE>(y, y_reversed, states, lags, p, e),
        SeasonType::Partial => likelihood_of::<PARTIAL>(y, y_reversed, states, lags, p, e),
        SeasonType::Full => likelihood_of::<FULL>(y, y_reversed, states, lags, p, e),
    }
}

/// Point forecasts: `buf` holds `lags + out.len()` rows of which the first `lags` are the
/// states to forecast from; the rest are overwritten (statsforecast's `cesfcst`).
pub(crate) fn forecast_into<V: Value>(
    buf: &mut [V],
    season: SeasonType,
    lags: usize,
    p: &Smoothing,
    out: &mut [V],
) {
    let emit = |k: usize, f: V| out[k] = f;
    match season {
        SeasonType::None => extend::<NONE, V>(buf, lags, p, emit),
        SeasonType::Simple => extend::<SIMPLE, V>(buf, lags, p, emit),
        SeasonType::Partial => extend::<PARTIAL, V>(buf, lags, p, emit),
        SeasonType::Full => extend::<FULL, V>(buf, lags, p, emit),
    }
}
