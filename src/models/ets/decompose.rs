//! The numerical helpers of statsforecast's `initstate`: classical seasonal decomposition
//! (statsmodels' `seasonal_decompose` with its defaults), the Fourier regression used for
//! short seasonal series, and small least-squares fits.
//!
//! The decomposition reproduces numpy's association order where it is known (the moving
//! average as `np.convolve` computes it on the reference machine, pandas' `nanmean` with its
//! pairwise sums), because initial states feed the optimiser and identical starts give
//! identical optima. Least squares and `np.sin`/`np.cos` (LAPACK / SIMD in numpy) cannot be
//! reproduced bit for bit; they are computed accurately and may differ in the last bits.

use crate::models::reductions::pairwise_sum;

/// Moving-average weights of `seasonal_decompose` for `period`: a `2 x m` average for even
/// periods (half weights at both ends), a plain `m` average for odd ones.
fn trend_filter(period: usize) -> Vec<f64> {
    let p = period as f64;
    if period.is_multiple_of(2) {
        let mut w = vec![1.0 / p; period + 1];
        w[0] = 0.5 / p;
        w[period] = 0.5 / p;
        w
    } else {
        vec![1.0 / p; period]
    }
}

/// One output of `np.convolve(x, w, 'valid')` for a symmetric `w`: `Σ x[k + j] · w[j]`,
/// summed as numpy does on the machine that produced the reference outputs.
///
/// numpy hands these dot products to OpenBLAS, whose x86-64 AVX2 kernel (the one used on
/// AMD EPYC processors without AVX-512) takes the first `16 ⌊n / 16⌋` terms in four
/// accumulators of four lanes with fused multiply-adds, folds the lanes pairwise, then adds
/// the remaining terms one by one. Short kernels (seasons below 15) are therefore plain
/// left-to-right sums. (On AVX-512 machines OpenBLAS picks another kernel and numpy's
/// results move in the last bits; the reference fixtures were made without AVX-512.)
fn dot(x: &[f64], w: &[f64]) -> f64 {
    let n = x.len().min(w.len());
    let blocked = n - n % 16;
    let mut sum = 0.0;
    if blocked > 0 {
        let mut acc = [[0.0f64; 4]; 4];
        for start in (0..blocked).step_by(16) {
            for (a, lanes) in acc.iter_mut().enumerate() {
                for (l, lane) in lanes.iter_mut().enumerate() {
                    let j = start + 4 * a + l;
                    *lane = x[j].mul_add(w[j], *lane);
                }
            }
        }
        let fold = |a: &[f64; 4]| [a[0] + a[2], a[1] + a[3]];
        let (r0, r1, r2, r3) = (fold(&acc[0]), fold(&acc[1]), fold(&acc[2]), fold(&acc[3]));
        let low = [r0[0] + r1[0], r0[1] + r1[1]];
        let high = [r2[0] + r3[0], r2[1] + r3[1]];
        sum = (low[0] + high[0]) + (low[1] + high[1]);
    }
    for j in blocked..n {
        sum += w[j] * x[j];
    }
    sum
}

/// Centred moving average (the decomposition's trend), NaN where the window does not fit.
fn centred_trend(y: &[f64], period: usize) -> Vec<f64> {
    let w = trend_filter(period);
    let k = w.len();
    let n = y.len();
    let mut trend = vec![f64::NAN; n];
    if n < k {
        return trend;
    }
    // statsmodels pads ceil(k / 2) - 1 values in front.
    let head = k.div_ceil(2) - 1;
    for start in 0..=n - k {
        trend[head + start] = dot(&y[start..start + k], &w);
    }
    trend
}

/// pandas' `nanmean` of `values` (NaNs count as 0 in the pairwise sum and are not counted).
fn nanmean(values: &[f64]) -> f64 {
    let filled: Vec<f64> = values
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { *v })
        .collect();
    let count = values.iter().filter(|v| !v.is_nan()).count();
    if count == 0 {
        return f64::NAN;
    }
    pairwise_sum(&filled) / count as f64
}

/// The seasonal component of `seasonal_decompose(y, period, model)` (additive or
/// multiplicative), one value per observation. Needs `y.len() >= 2 * period`; for the
/// multiplicative model `y` must be strictly positive.
pub(crate) fn seasonal_component(y: &[f64], period: usize, multiplicative: bool) -> Vec<f64> {
    let n = y.len();
    let trend = centred_trend(y, period);
    let detrended: Vec<f64> = y
        .iter()
        .zip(&trend)
        .map(|(v, t)| if multiplicative { v / t } else { v - t })
        .collect();
    let mut averages: Vec<f64> = (0..period)
        .map(|i| {
            let column: Vec<f64> = detrended[i..].iter().step_by(period).copied().collect();
            nanmean(&column)
        })
        .collect();
    let centre = pairwise_sum(&averages) / period as f64;
    for a in &mut averages {
        if multiplicative {
            *a /= centre;
        } else {
            *a -= centre;
        }
    }
    (0..n).map(|i| averages[i % period]).collect()
}

/// Least-squares coefficients of `y` on the columns of `x` (each of length `y.len()`),
/// by Householder QR with column pivoting; columns that add nothing (rank deficiency) get
/// a zero coefficient, so the fitted values are those of the minimum-norm solution.
pub(crate) fn least_squares(columns: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let n = y.len();
    let p = columns.len();
    let mut a: Vec<Vec<f64>> = columns.to_vec();
    let mut b = y.to_vec();
    let mut perm: Vec<usize> = (0..p).collect();
    let scale = columns
        .iter()
        .flatten()
        .fold(0.0f64, |acc, v| acc.max(v.abs()));
    let mut rank = 0;
    for k in 0..p.min(n) {
        // Pivot: the remaining column with the largest norm below row k.
        let norms: Vec<f64> = (k..p)
            .map(|j| a[j][k..].iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect();
        let (best, &norm) = norms
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.total_cmp(y.1))
            .unwrap_or((0, &0.0));
        let negligible = 1e-10 * scale.max(f64::MIN_POSITIVE) * (n as f64).sqrt();
        // Also stops on NaN norms.
        if norm.partial_cmp(&negligible) != Some(std::cmp::Ordering::Greater) {
            break;
        }
        a.swap(k, k + best);
        perm.swap(k, k + best);
        let alpha = if a[k][k] > 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[k][k..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|x| x * x).sum();
        if vnorm2 > 0.0 {
            for col in a.iter_mut().skip(k) {
                let dotv: f64 = v.iter().zip(&col[k..]).map(|(x, c)| x * c).sum();
                let factor = 2.0 * dotv / vnorm2;
                for (c, x) in col[k..].iter_mut().zip(&v) {
                    *c -= factor * x;
                }
            }
            let dotv: f64 = v.iter().zip(&b[k..]).map(|(x, c)| x * c).sum();
            let factor = 2.0 * dotv / vnorm2;
            for (c, x) in b[k..].iter_mut().zip(&v) {
                *c -= factor * x;
            }
        }
        rank += 1;
    }
    // Back substitution on the leading rank x rank triangle.
    let mut coef_perm = vec![0.0; p];
    for i in (0..rank).rev() {
        let mut s = b[i];
        for j in i + 1..rank {
            s -= a[j][i] * coef_perm[j];
        }
        coef_perm[i] = s / a[i][i];
    }
    let mut coef = vec![0.0; p];
    for (k, &j) in perm.iter().enumerate() {
        coef[j] = coef_perm[k];
    }
    coef
}

/// Intercept and slope of `y` regressed on `1, 2, ..., y.len()` (`np.linalg.lstsq` on the
/// design `[1, t]`), from centred sums.
///
/// Where the exact answer is 0 but the data are not all zero, LAPACK's solver returns
/// rounding noise (about `1e-16` of the data's scale) instead, and that matters: the
/// optimiser perturbs a zero starting value by `1e-4` but a tiny one by 5 % of itself, so
/// the two starts lead to different optima. An exact zero is therefore replaced by a
/// rounding-sized value, which reproduces statsforecast's optimum (the noise's exact value
/// does not matter, only that the coordinate starts at a negligible non-zero size).
pub(crate) fn linear_fit(y: &[f64]) -> (f64, f64) {
    let n = y.len();
    if n == 1 {
        // numpy's minimum-norm solution of one equation l + b = y: both y / 2.
        return (y[0] / 2.0, y[0] / 2.0);
    }
    let nf = n as f64;
    let t_mean = (nf + 1.0) / 2.0;
    let y_mean = y.iter().sum::<f64>() / nf;
    let mut sxy = 0.0;
    let mut sxx = 0.0;
    for (i, v) in y.iter().enumerate() {
        let dt = (i + 1) as f64 - t_mean;
        sxy += dt * (v - y_mean);
        sxx += dt * dt;
    }
    let mut slope = sxy / sxx;
    let mut intercept = y_mean - slope * t_mean;
    let scale = y.iter().fold(0.0f64, |acc, v| acc.max(v.abs()));
    let noise = f64::EPSILON * scale;
    if slope == 0.0 {
        slope = noise;
    }
    if intercept == 0.0 {
        intercept = noise;
    }
    (intercept, slope)
}

/// statsforecast's `fourier(x, [m], [1])` columns for times `1..=n`: `cos(2πt/m)` and, unless
/// it vanishes identically (m = 2), `sin(2πt/m)`.
pub(crate) fn fourier_columns(n: usize, m: usize) -> Vec<Vec<f64>> {
    let p = 1.0 / m as f64;
    let angle = 2.0 * std::f64::consts::PI * p;
    let cos: Vec<f64> = (1..=n).map(|t| (angle * t as f64).cos()).collect();
    let keep_sin = (2.0 * p - (2.0 * p).round()).abs() > f64::EPSILON;
    if keep_sin {
        let sin: Vec<f64> = (1..=n).map(|t| (angle * t as f64).sin()).collect();
        vec![cos, sin]
    } else {
        // statsforecast copies the single column into both slots of its design.
        vec![cos.clone(), cos]
    }
}

#[cfg(test)]
mod tests {
    use super::{centred_trend, least_squares, linear_fit, seasonal_component};

    #[test]
    fn trend_of_a_line_is_the_line() {
        let y: Vec<f64> = (0..20).map(|t| 2.0 + 0.5 * t as f64).collect();
        let trend = centred_trend(&y, 4);
        assert!(trend[..2].iter().all(|v| v.is_nan()) && trend[18..].iter().all(|v| v.is_nan()));
        for t in 2..18 {
            assert!((trend[t] - y[t]).abs() < 1e-12);
        }
        let odd = centred_trend(&y, 3);
        assert!(odd[0].is_nan() && odd[19].is_nan() && (odd[1] - y[1]).abs() < 1e-12);
    }

    #[test]
    fn pure_season_is_recovered() {
        let pattern = [3.0, -1.0, -4.0, 2.0];
        let y: Vec<f64> = (0..24).map(|t| 50.0 + pattern[t % 4]).collect();
        let s = seasonal_component(&y, 4, false);
        for t in 0..24 {
            assert!((s[t] - pattern[t % 4]).abs() < 1e-12, "{t}");
        }
        let ratios = [1.2, 0.9, 0.7, 1.2];
        let y: Vec<f64> = (0..24).map(|t| 50.0 * ratios[t % 4]).collect();
        let s = seasonal_component(&y, 4, true);
        for t in 0..24 {
            assert!((s[t] - ratios[t % 4]).abs() < 1e-12, "{t}");
        }
    }

    #[test]
    fn regressions() {
        let y = [3.0, 5.0, 7.5, 9.0];
        let (l, b) = linear_fit(&y);
        let cols = vec![vec![1.0; 4], vec![1.0, 2.0, 3.0, 4.0]];
        let coef = least_squares(&cols, &y);
        assert!((coef[0] - l).abs() < 1e-12 && (coef[1] - b).abs() < 1e-12);
        assert!((b - 2.05).abs() < 1e-12);
        // A duplicated column: the other coefficients are unaffected.
        let cols = vec![
            vec![1.0; 4],
            vec![1.0, 2.0, 3.0, 4.0],
            vec![1.0, -1.0, 1.0, -1.0],
            vec![1.0, -1.0, 1.0, -1.0],
        ];
        let y = [4.0, 3.0, 8.0, 7.0];
        let coef = least_squares(&cols, &y);
        let fitted: Vec<f64> = (0..4)
            .map(|i| coef.iter().zip(&cols).map(|(c, col)| c * col[i]).sum())
            .collect();
        for (f, v) in fitted.iter().zip(&y) {
            assert!((f - v).abs() < 1e-9, "{coef:?}");
        }
    }
}
