//! Bounded Nelder–Mead simplex search, as statsforecast's compiled `nelder_mead.h`.
//!
//! The algorithm, step by step:
//!
//! 1. Clamp the start `x0` into `[lower, upper]`. With `adaptive`, the expansion,
//!    contraction and shrink coefficients depend on the dimension `n`:
//!    `gamma = 1 + 2/n`, `rho = 0.75 - 1/(2n)`, `sigma = 1 - 1/n`.
//! 2. The simplex has `n + 1` vertices: `n` copies of `x0` whose `i`-th coordinate is
//!    multiplied by `1 + init_step` (set to `zero_pert` when it is exactly 0), clamped, and
//!    `x0` itself last.
//! 3. Each iteration takes the best, second-worst and worst vertices as statsforecast's
//!    sort of the vertices by value places them (see [`super::sort`]) and stops when the
//!    population standard deviation of the `n + 1` values is below `tol_std`. Otherwise it
//!    reflects the worst vertex through the centroid of the others (coefficient `alpha`),
//!    then tries expansion, outside or inside contraction, and finally shrinks every vertex
//!    towards the best one. Every trial point is clamped into the bounds before it is
//!    evaluated, which is the only way bounds enter.
//! 4. After `max_iter` iterations (or the stop) it returns the vertex that was best at the
//!    start of the last iteration, with its value.
//!
//! To reproduce statsforecast's numbers rather than merely its algorithm, sums are formed in
//! the order Eigen (SSE2, two doubles per packet) forms them: the centroid's column sums and
//! the mean of the values are not plain left-to-right sums.

use super::eigen::eigen_sum;
use super::sort::extremes;

/// Coefficients and stopping rules of [`nelder_mead`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NelderMeadOptions {
    /// Relative perturbation of each coordinate for the initial simplex.
    pub(crate) init_step: f64,
    /// Perturbation used instead when a coordinate is exactly zero.
    pub(crate) zero_pert: f64,
    /// Reflection coefficient.
    pub(crate) alpha: f64,
    /// Expansion coefficient (replaced when `adaptive`).
    pub(crate) gamma: f64,
    /// Contraction coefficient (replaced when `adaptive`).
    pub(crate) rho: f64,
    /// Shrink coefficient (replaced when `adaptive`).
    pub(crate) sigma: f64,
    /// Maximum number of iterations.
    pub(crate) max_iter: usize,
    /// Stop when the standard deviation of the vertex values falls below this.
    pub(crate) tol_std: f64,
    /// Use dimension-dependent coefficients (Gao & Han).
    pub(crate) adaptive: bool,
}

impl NelderMeadOptions {
    /// The settings statsforecast's ETS, Theta and CES optimisers pass: initial step 5 %,
    /// zero perturbation 1e-4, coefficients 1 / 2 / 0.5 / 0.5 (adaptive), with the given
    /// tolerance and iteration limit.
    pub(crate) fn statsforecast(tol_std: f64, max_iter: usize) -> Self {
        Self {
            init_step: 0.05,
            zero_pert: 1.0e-4,
            alpha: 1.0,
            gamma: 2.0,
            rho: 0.5,
            sigma: 0.5,
            max_iter,
            tol_std,
            adaptive: true,
        }
    }
}

/// What [`nelder_mead`] found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NelderMeadResult {
    /// The best vertex (as of the start of the last iteration).
    pub(crate) x: Vec<f64>,
    /// The objective at `x`.
    pub(crate) value: f64,
    /// Iterations run, counted as statsforecast counts them (the stopping iteration
    /// included).
    pub(crate) iterations: usize,
}

/// `std::clamp(v, lo, hi)`.
fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    if v < lo {
        lo
    } else if hi < v {
        hi
    } else {
        v
    }
}

/// Eigen's `x.cwiseMax(lo).cwiseMin(hi)`: like `std::max` then `std::min`, a NaN `x` stays
/// NaN.
fn clamp_into(x: &mut [f64], lower: &[f64], upper: &[f64]) {
    for ((v, &lo), &hi) in x.iter_mut().zip(lower).zip(upper) {
        let at_least = if *v < lo { lo } else { *v };
        *v = if hi < at_least { hi } else { at_least };
    }
}

/// Population standard deviation as `nelder_mead.h` computes it (Eigen means).
fn standard_deviation(values: &[f64], scratch: &mut [f64]) -> f64 {
    let n = values.len() as f64;
    let mean = eigen_sum(values, 0) / n;
    for (s, &v) in scratch.iter_mut().zip(values) {
        let d = v - mean;
        *s = d * d;
    }
    (eigen_sum(&scratch[..values.len()], 0) / n).sqrt()
}

/// Column sums of the `(n + 1) x n` row-major `simplex` into `sums`, as Eigen's
/// `simplex.colwise().sum()` forms them: for the packet-aligned columns, row 0, then blocks
/// of four rows added pairwise, then the remaining rows; an odd last column top to bottom.
/// Rows are the outer loop so that the columns are added side by side; each column's
/// additions are the same, in the same order.
fn column_sums(simplex: &[f64], n: usize, sums: &mut [f64]) {
    let rows = n + 1;
    let block_end = (rows - 1) & !3;
    let packet_columns = n - n % 2;
    let row = |i: usize| &simplex[i * n..i * n + packet_columns];
    sums.copy_from_slice(&simplex[..n]);
    let packed = &mut sums[..packet_columns];
    let mut i = 1;
    while i < block_end {
        let (a, b, c, d) = (row(i), row(i + 1), row(i + 2), row(i + 3));
        for j in 0..packet_columns {
            packed[j] += (a[j] + b[j]) + (c[j] + d[j]);
        }
        i += 4;
    }
    while i < rows {
        for (sum, v) in packed.iter_mut().zip(row(i)) {
            *sum += v;
        }
        i += 1;
    }
    if packet_columns < n {
        sums[n - 1] = sequential_column_sum(simplex, n, n - 1);
    }
}

/// Column `j` summed top to bottom (Eigen's scalar path, used for an odd last column).
fn sequential_column_sum(simplex: &[f64], n: usize, j: usize) -> f64 {
    let mut sum = simplex[j];
    for i in 1..=n {
        sum += simplex[i * n + j];
    }
    sum
}

/// Minimises `f` from `x0` within `[lower, upper]` (use infinities for free coordinates).
///
/// `x0`, `lower` and `upper` must have the same length `n >= 1`. The objective may return
/// `+inf` to reject a point; NaN values are tolerated (they never compare as better).
pub(crate) fn nelder_mead<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    options: &NelderMeadOptions,
) -> NelderMeadResult {
    let n = x0.len();
    debug_assert!(n >= 1 && lower.len() == n && upper.len() == n);
    let NelderMeadOptions {
        init_step,
        zero_pert,
        alpha,
        mut gamma,
        mut rho,
        mut sigma,
        max_iter,
        tol_std,
        adaptive,
    } = *options;
    if adaptive {
        let dim = n as f64;
        gamma = 1.0 + 2.0 / dim;
        rho = 0.75 - 1.0 / (2.0 * dim);
        sigma = 1.0 - 1.0 / dim;
    }

    let mut start = x0.to_vec();
    clamp_into(&mut start, lower, upper);
    let rows = n + 1;
    let mut simplex = Vec::with_capacity(rows * n);
    for _ in 0..rows {
        simplex.extend_from_slice(&start);
    }
    for i in 0..n {
        let v = simplex[i * n + i];
        let v = if v == 0.0 {
            zero_pert
        } else {
            v * (1.0 + init_step)
        };
        simplex[i * n + i] = clamp(v, lower[i], upper[i]);
    }
    let mut values: Vec<f64> = (0..rows).map(|r| f(&simplex[r * n..(r + 1) * n])).collect();

    let mut order: Vec<usize> = (0..rows).collect();
    let mut scratch = vec![0.0; rows];
    let mut centroid = vec![0.0; n];
    let mut reflected = vec![0.0; n];
    let mut trial = vec![0.0; n];
    let dim = n as f64;

    let mut best = 0;
    let mut iteration = 0;
    while iteration < max_iter {
        let (best_now, second_worst, worst) = extremes(&values, &mut order);
        best = best_now;

        if standard_deviation(&values, &mut scratch) < tol_std {
            break;
        }

        // Centroid of all vertices but the worst.
        let worst_row = worst * n;
        column_sums(&simplex, n, &mut centroid);
        for (c, w) in centroid.iter_mut().zip(&simplex[worst_row..worst_row + n]) {
            *c = (*c - w) / dim;
        }

        // Reflection.
        for j in 0..n {
            reflected[j] = centroid[j] + alpha * (centroid[j] - simplex[worst_row + j]);
        }
        clamp_into(&mut reflected, lower, upper);
        let f_r = f(&reflected);
        if values[best] <= f_r && f_r < values[second_worst] {
            simplex[worst_row..worst_row + n].copy_from_slice(&reflected);
            values[worst] = f_r;
            iteration += 1;
            continue;
        }

        // Expansion.
        if f_r < values[best] {
            for j in 0..n {
                trial[j] = centroid[j] + gamma * (reflected[j] - centroid[j]);
            }
            clamp_into(&mut trial, lower, upper);
            let f_e = f(&trial);
            if f_e < f_r {
                simplex[worst_row..worst_row + n].copy_from_slice(&trial);
                values[worst] = f_e;
            } else {
                simplex[worst_row..worst_row + n].copy_from_slice(&reflected);
                values[worst] = f_r;
            }
            iteration += 1;
            continue;
        }

        // Outside or inside contraction.
        if values[second_worst] <= f_r && f_r < values[worst] {
            for j in 0..n {
                trial[j] = centroid[j] + rho * (reflected[j] - centroid[j]);
            }
            clamp_into(&mut trial, lower, upper);
            let f_c = f(&trial);
            if f_c <= f_r {
                simplex[worst_row..worst_row + n].copy_from_slice(&trial);
                values[worst] = f_c;
                iteration += 1;
                continue;
            }
        } else {
            for j in 0..n {
                trial[j] = centroid[j] - rho * (reflected[j] - centroid[j]);
            }
            clamp_into(&mut trial, lower, upper);
            let f_c = f(&trial);
            if f_c < values[worst] {
                simplex[worst_row..worst_row + n].copy_from_slice(&trial);
                values[worst] = f_c;
                iteration += 1;
                continue;
            }
        }

        // Shrink towards the best vertex.
        let best_row = best * n;
        for r in 0..rows {
            if r == best {
                continue;
            }
            for j in 0..n {
                let b = simplex[best_row + j];
                trial[j] = b + sigma * (simplex[r * n + j] - b);
            }
            clamp_into(&mut trial, lower, upper);
            simplex[r * n..(r + 1) * n].copy_from_slice(&trial);
            values[r] = f(&trial);
        }
        iteration += 1;
    }

    NelderMeadResult {
        x: simplex[best * n..(best + 1) * n].to_vec(),
        value: values[best],
        iterations: iteration + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::{NelderMeadOptions, column_sums, nelder_mead, standard_deviation};

    fn rosenbrock(x: &[f64]) -> f64 {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let inf = f64::INFINITY;
        let options = NelderMeadOptions {
            tol_std: 1e-14,
            max_iter: 5000,
            ..NelderMeadOptions::statsforecast(1e-14, 5000)
        };
        let out = nelder_mead(rosenbrock, &[-1.2, 1.0], &[-inf; 2], &[inf; 2], &options);
        assert!(
            (out.x[0] - 1.0).abs() < 1e-5 && (out.x[1] - 1.0).abs() < 1e-5,
            "{out:?}"
        );
        assert!(out.value < 1e-10);
        assert!(out.iterations < 5000);
    }

    #[test]
    fn respects_bounds() {
        // The unconstrained minimum (3, -2) lies outside the box.
        let f = |x: &[f64]| (x[0] - 3.0).powi(2) + (x[1] + 2.0).powi(2);
        let options = NelderMeadOptions::statsforecast(1e-12, 1000);
        let out = nelder_mead(f, &[0.5, 0.5], &[0.0, 0.0], &[1.0, 1.0], &options);
        assert!(
            (out.x[0] - 1.0).abs() < 1e-6 && out.x[1].abs() < 1e-6,
            "{out:?}"
        );
        assert!(out.x.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn start_outside_bounds_is_clamped_and_iteration_limit_holds() {
        let mut calls = 0;
        let f = |x: &[f64]| {
            calls += 1;
            x.iter().map(|v| v * v).sum::<f64>()
        };
        let options = NelderMeadOptions::statsforecast(0.0, 7);
        let out = nelder_mead(f, &[5.0, -5.0, 0.0], &[-1.0; 3], &[1.0; 3], &options);
        assert_eq!(out.iterations, 8);
        assert!(out.x.iter().all(|v| (-1.0..=1.0).contains(v)));
        assert!(calls >= 4 + 7);
    }

    #[test]
    fn zero_coordinates_use_the_zero_perturbation() {
        // One iteration with a tolerance that stops at once: the best initial vertex wins.
        let f = |x: &[f64]| -x[0];
        let options = NelderMeadOptions::statsforecast(f64::INFINITY, 10);
        let out = nelder_mead(f, &[0.0], &[-1.0], &[1.0], &options);
        assert_eq!(out.x, vec![1.0e-4]);
        assert_eq!(out.iterations, 1);
    }

    #[test]
    fn infinite_values_are_rejected_points() {
        // +inf outside the unit disc: the search stays inside.
        let f = |x: &[f64]| {
            let r = x[0] * x[0] + x[1] * x[1];
            if r > 1.0 {
                f64::INFINITY
            } else {
                (x[0] - 2.0).powi(2) + x[1] * x[1]
            }
        };
        let inf = f64::INFINITY;
        let options = NelderMeadOptions::statsforecast(1e-10, 1000);
        let out = nelder_mead(f, &[0.1, 0.1], &[-inf; 2], &[inf; 2], &options);
        assert!(out.value.is_finite());
        assert!(out.x[0] * out.x[0] + out.x[1] * out.x[1] <= 1.0);
        assert!(out.x[0] > 0.9, "{out:?}");
    }

    #[test]
    fn column_sums_follow_eigens_order() {
        // Per column, the additions column_sums must perform (see its docs).
        fn by_column(simplex: &[f64], n: usize, j: usize) -> f64 {
            let rows = n + 1;
            let mut sum = simplex[j];
            if j == n - 1 && n % 2 == 1 {
                (1..rows).for_each(|i| sum += simplex[i * n + j]);
                return sum;
            }
            let block_end = (rows - 1) & !3;
            let mut i = 1;
            while i < block_end {
                let at = |r: usize| simplex[r * n + j];
                sum += (at(i) + at(i + 1)) + (at(i + 2) + at(i + 3));
                i += 4;
            }
            (i..rows).for_each(|r| sum += simplex[r * n + j]);
            sum
        }
        for n in 1..=20 {
            let simplex: Vec<f64> = (0..(n + 1) * n)
                .map(|k| ((k * 7919) % 1009) as f64 * 1e-3 + if k % 3 == 0 { 1e12 } else { 0.0 })
                .collect();
            let mut sums = vec![0.0; n];
            column_sums(&simplex, n, &mut sums);
            for (j, sum) in sums.iter().enumerate() {
                assert_eq!(
                    sum.to_bits(),
                    by_column(&simplex, n, j).to_bits(),
                    "n={n} j={j}"
                );
            }
        }
    }

    #[test]
    fn population_standard_deviation() {
        let mut scratch = [0.0; 4];
        assert_eq!(standard_deviation(&[1.0, 3.0, 1.0, 3.0], &mut scratch), 1.0);
    }
}
