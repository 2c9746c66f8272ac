//! Simple exponential smoothing kernels shared by the SES models (and, later, the
//! intermittent-demand models), following statsforecast's compiled `ses` module operation
//! for operation so that smoothed values and optimised smoothing constants are bit-identical.

/// Sum of squared one-step errors of SES with smoothing constant `alpha`, the level starting
/// at the first observation. Zero for fewer than two observations.
pub(crate) fn ses_sse(alpha: f64, x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let complement = 1.0 - alpha;
    let mut level = x[0];
    let mut sse = 0.0;
    for pair in x.windows(2) {
        level = alpha * pair[0] + complement * level;
        let error = pair[1] - level;
        sse += error * error;
    }
    sse
}

/// One-step-ahead forecast and in-sample fitted values of SES with constant `alpha`.
///
/// The level starts at `x[0]`, so the first fitted value has no prediction and is NaN.
/// A single observation is its own forecast. An empty slice gives `(NaN, [])` (statsforecast
/// raises; callers reject empty series before getting here).
pub(crate) fn ses_forecast(x: &[f64], alpha: f64) -> (f64, Vec<f64>) {
    let Some((&last, _)) = x.split_last() else {
        return (f64::NAN, Vec::new());
    };
    if x.len() == 1 {
        return (last, vec![f64::NAN]);
    }
    let complement = 1.0 - alpha;
    let mut fitted = Vec::with_capacity(x.len());
    let mut level = x[0];
    fitted.push(level);
    for &obs in &x[..x.len() - 1] {
        level = alpha * obs + complement * level;
        fitted.push(level);
    }
    // `fitted` now ends with the level after x[n-2]; one more step gives the forecast.
    let before_last = fitted[x.len() - 1];
    let forecast = alpha * last + complement * before_last;
    fitted[0] = f64::NAN;
    (forecast, fitted)
}

/// Golden-section search of the `alpha` in `[lower, upper]` minimising [`ses_sse`].
///
/// Stops when the bracket is narrower than 1e-12 or when both probes tie (e.g. fewer than
/// two observations, where every alpha has zero error), and returns the bracket midpoint.
pub(crate) fn golden_section_ses(x: &[f64], lower: f64, upper: f64) -> f64 {
    let ratio = (5.0f64.sqrt() + 1.0) / 2.0;
    let (mut a, mut b) = (lower, upper);
    let mut c = b - (b - a) / ratio;
    let mut d = a + (b - a) / ratio;
    let mut fc = ses_sse(c, x);
    let mut fd = ses_sse(d, x);
    while (b - a).abs() >= 1e-12 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - (b - a) / ratio;
            fc = ses_sse(c, x);
        } else if fd < fc {
            a = c;
            c = d;
            fc = fd;
            d = a + (b - a) / ratio;
            fd = ses_sse(d, x);
        } else {
            // A tie (or NaN) gives no direction: stop where we are.
            break;
        }
    }
    (b + a) / 2.0
}

/// statsforecast's search bracket for the optimised SES variants.
pub(crate) const OPTIMIZED_ALPHA_BOUNDS: (f64, f64) = (0.01, 0.99);

#[cfg(test)]
mod tests {
    use super::{golden_section_ses, ses_forecast, ses_sse};

    #[test]
    fn forecast_by_hand() {
        // alpha = 0.5: levels 2, 2, 3, 3 -> forecast 0.5*4 + 0.5*3 = 3.5.
        let (f, fitted) = ses_forecast(&[2.0, 4.0, 3.0, 4.0], 0.5);
        assert!(fitted[0].is_nan());
        assert_eq!(&fitted[1..], &[2.0, 3.0, 3.0]);
        assert_eq!(f, 3.5);
        let (f, fitted) = ses_forecast(&[5.0], 0.3);
        assert_eq!(f, 5.0);
        assert!(fitted[0].is_nan());
        let (f, fitted) = ses_forecast(&[], 0.3);
        assert!(f.is_nan() && fitted.is_empty());
    }

    #[test]
    fn sse_by_hand() {
        // levels: 2 -> 3 ; errors: 4-2 = 2, 3-3 = 0.
        assert_eq!(ses_sse(0.5, &[2.0, 4.0, 3.0]), 4.0);
        assert_eq!(ses_sse(0.5, &[2.0]), 0.0);
    }

    #[test]
    fn golden_section_finds_the_minimum() {
        // A random walk is best tracked with alpha close to 1.
        let walk = [1.0, 3.0, 2.0, 5.0, 4.0, 8.0, 7.0, 11.0];
        let alpha = golden_section_ses(&walk, 0.01, 0.99);
        let best = ses_sse(alpha, &walk);
        for probe in [0.01, 0.2, 0.5, 0.8, 0.99] {
            assert!(best <= ses_sse(probe, &walk) + 1e-12);
        }
        // Too short to tell alphas apart: the midpoint.
        assert_eq!(golden_section_ses(&[3.0], 0.01, 0.99), 0.5);
    }
}
