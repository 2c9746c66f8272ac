//! Sums and spreads computed the way numpy computes them.
//!
//! statsforecast sums with `np.sum` / `np.nansum` / `ndarray.mean`, which add float64 values
//! by pairwise summation. Reproducing the exact association order makes means and residual
//! standard deviations bit-identical to statsforecast instead of merely close.

/// Below this length numpy adds sequentially.
const SEQUENTIAL_BELOW: usize = 8;

/// Up to this length numpy adds with eight interleaved accumulators; above it splits in two.
const BLOCK: usize = 128;

/// Sum of `values` with numpy's float64 pairwise summation (`np.add.reduce` on a contiguous
/// 1-D array). NaN propagates.
pub(crate) fn pairwise_sum(values: &[f64]) -> f64 {
    let n = values.len();
    if n < SEQUENTIAL_BELOW {
        // -0.0 is the exact additive identity, as in numpy's kernel.
        return values.iter().fold(-0.0, |acc, &v| acc + v);
    }
    if n <= BLOCK {
        let mut acc = [0.0; 8];
        acc.copy_from_slice(&values[..8]);
        let whole = n - n % 8;
        for chunk in values[8..whole].chunks_exact(8) {
            for (a, &v) in acc.iter_mut().zip(chunk) {
                *a += v;
            }
        }
        let mut total =
            ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for &v in &values[whole..] {
            total += v;
        }
        return total;
    }
    // Split near the middle on a multiple of the unroll width.
    let mut half = n / 2;
    half -= half % 8;
    pairwise_sum(&values[..half]) + pairwise_sum(&values[half..])
}

/// Arithmetic mean as `ndarray.mean()` computes it: pairwise sum divided by the count.
/// NaN for an empty slice.
pub(crate) fn mean(values: &[f64]) -> f64 {
    pairwise_sum(values) / values.len() as f64
}

/// statsforecast's `_calculate_sigma`: `sqrt(nansum(residuals²) / dof)`, or exactly 0 when
/// there are no degrees of freedom (`dof <= 0`).
///
/// NaN residuals (the positions without an in-sample prediction) count as zero in the sum
/// while `dof` is chosen by the caller, exactly as statsforecast does.
pub(crate) fn residual_sigma(residuals: &[f64], dof: isize) -> f64 {
    if dof <= 0 {
        return 0.0;
    }
    (nan_sum_of_squares(residuals) / dof as f64).sqrt()
}

/// `np.nansum(residuals ** 2)`: NaN residuals count as zero, pairwise summation.
pub(crate) fn nan_sum_of_squares(residuals: &[f64]) -> f64 {
    let squares: Vec<f64> = residuals
        .iter()
        .map(|r| if r.is_nan() { 0.0 } else { r * r })
        .collect();
    pairwise_sum(&squares)
}

/// Whether every value equals the first (numpy's `np.all(x[0] == x)`, as statsforecast
/// tests for constant series); true for an empty slice.
pub(crate) fn is_constant(values: &[f64]) -> bool {
    values.iter().all(|&v| v == values[0])
}

/// `y - fitted`, elementwise.
pub(crate) fn residuals(y: &[f64], fitted: &[f64]) -> Vec<f64> {
    y.iter().zip(fitted).map(|(a, b)| a - b).collect()
}

/// Signed degrees of freedom `n - k`, saturating instead of overflowing.
pub(crate) fn dof(n: usize, k: usize) -> isize {
    let n = isize::try_from(n).unwrap_or(isize::MAX);
    let k = isize::try_from(k).unwrap_or(isize::MAX);
    n.saturating_sub(k)
}

#[cfg(test)]
mod tests {
    use super::{dof, mean, pairwise_sum, residual_sigma};

    /// Reference implementation of numpy's recursion, written independently as a check.
    fn reference(values: &[f64]) -> f64 {
        let n = values.len();
        if n < 8 {
            let mut s = -0.0;
            for v in values {
                s += v;
            }
            s
        } else if n <= 128 {
            let mut r: Vec<f64> = values[..8].to_vec();
            let mut i = 8;
            while i < n - n % 8 {
                for j in 0..8 {
                    r[j] += values[i + j];
                }
                i += 8;
            }
            let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            while i < n {
                s += values[i];
                i += 1;
            }
            s
        } else {
            let half = n / 2 - (n / 2) % 8;
            reference(&values[..half]) + reference(&values[half..])
        }
    }

    #[test]
    fn matches_numpy_order() {
        // Values chosen so that the association order changes the rounding.
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 1.1e-3 + 1e8 * ((i % 3) as f64 - 1.0))
            .collect();
        for n in [0, 1, 7, 8, 9, 16, 127, 128, 129, 255, 256, 257, 1000] {
            assert_eq!(
                pairwise_sum(&values[..n]).to_bits(),
                reference(&values[..n]).to_bits()
            );
        }
    }

    #[test]
    fn known_numpy_values() {
        // Printed by numpy 2.4: np.sum([0.1] * 10), np.sum(np.arange(1, 201) * 0.1); a plain
        // left-to-right loop gives 0.9999999999999999 and 2010.0000000000002 instead.
        assert_eq!(pairwise_sum(&[0.1; 10]), 1.0);
        let tenths: Vec<f64> = (1..=200).map(|i| i as f64 * 0.1).collect();
        assert_eq!(pairwise_sum(&tenths), 2010.0);
        // np.sum(v[:n]) for the series of `matches_numpy_order`.
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 1.1e-3 + 1e8 * ((i % 3) as f64 - 1.0))
            .collect();
        for (n, want) in [
            (9, 4.931300014257431),
            (129, 72.69790004193783),
            (255, 143.36740007710455),
            (1000, -99999442.42539972),
        ] {
            assert_eq!(pairwise_sum(&values[..n]), want, "n={n}");
        }
        assert_eq!(pairwise_sum(&[]), 0.0);
        assert!(mean(&[]).is_nan());
        assert_eq!(mean(&[1.0, 2.0, 4.0]), 7.0 / 3.0);
    }

    #[test]
    fn sigma_ignores_nan_and_handles_no_dof() {
        assert_eq!(
            residual_sigma(&[f64::NAN, 3.0, 4.0], 2),
            (25.0f64 / 2.0).sqrt()
        );
        assert_eq!(residual_sigma(&[f64::NAN], 0), 0.0);
        assert_eq!(residual_sigma(&[1.0], -3), 0.0);
        assert_eq!(dof(3, 5), -2);
        assert_eq!(dof(usize::MAX, 1), isize::MAX - 1);
    }
}
