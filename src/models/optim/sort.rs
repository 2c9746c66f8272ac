//! The index sort of statsforecast's Nelder–Mead, reproduced exactly.
//!
//! statsforecast orders the simplex vertices with `std::sort` (GNU libstdc++) on their
//! indices, comparing function values with `<`. That sort is not stable, so among vertices
//! with equal values (for instance several `+inf`) the chosen best or worst vertex depends on
//! the algorithm itself. This module is an independent implementation of the same
//! introsort (median-of-three quicksort down to blocks of 16, heapsort past the depth limit,
//! then insertion sort), so ties resolve the same way. Unlike the C++ original it checks
//! bounds in its unguarded loops, so an inconsistent comparison (NaN) cannot read outside
//! the slice; with a consistent comparison the checks never change the result.

/// Blocks at most this long are left to the final insertion sort.
const THRESHOLD: usize = 16;

/// Sorts `idx` so that `values[idx[0]] <= values[idx[1]] <= ...`, as libstdc++'s
/// `std::sort(idx.begin(), idx.end(), [&](a, b) { return values[a] < values[b]; })`.
pub(crate) fn argsort_into(values: &[f64], idx: &mut [usize]) {
    let less = |a: usize, b: usize| values[a] < values[b];
    let n = idx.len();
    if n < 2 {
        return;
    }
    let depth = 2 * (usize::BITS - 1 - n.leading_zeros()) as usize;
    introsort_loop(idx, 0, n, depth, &less);
    final_insertion_sort(idx, &less);
}

/// The vertices Nelder–Mead needs from the sorted order: `(best, second_worst, worst)`,
/// i.e. `idx[0]`, `idx[n - 2]` and `idx[n - 1]` after [`argsort_into`] (`n >= 2`).
///
/// When the smallest, largest and second-largest values each occur once (and there is no
/// NaN) every sort puts the same index there, so one linear pass gives libstdc++'s answer;
/// otherwise the tie is resolved by the full introsort into `order`.
pub(crate) fn extremes(values: &[f64], order: &mut [usize]) -> (usize, usize, usize) {
    debug_assert!(values.len() >= 2 && order.len() == values.len());
    if let Some(found) = distinct_extremes(values) {
        return found;
    }
    for (k, slot) in order.iter_mut().enumerate() {
        *slot = k;
    }
    argsort_into(values, order);
    let n = order.len();
    (order[0], order[n - 2], order[n - 1])
}

fn distinct_extremes(values: &[f64]) -> Option<(usize, usize, usize)> {
    let (mut best, mut worst, mut second) = (0, 0, usize::MAX);
    let mut ambiguous = false;
    for (i, &v) in values.iter().enumerate().skip(1) {
        if v.is_nan() {
            return None;
        }
        let (b, w) = (values[best], values[worst]);
        if v < b {
            best = i;
        } else if v == b {
            ambiguous = true;
        }
        if v > w {
            second = worst;
            worst = i;
        } else if v == w {
            ambiguous = true;
        } else if second == usize::MAX || v > values[second] {
            second = i;
        } else if v == values[second] {
            ambiguous = true;
        }
    }
    // `ambiguous` may be stale (a tie with a value later beaten); recheck exactly.
    if values[0].is_nan() || second == usize::MAX {
        return None;
    }
    if ambiguous {
        let count = |target: f64| values.iter().filter(|&&v| v == target).count();
        if count(values[best]) != 1 || count(values[worst]) != 1 || count(values[second]) != 1 {
            return None;
        }
    }
    Some((best, second, worst))
}

fn introsort_loop(
    idx: &mut [usize],
    first: usize,
    mut last: usize,
    mut depth: usize,
    less: &impl Fn(usize, usize) -> bool,
) {
    while last - first > THRESHOLD {
        if depth == 0 {
            heap_sort(&mut idx[first..last], less);
            return;
        }
        depth -= 1;
        let cut = partition_pivot(idx, first, last, less);
        introsort_loop(idx, cut, last, depth, less);
        last = cut;
    }
}

/// Moves the median of `idx[first + 1]`, `idx[mid]`, `idx[last - 1]` to `idx[first]` and
/// partitions the rest around it; returns the start of the upper part.
fn partition_pivot(
    idx: &mut [usize],
    first: usize,
    last: usize,
    less: &impl Fn(usize, usize) -> bool,
) -> usize {
    let mid = first + (last - first) / 2;
    let (a, b, c) = (first + 1, mid, last - 1);
    let median = if less(idx[a], idx[b]) {
        if less(idx[b], idx[c]) {
            b
        } else if less(idx[a], idx[c]) {
            c
        } else {
            a
        }
    } else if less(idx[a], idx[c]) {
        a
    } else if less(idx[b], idx[c]) {
        c
    } else {
        b
    };
    idx.swap(first, median);

    let pivot = idx[first];
    let (mut lo, mut hi) = (first + 1, last);
    loop {
        while lo < last && less(idx[lo], pivot) {
            lo += 1;
        }
        hi -= 1;
        while hi > first && less(pivot, idx[hi]) {
            hi -= 1;
        }
        if lo >= hi {
            return lo;
        }
        idx.swap(lo, hi);
        lo += 1;
    }
}

fn final_insertion_sort(idx: &mut [usize], less: &impl Fn(usize, usize) -> bool) {
    let n = idx.len();
    if n > THRESHOLD {
        insertion_sort(&mut idx[..THRESHOLD], less);
        for i in THRESHOLD..n {
            linear_insert(idx, i, less);
        }
    } else {
        insertion_sort(idx, less);
    }
}

fn insertion_sort(idx: &mut [usize], less: &impl Fn(usize, usize) -> bool) {
    for i in 1..idx.len() {
        let value = idx[i];
        if less(value, idx[0]) {
            idx.copy_within(0..i, 1);
            idx[0] = value;
        } else {
            linear_insert(idx, i, less);
        }
    }
}

/// Shifts `idx[pos]` left past every larger element (stops at the front in any case).
fn linear_insert(idx: &mut [usize], mut pos: usize, less: &impl Fn(usize, usize) -> bool) {
    let value = idx[pos];
    while pos > 0 && less(value, idx[pos - 1]) {
        idx[pos] = idx[pos - 1];
        pos -= 1;
    }
    idx[pos] = value;
}

/// libstdc++'s `__partial_sort(first, last, last)`: make a max-heap, then pop it.
fn heap_sort(idx: &mut [usize], less: &impl Fn(usize, usize) -> bool) {
    let len = idx.len();
    if len < 2 {
        return;
    }
    let mut parent = (len - 2) / 2;
    loop {
        let value = idx[parent];
        adjust_heap(idx, parent, len, value, less);
        if parent == 0 {
            break;
        }
        parent -= 1;
    }
    let mut last = len;
    while last > 1 {
        last -= 1;
        let value = idx[last];
        idx[last] = idx[0];
        adjust_heap(idx, 0, last, value, less);
    }
}

fn adjust_heap(
    idx: &mut [usize],
    mut hole: usize,
    len: usize,
    value: usize,
    less: &impl Fn(usize, usize) -> bool,
) {
    let top = hole;
    let mut child = hole;
    while child < (len - 1) / 2 {
        child = 2 * (child + 1);
        if less(idx[child], idx[child - 1]) {
            child -= 1;
        }
        idx[hole] = idx[child];
        hole = child;
    }
    if len.is_multiple_of(2) && child == (len - 2) / 2 {
        child = 2 * (child + 1);
        idx[hole] = idx[child - 1];
        hole = child - 1;
    }
    // push_heap
    while hole > top {
        let parent = (hole - 1) / 2;
        if !less(idx[parent], value) {
            break;
        }
        idx[hole] = idx[parent];
        hole = parent;
    }
    idx[hole] = value;
}

#[cfg(test)]
mod tests {
    use super::{argsort_into, extremes, heap_sort};

    fn sorted(values: &[f64]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..values.len()).collect();
        argsort_into(values, &mut idx);
        idx
    }

    #[test]
    fn sorts_by_value() {
        for n in [0, 1, 2, 5, 16, 17, 18, 40, 200] {
            let values: Vec<f64> = (0..n).map(|i| ((i * 7919) % 101) as f64 - 50.0).collect();
            let idx = sorted(&values);
            assert_eq!(idx.len(), n);
            assert!(
                idx.windows(2).all(|w| values[w[0]] <= values[w[1]]),
                "n={n}"
            );
            let mut seen = idx.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn small_ties_keep_index_order() {
        // Up to 16 elements libstdc++ uses a (stable) insertion sort.
        let values = [1.0, f64::INFINITY, 0.0, f64::INFINITY, 0.0];
        assert_eq!(sorted(&values), vec![2, 4, 0, 1, 3]);
    }

    #[test]
    fn large_ties_follow_libstdcxx() {
        // 18 equal values: the median-of-three pivot and the partition reorder them.
        // Printed by a C++ program calling libstdc++'s std::sort (GCC 12) on the same input;
        // 3000 random tie-heavy arrays of length 1..60 were checked the same way.
        let values = [0.0; 18];
        assert_eq!(
            sorted(&values),
            vec![9, 17, 16, 15, 14, 13, 12, 11, 10, 0, 8, 7, 6, 5, 4, 3, 2, 1]
        );
    }

    #[test]
    fn heap_sort_sorts() {
        let values = [5.0, 3.0, 9.0, 1.0, 7.0, 2.0];
        let mut idx: Vec<usize> = (0..6).collect();
        heap_sort(&mut idx, &|a, b| values[a] < values[b]);
        assert_eq!(idx, vec![3, 5, 1, 0, 4, 2]);
    }

    #[test]
    fn nan_does_not_panic() {
        let values: Vec<f64> = (0..40)
            .map(|i| if i % 3 == 0 { f64::NAN } else { i as f64 })
            .collect();
        assert_eq!(sorted(&values).len(), 40);
    }

    #[test]
    fn extremes_agree_with_the_full_sort() {
        // Pseudo-random values from a small set (many ties), a few infinities and NaNs.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000 {
            let n = 2 + (next() % 24) as usize;
            let spread = 1 + next() % if round % 2 == 0 { 4 } else { 1000 };
            let values: Vec<f64> = (0..n)
                .map(|_| match next() % 50 {
                    0 => f64::INFINITY,
                    1 => f64::NEG_INFINITY,
                    2 if round % 7 == 0 => f64::NAN,
                    _ => (next() % spread) as f64,
                })
                .collect();
            let full = sorted(&values);
            let mut order = vec![0; n];
            assert_eq!(
                extremes(&values, &mut order),
                (full[0], full[n - 2], full[n - 1]),
                "{values:?}"
            );
        }
    }
}
