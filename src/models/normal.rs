//! Inverse of the standard normal distribution function.
//!
//! Gaussian prediction intervals need `z = Φ⁻¹(0.5 + level / 200)`. statsforecast gets it
//! from `scipy.stats.norm.ppf`, i.e. `scipy.special.ndtri`, which is Moshier's Cephes
//! rational approximation (peak relative error about 7e-16). We evaluate the same rational
//! functions in the same order so that every multiplier, and hence every interval bound, is
//! bit-identical to statsforecast's rather than merely within an ulp or two of it (Wichura's
//! AS241 is slightly more accurate but differs from scipy in the last bits for most levels).

/// `exp(-2)`: below it (or above `1 - exp(-2)`) the tail approximation is used.
const EXP_MINUS_TWO: f64 = 0.1353352832366127;

/// `sqrt(2π)`.
const SQRT_TWO_PI: f64 = 2.5066282746310007;

/// Central region, `|p - 0.5| <= 3/8`: numerator in `(p - 0.5)²`.
const CENTRAL_NUM: [f64; 5] = [
    -59.96335010141079,
    98.00107541859997,
    -56.67628574690703,
    13.931260938727968,
    -1.2391658386738125,
];

/// Central region denominator (monic: the leading 1 is implied).
const CENTRAL_DEN: [f64; 8] = [
    1.9544885833814176,
    4.676279128988815,
    86.36024213908905,
    -225.46268785411937,
    200.26021238006066,
    -82.03722561683334,
    15.90562251262117,
    -1.1833162112133,
];

/// Tail with `sqrt(-2 ln p)` in [2, 8): numerator in `1 / sqrt(-2 ln p)`.
const NEAR_TAIL_NUM: [f64; 9] = [
    4.0554489230596245,
    31.525109459989388,
    57.16281922464213,
    44.08050738932008,
    14.684956192885803,
    2.1866330685079025,
    -0.1402560791713545,
    -0.03504246268278482,
    -0.0008574567851546854,
];

/// Near-tail denominator (monic).
const NEAR_TAIL_DEN: [f64; 8] = [
    15.779988325646675,
    45.39076351288792,
    41.3172038254672,
    15.04253856929075,
    2.504649462083094,
    -0.14218292285478779,
    -0.03808064076915783,
    -0.0009332594808954574,
];

/// Tail with `sqrt(-2 ln p)` in [8, 64): numerator.
const FAR_TAIL_NUM: [f64; 9] = [
    3.2377489177694603,
    6.915228890689842,
    3.9388102529247444,
    1.3330346081580755,
    0.20148538954917908,
    0.012371663481782003,
    0.00030158155350823543,
    2.6580697468673755e-6,
    6.239745391849833e-9,
];

/// Far-tail denominator (monic).
const FAR_TAIL_DEN: [f64; 8] = [
    6.02427039364742,
    3.6798356385616087,
    1.3770209948908132,
    0.21623699359449663,
    0.013420400608854318,
    0.00032801446468212774,
    2.8924786474538068e-6,
    6.790194080099813e-9,
];

/// Quantile function (inverse CDF) of the standard normal distribution.
///
/// Bit-identical to `scipy.special.ndtri`, which statsforecast uses (through
/// `scipy.stats.norm.ppf`) for its interval multipliers. Returns `-inf` for `p == 0`,
/// `+inf` for `p == 1` and NaN for `p` outside `[0, 1]` or NaN. For example
/// `normal_quantile(0.975)` is `1.959963984540054`, the 95% multiplier.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    // Work with the lower tail; `upper` remembers to flip the sign back.
    let upper = p > 1.0 - EXP_MINUS_TWO;
    let y = if upper { 1.0 - p } else { p };
    if y > EXP_MINUS_TWO {
        let w = y - 0.5;
        let w2 = w * w;
        let x = w + w * (w2 * horner(w2, &CENTRAL_NUM) / monic(w2, &CENTRAL_DEN));
        return x * SQRT_TWO_PI;
    }
    let x = (-2.0 * y.ln()).sqrt();
    let first_order = x - x.ln() / x;
    let z = 1.0 / x;
    let correction = if x < 8.0 {
        z * horner(z, &NEAR_TAIL_NUM) / monic(z, &NEAR_TAIL_DEN)
    } else {
        z * horner(z, &FAR_TAIL_NUM) / monic(z, &FAR_TAIL_DEN)
    };
    let lower_tail = first_order - correction;
    if upper { lower_tail } else { -lower_tail }
}

/// Polynomial with coefficients from the highest degree down (Horner's scheme).
fn horner(x: f64, coefficients: &[f64]) -> f64 {
    let (first, rest) = match coefficients.split_first() {
        Some(split) => split,
        None => return 0.0,
    };
    rest.iter().fold(*first, |acc, &c| acc * x + c)
}

/// Polynomial whose leading coefficient is an implied 1, then `coefficients`.
fn monic(x: f64, coefficients: &[f64]) -> f64 {
    let (first, rest) = match coefficients.split_first() {
        Some(split) => split,
        None => return 1.0,
    };
    rest.iter().fold(x + first, |acc, &c| acc * x + c)
}

#[cfg(test)]
mod tests {
    use super::normal_quantile;

    #[test]
    fn known_quantiles_match_scipy_exactly() {
        // Values of scipy.stats.norm.ppf (scipy 1.17), compared bit for bit.
        assert_eq!(normal_quantile(0.9), 1.2815515655446004);
        assert_eq!(normal_quantile(0.975), 1.959963984540054);
        assert_eq!(normal_quantile(0.995), 2.5758293035489004);
        assert_eq!(normal_quantile(0.1), -1.2815515655446004);
        assert_eq!(normal_quantile(1e-10), -6.361340902404056);
        assert_eq!(normal_quantile(1e-300), -37.0470962993612);
    }

    #[test]
    fn accurate_against_high_precision_values() {
        // Exact quantiles of these binary64 inputs, from 40-digit arithmetic (mpmath).
        let cases = [
            (0.5 + 80.0 / 200.0, 1.2815515655446006),
            (0.5 + 95.0 / 200.0, 1.9599639845400538),
            (0.5 + 99.0 / 200.0, 2.5758293035489004),
            (0.6, 0.2533471031357997),
            (0.025, -1.9599639845400543),
        ];
        for (p, want) in cases {
            let got = normal_quantile(p);
            let rel = ((got - want) / want).abs();
            assert!(rel <= 1e-15, "p={p}: got {got:e}, want {want:e}");
        }
    }

    #[test]
    fn centre_and_symmetry() {
        assert_eq!(normal_quantile(0.5), 0.0);
        for p in [0.01, 0.2, 0.3, 0.45, 0.07] {
            let (lo, hi) = (normal_quantile(p), normal_quantile(1.0 - p));
            assert!(((lo + hi) / hi).abs() < 1e-14, "p={p}");
        }
    }

    #[test]
    fn limits_and_invalid_input() {
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(-0.1).is_nan());
        assert!(normal_quantile(1.1).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
    }
}
