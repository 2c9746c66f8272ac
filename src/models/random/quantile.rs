//! `np.quantile` with the default linear method, which turns simulated paths into bands.

/// `np.quantile(values, qs)` with the default linear method, into `out` (one value per
/// `q`); NaN everywhere when `values` holds a NaN, as numpy gives. Reorders `values`.
pub(crate) fn quantiles(values: &mut [f64], qs: &[f64], out: &mut [f64]) {
    let n = values.len();
    let Some((low, high)) = extremes(values) else {
        out.fill(f64::NAN);
        return;
    };
    // Each quantile interpolates between two order statistics.
    let between: Vec<(usize, usize, f64)> = qs
        .iter()
        .map(|&q| {
            let position = q * (n - 1) as f64;
            let below = (position.floor() as usize).min(n - 1);
            (below, (below + 1).min(n - 1), position - below as f64)
        })
        .collect();
    let mut ranks: Vec<usize> = between.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut stats = vec![0.0; ranks.len()];
    if low == high && low != 0.0 {
        // One value repeated (zeros may differ in sign, which orders them).
        stats.fill(low);
    } else if !by_buckets(values, low, high, &ranks, &mut stats) {
        by_selection(values, &ranks, &mut stats);
    }
    let stat = |rank: usize| stats[ranks.partition_point(|&r| r < rank)];
    for (slot, &(below, above, t)) in out.iter_mut().zip(&between) {
        *slot = lerp(stat(below), stat(above), t);
    }
}

/// The smallest and the largest of `values`; `None` when it is empty or holds a NaN.
fn extremes(values: &[f64]) -> Option<(f64, f64)> {
    // Eight running extremes, so that the comparisons do not wait on each other.
    const WAYS: usize = 8;
    let mut low = [f64::INFINITY; WAYS];
    let mut high = [f64::NEG_INFINITY; WAYS];
    let mut nan = [false; WAYS];
    let mut chunks = values.chunks_exact(WAYS);
    for chunk in &mut chunks {
        for j in 0..WAYS {
            let v = chunk[j];
            low[j] = if v < low[j] { v } else { low[j] };
            high[j] = if v > high[j] { v } else { high[j] };
            nan[j] |= v.is_nan();
        }
    }
    for (j, &v) in chunks.remainder().iter().enumerate() {
        low[j] = if v < low[j] { v } else { low[j] };
        high[j] = if v > high[j] { v } else { high[j] };
        nan[j] |= v.is_nan();
    }
    if values.is_empty() || nan.contains(&true) {
        return None;
    }
    let low = low.into_iter().fold(f64::INFINITY, f64::min);
    let high = high.into_iter().fold(f64::NEG_INFINITY, f64::max);
    Some((low, high))
}

/// Value buckets of [`by_buckets`].
const BUCKETS: usize = 1024;
/// Fewer values than this are selected among directly.
const FEW_VALUES: usize = 256;

/// The order statistics `ranks` (ascending, distinct) of `values` (no NaN) into `stats`,
/// in the order `f64::total_cmp` gives: one pass counts the values per bucket of equal
/// width between the smallest, `low`, and the largest, `high`, which tells the bucket of
/// every rank, and only the values of those buckets are then selected among. A value's
/// bucket, `(v - low) · scale` rounded to an integer, never decreases as the value grows
/// (rounding keeps the order of each operation), so every bucket holds a run of the
/// sorted values and the ranks found are exact. `false`, with nothing done, for few values or a range that is not a
/// positive finite number.
fn by_buckets(values: &[f64], low: f64, high: f64, ranks: &[usize], stats: &mut [f64]) -> bool {
    if values.len() < FEW_VALUES {
        return false;
    }
    let last = (BUCKETS - 1) as f64;
    let scale = last / (high - low);
    if !(scale.is_finite() && scale > 0.0) {
        return false;
    }
    // Adding 2^52 to a number in [0, 2^52) rounds it to an integer, which the low bits of
    // the sum then hold: a conversion the compiler can do several values at a time.
    const ROUND: f64 = 4_503_599_627_370_496.0;
    let ids: Vec<u16> = values
        .iter()
        .map(|&v| (((v - low) * scale).min(last) + ROUND).to_bits() as u16)
        .collect();
    let mut counts = [0u32; BUCKETS];
    for &b in &ids {
        // `b < BUCKETS`: the mask only spares the bounds check.
        counts[usize::from(b) & (BUCKETS - 1)] += 1;
    }
    // The bucket of each rank, and the rank of its bucket's smallest value.
    let mut located = Vec::with_capacity(ranks.len());
    let mut first = 0;
    let mut next = ranks.iter().peekable();
    for (b, &count) in counts.iter().enumerate() {
        let end = first + count as usize;
        while let Some(&&rank) = next.peek() {
            if rank >= end {
                break;
            }
            located.push((b, first));
            next.next();
        }
        first = end;
    }
    // The values of the buckets holding a rank, each bucket's together.
    const NONE: usize = usize::MAX;
    let mut region = vec![NONE; BUCKETS];
    let mut filled = 0;
    for &(b, _) in &located {
        if region[b] == NONE {
            region[b] = filled;
            filled += counts[b] as usize;
        }
    }
    let mut cursor = region.clone();
    let mut kept = vec![0.0; filled];
    for (&v, &b) in values.iter().zip(&ids) {
        let at = cursor[usize::from(b)];
        if at != NONE {
            kept[at] = v;
            cursor[usize::from(b)] = at + 1;
        }
    }
    for ((&rank, &(b, first)), stat) in ranks.iter().zip(&located).zip(stats.iter_mut()) {
        let own = &mut kept[region[b]..region[b] + counts[b] as usize];
        *stat = *own.select_nth_unstable_by(rank - first, f64::total_cmp).1;
    }
    true
}

/// [`by_buckets`] by selection on the whole of `values` (reordering it): the smallest
/// values are placed rank after rank.
fn by_selection(values: &mut [f64], ranks: &[usize], stats: &mut [f64]) {
    // The smallest `placed` values precede the rest, in order up to the last rank found.
    let mut placed = 0;
    for (&rank, stat) in ranks.iter().zip(stats.iter_mut()) {
        values[placed..].select_nth_unstable_by(rank - placed, f64::total_cmp);
        placed = rank + 1;
        *stat = values[rank];
    }
}

/// numpy's `_lerp`: `a + (b - a)·t`, computed from `b` when `t >= 0.5`.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

#[cfg(test)]
mod tests {
    use super::super::Pcg64;
    use super::{lerp, quantiles};

    #[test]
    fn quantiles_equal_those_of_the_sorted_values() {
        let qs = [0.975, 0.025, 0.1, 0.9, 0.5, 0.0, 1.0, 1.0 / 3.0, 0.9995];
        let mut rng = Pcg64::from_seed(3);
        let mut samples: Vec<Vec<f64>> = Vec::new();
        for n in [1, 2, 5, 255, 256, 257, 1_000, 5_000] {
            let normal: Vec<f64> = (0..n).map(|_| 40.0 + 3.0 * rng.standard_normal()).collect();
            // Ties, signed zeros, an outlier that leaves one crowded bucket, a range of a
            // few ulps, infinities, a constant, zeros of both signs only.
            let rounded = normal.iter().map(|v| (v * 2.0).round() - 80.0).collect();
            let zeros = (0..n)
                .map(|i| [0.0, -0.0, 1.0, -1.0][i % 4] * normal[i].signum().abs())
                .collect();
            let mut outlier = normal.clone();
            outlier[n / 2] = 1e300;
            let ulps = (0..n)
                .map(|i| 1.0 + (i % 7) as f64 * f64::EPSILON)
                .collect();
            let mut infinite = normal.clone();
            infinite[0] = f64::NEG_INFINITY;
            infinite[n - 1] = f64::INFINITY;
            samples.extend([
                normal,
                rounded,
                zeros,
                outlier,
                ulps,
                infinite,
                vec![2.5; n],
                (0..n)
                    .map(|i| if i % 3 == 0 { -0.0 } else { 0.0 })
                    .collect(),
            ]);
        }
        for values in samples {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let want: Vec<u64> = qs
                .iter()
                .map(|&q| {
                    let position = q * (n - 1) as f64;
                    let below = (position.floor() as usize).min(n - 1);
                    let above = (below + 1).min(n - 1);
                    lerp(sorted[below], sorted[above], position - below as f64).to_bits()
                })
                .collect();
            let mut got = vec![0.0; qs.len()];
            quantiles(&mut values.clone(), &qs, &mut got);
            let got: Vec<u64> = got.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{} values from {}", n, values[0]);
        }
    }

    #[test]
    fn numpy_linear_quantiles() {
        // np.quantile(x, [0.025, 0.1, 0.5, 0.9, 0.975, 0, 1]), in any order of q.
        let mut x = [3.0, -1.0, 7.5, 2.0, 2.0, 10.0, -4.0, 0.5];
        let qs = [0.9, 0.025, 0.5, 0.1, 0.975, 1.0, 0.0];
        let mut out = [0.0; 7];
        quantiles(&mut x, &qs, &mut out);
        assert_eq!(out, [8.25, -3.475, 2.0, -1.9, 9.5625, 10.0, -4.0]);
        let mut with_nan = [1.0, f64::NAN, 2.0];
        let mut out = [0.0; 1];
        quantiles(&mut with_nan, &[0.5], &mut out);
        assert!(out[0].is_nan());
    }
}
