//! Starting values of an ETS fit: the initial states (statsforecast's `initstate`) and the
//! initial smoothing parameters with their search bounds (`initparam`).

use super::components::Component;
use super::decompose::{fourier_columns, least_squares, linear_fit, seasonal_component};
use crate::models::reductions::pairwise_sum;

/// Why initial states could not be computed (statsforecast raises in these cases).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InitError {
    /// A seasonal model on fewer than 4 observations.
    TooShort,
    /// Multiplicative seasonality on data that is not strictly positive.
    NotPositive,
}

/// Initial states `[l0, b0?, s_1..s_{m-1}]` (the last seasonal state is implied by the others:
/// the states sum to 0, or to `m` for multiplicative seasons).
///
/// Seasonal models take the seasonal pattern from a classical decomposition when there are
/// at least three seasons of data, otherwise from a regression on a line and one Fourier
/// pair; level and trend then come from the first `max(10, 2m)` seasonally adjusted values
/// (their mean, or a least-squares line).
pub(crate) fn initial_states(
    y: &[f64],
    m: usize,
    trend: Component,
    season: Component,
) -> Result<Vec<f64>, InitError> {
    let n = y.len();
    let (m, init_seas, adjusted) = if season.is_present() {
        if n < 4 {
            return Err(InitError::TooShort);
        }
        let multiplicative = season == Component::Multiplicative;
        let seasonal: Vec<f64> = if n < 3 * m {
            let mut columns = vec![vec![1.0; n], (1..=n).map(|t| t as f64).collect()];
            columns.extend(fourier_columns(n, m));
            let coef = least_squares(&columns, y);
            let line = |t: usize| coef[0] + coef[1] * (t + 1) as f64;
            if multiplicative {
                if !y.iter().copied().fold(f64::INFINITY, f64::min).gt(&0.0) {
                    return Err(InitError::NotPositive);
                }
                y.iter().enumerate().map(|(t, v)| v / line(t)).collect()
            } else {
                y.iter().enumerate().map(|(t, v)| v - line(t)).collect()
            }
        } else {
            if multiplicative && y.iter().any(|v| *v <= 0.0) {
                return Err(InitError::NotPositive);
            }
            seasonal_component(y, m, multiplicative)
        };
        // s_1..s_{m-1} are the decomposition's seasons m-1, ..., 1 (of the first cycle).
        let mut init_seas: Vec<f64> = seasonal[1..m].iter().rev().copied().collect();
        let adjusted: Vec<f64> = if multiplicative {
            for s in &mut init_seas {
                *s = s.max(1e-2);
            }
            if pairwise_sum(&init_seas) > m as f64 {
                let padded: Vec<f64> = init_seas.iter().map(|s| s + 1e-2).collect();
                let total = pairwise_sum(&padded);
                for s in &mut init_seas {
                    *s /= total;
                }
            }
            y.iter()
                .zip(&seasonal)
                .map(|(v, s)| v / s.max(1e-2))
                .collect()
        } else {
            y.iter().zip(&seasonal).map(|(v, s)| v - s).collect()
        };
        (m, init_seas, adjusted)
    } else {
        (1, Vec::new(), y.to_vec())
    };

    let maxn = (2 * m).max(10).min(adjusted.len());
    let head = &adjusted[..maxn];
    let mut states = Vec::with_capacity(2 + init_seas.len());
    match trend {
        Component::None => states.push(pairwise_sum(head) / maxn as f64),
        Component::Additive => {
            let (mut l0, mut b0) = linear_fit(head);
            // Keep l0 + b0 away from 0 (it divides in multiplicative-error models).
            if (l0 + b0).abs() < 1e-8 {
                l0 *= 1.0 + 1e-3;
                b0 *= 1.0 - 1e-3;
            }
            states.push(l0);
            states.push(b0);
        }
        Component::Multiplicative => {
            let (l, b) = linear_fit(head);
            let mut l0 = l + b;
            if l0.abs() < 1e-8 {
                l0 = 1e-7;
            }
            let mut b0 = (l + 2.0 * b) / l0;
            let div = if b0.abs() <= 1e-8 { 1e-8 } else { b0 };
            l0 /= div;
            if b0.abs() > 1e10 {
                b0 = b0.signum() * 1e10;
            }
            if l0 < 1e-8 || b0 < 1e-8 {
                // The linear approximation failed: start from the first two values.
                l0 = adjusted[0].max(1e-3);
                let div = if adjusted[0].abs() <= 1e-8 {
                    1e-8
                } else {
                    adjusted[0]
                };
                b0 = (adjusted.get(1).copied().unwrap_or(f64::NAN) / div).max(1e-3);
            }
            states.push(l0);
            states.push(b0);
        }
    }
    states.extend(init_seas);
    Ok(states)
}

/// statsforecast's default search bounds of `alpha, beta, gamma, phi`.
pub(crate) const LOWER: [f64; 4] = [0.0001, 0.0001, 0.0001, 0.8];
/// See [`LOWER`].
pub(crate) const UPPER: [f64; 4] = [0.9999, 0.9999, 0.9999, 0.98];

/// `alpha, beta, gamma, phi`, NaN where absent or not yet chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Params {
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) gamma: f64,
    pub(crate) phi: f64,
}

impl Params {
    pub(crate) fn as_array(&self) -> [f64; 4] {
        [self.alpha, self.beta, self.gamma, self.phi]
    }
}

/// statsforecast's `initparam` with `bounds='both'`: fills the parameters not given (NaN)
/// with starting values and narrows `upper` so that `beta <= alpha` and
/// `gamma <= 1 - alpha` at the start.
///
/// `upper` is shared by all the candidate models of one search and is **not** reset between
/// them, exactly as in statsforecast, where the same array is passed to every candidate.
pub(crate) fn initial_params(
    given: Params,
    trend: Component,
    season: Component,
    damped: bool,
    upper: &mut [f64; 4],
    m: usize,
) -> Params {
    let lower = LOWER;
    let mut p = given;
    if p.alpha.is_nan() {
        p.alpha = lower[0] + 0.2 * (upper[0] - lower[0]) / m as f64;
        if p.alpha > 1.0 || p.alpha < 0.0 {
            p.alpha = lower[0] + 2e-3;
        }
    }
    if trend.is_present() && p.beta.is_nan() {
        upper[1] = upper[1].min(p.alpha);
        p.beta = lower[1] + 0.1 * (upper[1] - lower[1]);
        if p.beta < 0.0 || p.beta > p.alpha {
            p.beta = p.alpha - 1e-3;
        }
    }
    if season.is_present() && p.gamma.is_nan() {
        upper[2] = upper[2].min(1.0 - p.alpha);
        p.gamma = lower[2] + 0.05 * (upper[2] - lower[2]);
        if p.gamma < 0.0 || p.gamma > 1.0 - p.alpha {
            p.gamma = 1.0 - p.alpha - 1e-3;
        }
    }
    if damped && p.phi.is_nan() {
        p.phi = lower[3] + 0.99 * (upper[3] - lower[3]);
        if p.phi < 0.0 || p.phi > 1.0 {
            p.phi = upper[3] - 1e-3;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::{InitError, Params, UPPER, initial_params, initial_states};
    use crate::models::ets::components::Component::{
        Additive as A, Multiplicative as M, None as N,
    };

    #[test]
    fn level_only_is_the_mean_of_the_first_ten() {
        let y: Vec<f64> = (1..=15).map(f64::from).collect();
        assert_eq!(initial_states(&y, 1, N, N).unwrap(), vec![5.5]);
        let short = [2.0, 4.0];
        assert_eq!(initial_states(&short, 1, N, N).unwrap(), vec![3.0]);
    }

    #[test]
    fn additive_trend_is_a_line() {
        let y: Vec<f64> = (1..=12).map(|t| 3.0 + 2.0 * t as f64).collect();
        let s = initial_states(&y, 1, A, N).unwrap();
        assert!((s[0] - 3.0).abs() < 1e-12 && (s[1] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn seasonal_states_sum_with_the_implied_one() {
        let pattern = [5.0, -2.0, -4.0, 1.0];
        let y: Vec<f64> = (0..16).map(|t| 100.0 + t as f64 + pattern[t % 4]).collect();
        let s = initial_states(&y, 4, A, A).unwrap();
        assert_eq!(s.len(), 2 + 3);
        // s_1..s_3 are the seasons of t = 3, 2, 1.
        assert!(
            (s[2] - pattern[3]).abs() < 1e-9 && (s[4] - pattern[1]).abs() < 1e-9,
            "{s:?}"
        );
        // Short series: the Fourier fit is used and still finds the pattern's sign.
        let s = initial_states(&y[..10], 4, N, A).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(initial_states(&y[..3], 4, N, A), Err(InitError::TooShort));
        let mut bad = y.clone();
        bad[5] = -1.0;
        assert_eq!(initial_states(&bad, 4, N, M), Err(InitError::NotPositive));
    }

    #[test]
    fn initial_params_narrow_the_shared_bounds() {
        let mut upper = UPPER;
        let nan = Params {
            alpha: f64::NAN,
            beta: f64::NAN,
            gamma: f64::NAN,
            phi: f64::NAN,
        };
        let p = initial_params(nan, A, A, true, &mut upper, 12);
        let alpha = 0.0001 + 0.2 * (0.9999 - 0.0001) / 12.0;
        assert_eq!(p.alpha, alpha);
        assert_eq!(upper[1], alpha);
        assert_eq!(p.beta, 0.0001 + 0.1 * (alpha - 0.0001));
        assert_eq!(upper[2], 0.9999f64.min(1.0 - alpha));
        assert!((p.phi - 0.9782).abs() < 1e-12);
        // A later non-seasonal candidate keeps the narrowed beta bound.
        let q = initial_params(nan, A, N, false, &mut upper, 1);
        assert_eq!(upper[1], alpha);
        assert!(q.phi.is_nan() && q.gamma.is_nan());
    }
}
