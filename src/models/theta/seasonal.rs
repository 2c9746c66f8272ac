//! The seasonal adjustment of statsforecast's `auto_theta`: the autocorrelation test that
//! decides whether to decompose, and the classical decomposition (statsmodels'
//! `seasonal_decompose`) whose seasonal component is divided out (or subtracted) before
//! fitting and put back on the forecasts.

use crate::models::ets::seasonal_component;
use crate::models::optim::openblas_dot;
use crate::models::reductions::{mean, pairwise_sum};

/// `scipy.stats.norm.ppf(0.95)`, the one-sided 5 % critical value of the test.
const CRITICAL_VALUE: f64 = 1.6448536269514722;

/// Below this a multiplicative seasonal index makes statsforecast switch to the additive
/// decomposition.
const SMALLEST_INDEX: f64 = 0.01;

/// How the seasonal component combines with the rest of the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecompositionType {
    Multiplicative,
    Additive,
}

impl DecompositionType {
    /// statsforecast's spelling.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Multiplicative => "multiplicative",
            Self::Additive => "additive",
        }
    }

    /// Reads `'multiplicative'` or `'additive'`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "multiplicative" => Some(Self::Multiplicative),
            "additive" => Some(Self::Additive),
            _ => None,
        }
    }

    /// `value` with the seasonal index `index` put back.
    pub(crate) fn apply(self, value: f64, index: f64) -> f64 {
        match self {
            Self::Multiplicative => value * index,
            Self::Additive => value + index,
        }
    }

    /// `value` with the seasonal index `index` taken out.
    fn remove(self, value: f64, index: f64) -> f64 {
        match self {
            Self::Multiplicative => value / index,
            Self::Additive => value - index,
        }
    }
}

/// statsforecast's seasonality test: with `m >= 4` and at least two seasons of data, the
/// lag-`m` autocorrelation `r_m` (statsmodels' `acf(y, nlags=m, fft=False)`) is significant
/// when `|r_m| > 1.645 · sqrt((1 + 2 Σ_{k<m} r_k²) / n)`.
///
/// The autocovariances are the dot products numpy's `correlate` hands to OpenBLAS, in
/// OpenBLAS's summation order, so the decision agrees with statsforecast's even at the
/// margin. A constant series has no autocorrelation (NaN) and is not seasonal.
pub(crate) fn is_seasonal(y: &[f64], m: usize) -> bool {
    let n = y.len();
    if m < 4 || n < 2 * m {
        return false;
    }
    let centre = mean(y);
    let centred: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let nf = n as f64;
    let autocovariance = |lag: usize| openblas_dot(&centred[lag..], &centred[..n - lag]) / nf;
    let variance = autocovariance(0);
    let acf: Vec<f64> = (1..=m).map(|lag| autocovariance(lag) / variance).collect();
    let squares: Vec<f64> = acf[..m - 1].iter().map(|r| r * r).collect();
    let scale = ((1.0 + 2.0 * pairwise_sum(&squares)) / nf).sqrt();
    acf[m - 1].abs() / scale > CRITICAL_VALUE
}

/// A series with its seasonal component taken out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Adjusted {
    /// The decomposition actually used.
    pub(crate) kind: DecompositionType,
    /// The seasonal component, one index per observation.
    pub(crate) seasonal: Vec<f64>,
    /// The seasonally adjusted series.
    pub(crate) y: Vec<f64>,
}

/// Removes the seasonal component of period `m` (`y` needs at least `2 m` finite values).
///
/// As statsforecast: a multiplicative decomposition falls back to the additive one when the
/// series has a value `<= 0` or a seasonal index comes out below 0.01.
pub(crate) fn deseasonalise(y: &[f64], m: usize, requested: DecompositionType) -> Adjusted {
    let mut kind = requested;
    if kind == DecompositionType::Multiplicative && y.iter().any(|&v| v <= 0.0) {
        kind = DecompositionType::Additive;
    }
    let mut seasonal = seasonal_component(y, m, kind == DecompositionType::Multiplicative);
    if kind == DecompositionType::Multiplicative && seasonal.iter().any(|&s| s < SMALLEST_INDEX) {
        kind = DecompositionType::Additive;
        seasonal = seasonal_component(y, m, false);
    }
    let adjusted = y
        .iter()
        .zip(&seasonal)
        .map(|(&v, &s)| kind.remove(v, s))
        .collect();
    Adjusted {
        kind,
        seasonal,
        y: adjusted,
    }
}
