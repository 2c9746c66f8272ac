//! Parameter checks: statsforecast's `check_param` with `bounds='both'` (the usual box
//! constraints and the admissible region of the characteristic polynomial).

use super::init::{LOWER, Params};
use crate::models::polynomial::max_root_modulus;

/// The usual bounds: each parameter in its box, `beta <= alpha`, `gamma <= 1 - alpha`.
fn within_usual(p: &Params, upper: &[f64; 4]) -> bool {
    let lower = LOWER;
    if !p.alpha.is_nan() && (p.alpha < lower[0] || p.alpha > upper[0]) {
        return false;
    }
    if !p.beta.is_nan() && (p.beta < lower[1] || p.beta > p.alpha || p.beta > upper[1]) {
        return false;
    }
    if !p.phi.is_nan() && (p.phi < lower[3] || p.phi > upper[3]) {
        return false;
    }
    if !p.gamma.is_nan() && (p.gamma < lower[2] || p.gamma > 1.0 - p.alpha || p.gamma > upper[2]) {
        return false;
    }
    true
}

/// statsforecast's `admissible`: the parameters give a forecastable (stable) model.
pub(crate) fn admissible(p: &Params, m: usize) -> bool {
    let Params {
        alpha,
        beta,
        gamma,
        phi,
    } = *p;
    let phi = if phi.is_nan() { 1.0 } else { phi };
    if !(0.0..=1.0 + 1e-8).contains(&phi) {
        return false;
    }
    if gamma.is_nan() {
        if alpha < 1.0 - 1.0 / phi || alpha > 1.0 + 1.0 / phi {
            return false;
        }
        if !beta.is_nan() && (beta < alpha * (phi - 1.0) || beta > (1.0 + phi) * (2.0 - alpha)) {
            return false;
        }
    } else if m > 1 {
        let beta = if beta.is_nan() { 0.0 } else { beta };
        let mf = m as f64;
        if gamma < (1.0 - 1.0 / phi - alpha).max(0.0) || gamma > 1.0 + 1.0 / phi - alpha {
            return false;
        }
        if alpha < 1.0 - 1.0 / phi - gamma * (1.0 - mf + phi + phi * mf) / (2.0 * phi * mf) {
            return false;
        }
        if beta < -(1.0 - phi) * (gamma / mf + alpha) {
            return false;
        }
        // The characteristic polynomial, lowest power first, must have no root outside the
        // unit circle.
        let mut poly = Vec::with_capacity(m + 2);
        poly.push(phi * (1.0 - alpha - gamma));
        poly.push(alpha + beta - alpha * phi + gamma - 1.0);
        poly.extend(std::iter::repeat_n(alpha + beta - alpha * phi, m - 2));
        poly.push(alpha + beta - phi);
        poly.push(1.0);
        if max_root_modulus(&poly) > 1.0 + 1e-10 {
            return false;
        }
    }
    true
}

/// statsforecast's `check_param` with `bounds='both'`.
pub(crate) fn check_params(p: &Params, upper: &[f64; 4], m: usize) -> bool {
    within_usual(p, upper) && admissible(p, m)
}

#[cfg(test)]
mod tests {
    use super::{admissible, check_params};
    use crate::models::ets::init::{Params, UPPER};

    #[test]
    fn checks() {
        let p = |alpha, beta, gamma, phi| Params {
            alpha,
            beta,
            gamma,
            phi,
        };
        let nan = f64::NAN;
        assert!(check_params(&p(0.5, nan, nan, nan), &UPPER, 1));
        assert!(!check_params(&p(0.5, 0.6, nan, nan), &UPPER, 1)); // beta > alpha
        assert!(!check_params(&p(0.5, nan, 0.6, nan), &UPPER, 4)); // gamma > 1 - alpha
        assert!(!check_params(&p(0.5, 0.1, nan, 0.99), &UPPER, 1)); // phi above 0.98
        assert!(check_params(&p(0.0168, 0.0017, 0.0492, 0.9782), &UPPER, 12));
        assert!(admissible(&p(0.3, 0.1, 0.1, nan), 12));
        // alpha above 1 + 1/phi = 3.
        assert!(!admissible(&p(3.5, 0.1, nan, 0.5), 1));
        assert!(admissible(&p(1.5, 0.1, nan, 0.5), 1));
        // A seasonal model whose characteristic polynomial has a root outside the circle.
        // (statsforecast: admissible(0.5, 0.8, 0.6, nan, 4) is False, (0.5, 0.4, 0.4) True.)
        assert!(!admissible(&p(0.5, 0.8, 0.6, nan), 4));
        assert!(admissible(&p(0.5, 0.4, 0.4, nan), 4));
    }
}
