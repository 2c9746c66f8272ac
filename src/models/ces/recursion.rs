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

/// One-step forecast for row `i` of `states` (`cols` columns, lag `lags`).
#[inline(always)]
fn one_step<const S: u8>(states: &[f64], cols: usize, lags: usize, i: usize) -> f64 {
    let level_row = if S == SIMPLE { i - lags } else { i - 1 };
    let f = states[level_row * cols];
    if S >= PARTIAL {
        f + states[(i - lags) * cols + 2]
    } else {
        f
    }
}

/// Fills row `i` of `states` from the earlier rows and observation `y`
/// (statsforecast's `cesupdate`).
#[inline(always)]
fn update<const S: u8>(
    states: &mut [f64],
    cols: usize,
    lags: usize,
    i: usize,
    p: &Smoothing,
    y: f64,
) {
    let level_row = (if S == SIMPLE { i - lags } else { i - 1 }) * cols;
    let season_row = (i - lags) * cols;
    let (s0, s1) = (states[level_row], states[level_row + 1]);
    let mut e = y - s0;
    if S >= PARTIAL {
        e -= states[season_row + 2];
    }
    let row = i * cols;
    states[row] = s0 - (1.0 - p.alpha_1) * s1 + (p.alpha_0 - p.alpha_1) * e;
    states[row + 1] = s0 + (1.0 - p.alpha_0) * s1 + (p.alpha_0 + p.alpha_1) * e;
    if S == PARTIAL {
        states[row + 2] = states[season_row + 2] + p.beta_0 * e;
    }
    if S == FULL {
        let (s2, s3) = (states[season_row + 2], states[season_row + 3]);
        states[row + 2] = s2 - (1.0 - p.beta_1) * s3 + (p.beta_0 - p.beta_1) * e;
        states[row + 3] = s2 + (1.0 - p.beta_0) * s3 + (p.beta_0 + p.beta_1) * e;
    }
}

/// Runs `buf` (whose first `lags` rows are set) forward without data, each forecast
/// standing in for its observation, and hands every forecast to `emit`. `buf` holds
/// `lags + steps` rows (statsforecast's `cesfcst`).
#[inline(always)]
fn extend<const S: u8>(
    buf: &mut [f64],
    cols: usize,
    lags: usize,
    p: &Smoothing,
    mut emit: impl FnMut(usize, f64),
) {
    let rows = buf.len() / cols;
    for i in lags..rows {
        let f = one_step::<S>(buf, cols, lags, i);
        update::<S>(buf, cols, lags, i, p, f);
        emit(i - lags, f);
    }
}

/// One pass over `y`: writes the one-step errors to `e` and returns their sum of squares,
/// or `None` when a forecast hits the [`NA`] sentinel.
#[inline(always)]
fn pass<const S: u8>(
    y: &[f64],
    states: &mut [f64],
    cols: usize,
    lags: usize,
    p: &Smoothing,
    e: &mut [f64],
) -> Option<f64> {
    let mut sse = 0.0;
    for (t, (&obs, err)) in y.iter().zip(e.iter_mut()).enumerate() {
        let i = t + lags;
        let f = one_step::<S>(states, cols, lags, i);
        if (f - NA).abs() < NA_TOL {
            return None;
        }
        *err = obs - f;
        update::<S>(states, cols, lags, i, p, obs);
        sse += *err * *err;
    }
    Some(sse)
}

/// Continues the states past the data: the last `lags` rows are forecast from the
/// `lags` rows before them.
#[inline(always)]
fn fill_trailing<const S: u8>(
    states: &mut [f64],
    n: usize,
    cols: usize,
    lags: usize,
    p: &Smoothing,
) {
    extend::<S>(&mut states[n * cols..], cols, lags, p, |_, _| {});
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
    cols: usize,
    lags: usize,
    p: &Smoothing,
    e: &mut [f64],
) -> Option<f64> {
    let n = y.len();
    pass::<S>(y, states, cols, lags, p, e)?;
    fill_trailing::<S>(states, n, cols, lags, p);
    // Backfitting: the same recursion on the reversed data, started from the states
    // continued past the end; then forward again from the states it leaves before the
    // start.
    reverse_rows(states, cols);
    pass::<S>(y_reversed, states, cols, lags, p, e)?;
    fill_trailing::<S>(states, n, cols, lags, p);
    reverse_rows(states, cols);
    let sse = pass::<S>(y, states, cols, lags, p, e)?;
    fill_trailing::<S>(states, n, cols, lags, p);
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
    let cols = season.components();
    match season {
        SeasonType::None => likelihood_of::<NONE>(y, y_reversed, states, cols, lags, p, e),
        SeasonType::Simple => likelihood_of::<SIMPLE>(y, y_reversed, states, cols, lags, p, e),
        SeasonType::Partial => likelihood_of::<PARTIAL>(y, y_reversed, states, cols, lags, p, e),
        SeasonType::Full => likelihood_of::<FULL>(y, y_reversed, states, cols, lags, p, e),
    }
}

/// Point forecasts: `buf` holds `lags + out.len()` rows of which the first `lags` are the
/// states to forecast from; the rest are overwritten (statsforecast's `cesfcst`).
pub(crate) fn forecast_into(
    buf: &mut [f64],
    season: SeasonType,
    lags: usize,
    p: &Smoothing,
    out: &mut [f64],
) {
    let cols = season.components();
    let emit = |k: usize, f: f64| out[k] = f;
    match season {
        SeasonType::None => extend::<NONE>(buf, cols, lags, p, emit),
        SeasonType::Simple => extend::<SIMPLE>(buf, cols, lags, p, emit),
        SeasonType::Partial => extend::<PARTIAL>(buf, cols, lags, p, emit),
        SeasonType::Full => extend::<FULL>(buf, cols, lags, p, emit),
    }
}
