//! Roots of real polynomials, for the stationarity and invertibility checks of ETS and
//! ARIMA (statsforecast asks numpy's `polyroots`).

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
    use super::max_root_modulus;

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
}
