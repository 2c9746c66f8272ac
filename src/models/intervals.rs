//! Gaussian prediction intervals, computed as statsforecast's `_calculate_intervals` and
//! `_add_fitted_pi` do: `mean ∓ z · se` with `z = Φ⁻¹(0.5 + level / 200)`.

use super::{Band, normal_quantile};

/// The normal multiplier of a two-sided interval at `level` percent.
pub(crate) fn level_multiplier(level: f64) -> f64 {
    normal_quantile(0.5 + level / 200.0)
}

/// One band per level: `mean[k] ∓ z · se(k)`.
///
/// `se(k)` is the standard error of value `k` (0-based); the product `z · se` is formed
/// before the subtraction, in the same order as statsforecast, so bounds are bit-identical.
pub(crate) fn gaussian_bands(mean: &[f64], levels: &[f64], se: impl Fn(usize) -> f64) -> Vec<Band> {
    let se: Vec<f64> = (0..mean.len()).map(se).collect();
    levels
        .iter()
        .map(|&level| {
            let z = level_multiplier(level);
            Band {
                level,
                lo: mean.iter().zip(&se).map(|(m, s)| m - z * s).collect(),
                hi: mean.iter().zip(&se).map(|(m, s)| m + z * s).collect(),
            }
        })
        .collect()
}

/// One zero-width band per level (`lo = hi = mean`), as statsforecast's ConstantModel gives.
pub(crate) fn degenerate_bands(mean: &[f64], levels: &[f64]) -> Vec<Band> {
    levels
        .iter()
        .map(|&level| Band {
            level,
            lo: mean.to_vec(),
            hi: mean.to_vec(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{degenerate_bands, gaussian_bands, level_multiplier};

    #[test]
    fn multipliers() {
        assert_eq!(level_multiplier(80.0), 1.2815515655446004);
        assert_eq!(level_multiplier(95.0), 1.959963984540054);
        assert_eq!(level_multiplier(0.0), 0.0);
    }

    #[test]
    fn bands_are_symmetric_and_ordered() {
        let bands = gaussian_bands(&[10.0, 20.0], &[80.0, 95.0], |k| (k + 1) as f64);
        assert_eq!(bands.len(), 2);
        assert_eq!(bands[0].level, 80.0);
        assert_eq!(bands[0].lo[0], 10.0 - 1.2815515655446004);
        assert_eq!(bands[1].hi[1], 20.0 + 1.959963984540054 * 2.0);
        assert!(bands[1].lo[1] < bands[0].lo[1]);
        let flat = degenerate_bands(&[1.0, 2.0], &[50.0]);
        assert_eq!(flat[0].lo, vec![1.0, 2.0]);
        assert_eq!(flat[0].hi, vec![1.0, 2.0]);
    }

    #[test]
    fn nan_mean_gives_nan_bounds() {
        let bands = gaussian_bands(&[f64::NAN, 1.0], &[80.0], |_| 0.0);
        assert!(bands[0].lo[0].is_nan() && bands[0].hi[0].is_nan());
        assert_eq!(bands[0].lo[1], 1.0);
    }
}
