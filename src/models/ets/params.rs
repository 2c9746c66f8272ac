//! Parameter checks: statsforecast's `check_param` with `bounds='both'` (the usual box
//! constraints and the admissible region of the characteristic polynomial).

use super::init::{LOWER, Params};

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

/// Largest modulus among the roots of the monic polynomial `coef` (lowest power first,
/// `coef.last() == 1`), by Aberth–Ehrlich iteration in complex arithmetic. NaN when the
/// coefficients are not finite.
pub(crate) fn max_root_modulus(coef: &[f64]) -> f64 {
    let degree = coef.len() - 1;
    if degree == 0 {
        return 0.0;
    }
    if coef.iter().any(|c| !c.is_finite()) {
        return f64::NAN;
    }
    // Cauchy bound for the starting circle.
    let bound = 1.0
        + coef[..degree]
            .iter()
            .fold(0.0f64, |acc, c| acc.max(c.abs()));
    let mut roots: Vec<C> = (0..degree)
        .map(|k| {
            let angle = 2.0 * std::f64::consts::PI * (k as f64 + 0.25) / degree as f64;
            C(0.5 * bound * angle.cos(), 0.5 * bound * angle.sin())
        })
        .collect();
    for _ in 0..500 {
        let mut moved = 0.0f64;
        for i in 0..degree {
            let z = roots[i];
            let (p, dp) = eval(coef, z);
            if p.norm() == 0.0 {
                continue;
            }
            let ratio = p.div(dp);
            let mut repulsion = C(0.0, 0.0);
            for (j, &w) in roots.iter().enumerate() {
                if j != i {
                    repulsion = repulsion.add(C(1.0, 0.0).div(z.sub(w)));
                }
            }
            let step = ratio.div(C(1.0, 0.0).sub(ratio.mul(repulsion)));
            if !(step.0.is_finite() && step.1.is_finite()) {
                continue;
            }
            roots[i] = z.sub(step);
            moved = moved.max(step.norm() / (1.0 + roots[i].norm()));
        }
        if moved < 1e-15 {
            break;
        }
    }
    roots.iter().fold(0.0f64, |acc, r| acc.max(r.norm()))
}

/// A complex number (re, im).
#[derive(Debug, Clone, Copy)]
struct C(f64, f64);

impl C {
    fn add(self, o: C) -> C {
        C(self.0 + o.0, self.1 + o.1)
    }
    fn sub(self, o: C) -> C {
        C(self.0 - o.0, self.1 - o.1)
    }
    fn mul(self, o: C) -> C {
        C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
    }
    fn div(self, o: C) -> C {
        let d = o.0 * o.0 + o.1 * o.1;
        C(
            (self.0 * o.0 + self.1 * o.1) / d,
            (self.1 * o.0 - self.0 * o.1) / d,
        )
    }
    fn norm(self) -> f64 {
        self.0.hypot(self.1)
    }
}

/// The polynomial and its derivative at `z` (Horner).
fn eval(coef: &[f64], z: C) -> (C, C) {
    let mut p = C(0.0, 0.0);
    let mut dp = C(0.0, 0.0);
    for &c in coef.iter().rev() {
        dp = dp.mul(z).add(p);
        p = p.mul(z).add(C(c, 0.0));
    }
    (p, dp)
}

#[cfg(test)]
mod tests {
    use super::{admissible, check_params, max_root_modulus};
    use crate::models::ets::init::{Params, UPPER};

    #[test]
    fn root_moduli() {
        // (x - 0.5)(x + 2) = x² + 1.5x - 1
        assert!((max_root_modulus(&[-1.0, 1.5, 1.0]) - 2.0).abs() < 1e-12);
        // x² + 1: roots ±i
        assert!((max_root_modulus(&[1.0, 0.0, 1.0]) - 1.0).abs() < 1e-12);
        // (x - 0.9)^3
        let c = [-0.729, 2.43, -2.7, 1.0];
        assert!((max_root_modulus(&c) - 0.9).abs() < 1e-4);
        assert!(max_root_modulus(&[f64::NAN, 1.0]).is_nan());
    }

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
