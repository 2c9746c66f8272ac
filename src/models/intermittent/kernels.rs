//! Building blocks shared by the intermittent-demand models: the demand / interval /
//! occurrence views of a series, SES on a stream of values, the optimised SES of these
//! models, chunked forecasts and the expansion of per-demand values to per-observation ones.

/// The search bracket of the smoothing constant in statsforecast's intermittent models
/// (`_optimized_ses_forecast`'s default bounds, also the compiled `golden_section_ses`'s).
pub(super) const ALPHA_BOUNDS: (f64, f64) = (0.1, 0.3);

/// Demand sizes: the strictly positive values (`x[x > 0]`; NaN is excluded).
pub(super) fn demand(y: &[f64]) -> impl Iterator<Item = f64> + '_ {
    y.iter().copied().filter(|&v| v > 0.0)
}

/// Inter-demand intervals: the distance from each non-zero value (NaN counts as non-zero)
/// to the previous one, the first counted from just before the series start, as floats.
pub(super) fn intervals(y: &[f64]) -> impl Iterator<Item = f64> + '_ {
    let mut previous = 0usize;
    y.iter()
        .enumerate()
        .filter(|&(_, &v)| v != 0.0)
        .map(move |(i, _)| {
            let gap = i + 1 - previous;
            previous = i + 1;
            gap as f64
        })
}

/// Occurrences: 1 where the value is non-zero (NaN included), else 0.
pub(super) fn occurrences(y: &[f64]) -> impl Iterator<Item = f64> + '_ {
    y.iter().map(|&v| if v != 0.0 { 1.0 } else { 0.0 })
}

/// Whether every value is exactly zero (numpy's `(y == 0).all()`; NaN is not zero).
pub(super) fn all_zero(y: &[f64]) -> bool {
    y.iter().all(|&v| v == 0.0)
}

/// `(count of non-zero values, mean inter-demand interval)`, or `None` without any.
///
/// The intervals telescope to `last non-zero position + 1`, an integer that every summation
/// order (numpy's pairwise `mean`, the compiled code's running sum) adds exactly, so the
/// mean is that integer divided by the count, in floating point.
pub(super) fn mean_interval(y: &[f64]) -> Option<(usize, f64)> {
    let count = y.iter().filter(|&&v| v != 0.0).count();
    let last = y.iter().rposition(|&v| v != 0.0)?;
    Some((count, (last + 1) as f64 / count as f64))
}

/// The one-step forecast of SES with constant `alpha` over `values`, exactly as the first
/// output of statsforecast's `ses_forecast` (the level starts at the first value and is
/// updated with every value, the first included; a single value is its own forecast), but
/// without storing the fitted values. NaN for no values.
pub(super) fn ses_last(values: impl IntoIterator<Item = f64>, alpha: f64) -> f64 {
    let mut values = values.into_iter();
    let Some(first) = values.next() else {
        return f64::NAN;
    };
    let complement = 1.0 - alpha;
    let (mut level, mut latest, mut several) = (first, first, false);
    for value in values {
        level = alpha * latest + complement * level;
        latest = value;
        several = true;
    }
    if several {
        alpha * latest + complement * level
    } else {
        first
    }
}

/// statsforecast's `_optimized_ses_forecast(x)[0]`: SES with the constant chosen by
/// golden-section search over [`ALPHA_BOUNDS`]. NaN for an empty slice.
pub(super) fn optimized_ses_last(x: &[f64]) -> f64 {
    ses_last(x.iter().copied(), golden_alpha(x))
}

/// [`optimized_ses_last`] of two sequences, their searches run together
/// ([`golden_alpha_pair`]).
pub(super) fn optimized_ses_last_pair(x: &[f64], y: &[f64]) -> (f64, f64) {
    let (x_alpha, y_alpha) = golden_alpha_pair(x, y);
    (
        ses_last(x.iter().copied(), x_alpha),
        ses_last(y.iter().copied(), y_alpha),
    )
}

/// `golden_section_ses(x, 0.1, 0.3)` (the shared kernel in `models::ses`), bit for bit, in
/// about half the time.
///
/// The search is a chain of dependent SSE evaluations, each limited by the latency of the
/// SES recursion. Which probe an iteration needs depends on the previous comparison, but
/// the bracket moves do not depend on the values: so one pass over `x` evaluates the probe
/// needed now together with the 2 probes the next iteration and the 4 the one after could
/// need, as 8 independent recursions (one unused) that the CPU runs side by side. Every
/// probe, SSE value and comparison is the one the plain search computes, so the result is
/// identical; only independent work is reordered (and some of it wasted).
pub(super) fn golden_alpha(x: &[f64]) -> f64 {
    let mut search = GoldenSearch::new();
    while let Some(probes) = search.pending() {
        search.take(sse_lanes(x, probes));
    }
    search.alpha()
}

/// [`golden_alpha`] of two sequences, with both searches' passes in one loop: the two
/// recursions are independent, so the CPU overlaps them where one alone waits on its own
/// latency. Each result is bit for bit the single search's.
pub(super) fn golden_alpha_pair(x: &[f64], y: &[f64]) -> (f64, f64) {
    let (mut first, mut second) = (GoldenSearch::new(), GoldenSearch::new());
    loop {
        match (first.pending(), second.pending()) {
            (Some(px), Some(py)) => {
                let (sx, sy) = sse_lanes_pair(x, px, y, py);
                first.take(sx);
                second.take(sy);
            }
            (Some(px), None) => first.take(sse_lanes(x, px)),
            (None, Some(py)) => second.take(sse_lanes(y, py)),
            (None, None) => return (first.alpha(), second.alpha()),
        }
    }
}

/// Probes per pass of [`GoldenSearch`]: the one needed now, two for the next iteration,
/// four for the one after (and the first probe again, to fill the eighth lane).
const LANES: usize = 8;

/// The golden-section search of [`golden_alpha`] as a state machine: it asks for the SSE
/// of up to [`LANES`] probes at a time ([`GoldenSearch::pending`]) and runs every
/// iteration those answer ([`GoldenSearch::take`]), so several searches can share passes.
struct GoldenSearch {
    bracket: Bracket,
    /// SSE at the bracket's inner probes `c` and `d`.
    fc: f64,
    fd: f64,
    /// SSE of the probes the next iteration (by outcome: down, up) and the one after it
    /// (down-down, down-up, up-down, up-up) would need, when already evaluated.
    next: Option<[f64; 2]>,
    after: Option<[f64; 4]>,
    /// The probes of the pass the search waits for, and what they are for.
    waiting: Option<(Pass, [f64; LANES])>,
}

#[derive(Clone, Copy)]
enum Pass {
    /// The first: both inner probes, then the lookahead.
    Start,
    /// The probe a move `down` (or up) brought in, then the lookahead.
    Move { down: bool },
}

impl GoldenSearch {
    fn new() -> Self {
        let (lower, upper) = ALPHA_BOUNDS;
        let ratio = Self::ratio();
        let bracket = Bracket {
            a: lower,
            b: upper,
            c: upper - (upper - lower) / ratio,
            d: lower + (upper - lower) / ratio,
        };
        let [p1, p2, p3, p4, p5, p6] = bracket.ahead(ratio);
        Self {
            bracket,
            fc: 0.0,
            fd: 0.0,
            next: None,
            after: None,
            waiting: Some((Pass::Start, [bracket.c, bracket.d, p1, p2, p3, p4, p5, p6])),
        }
    }

    fn ratio() -> f64 {
        (5.0f64.sqrt() + 1.0) / 2.0
    }

    /// The probes whose SSE the search needs next; None once it has finished.
    fn pending(&self) -> Option<[f64; LANES]> {
        self.waiting.map(|(_, probes)| probes)
    }

    /// Takes the SSE of the [`pending`](Self::pending) probes and runs the search on to
    /// its next pass or its end.
    fn take(&mut self, sse: [f64; LANES]) {
        let Some((pass, _)) = self.waiting.take() else {
            return;
        };
        match pass {
            Pass::Start => {
                let [fc, fd, n1, n2, a1, a2, a3, a4] = sse;
                (self.fc, self.fd) = (fc, fd);
                self.next = Some([n1, n2]);
                self.after = Some([a1, a2, a3, a4]);
            }
            Pass::Move { down } => {
                let [value, n1, n2, a1, a2, a3, a4, _] = sse;
                self.next = Some([n1, n2]);
                self.after = Some([a1, a2, a3, a4]);
                self.settle(down, value);
            }
        }
        self.run();
    }

    /// Iterates while the SSE values are known; stops at a pass to wait for or the end
    /// (a bracket narrower than 1e-12, or a tie, which gives no direction).
    fn run(&mut self) {
        let ratio = Self::ratio();
        while (self.bracket.b - self.bracket.a).abs() >= 1e-12 {
            let down = if self.fc < self.fd {
                true
            } else if self.fd < self.fc {
                false
            } else {
                return;
            };
            self.bracket = self.bracket.moved(down, ratio);
            let outcome = usize::from(!down);
            match self.next.take() {
                Some(values) => {
                    self.next = self
                        .after
                        .take()
                        .map(|a| [a[2 * outcome], a[2 * outcome + 1]]);
                    self.settle(down, values[outcome]);
                }
                None => {
                    let probe = if down { self.bracket.c } else { self.bracket.d };
                    let [p1, p2, p3, p4, p5, p6] = self.bracket.ahead(ratio);
                    self.waiting =
                        Some((Pass::Move { down }, [probe, p1, p2, p3, p4, p5, p6, probe]));
                    return;
                }
            }
        }
    }

    /// The inner probes' SSE after a move: the kept probe's value shifts over, the new
    /// probe's is `value`.
    fn settle(&mut self, down: bool, value: f64) {
        if down {
            self.fd = self.fc;
            self.fc = value;
        } else {
            self.fc = self.fd;
            self.fd = value;
        }
    }

    fn alpha(&self) -> f64 {
        (self.bracket.b + self.bracket.a) / 2.0
    }
}

/// The golden-section bracket `[a, b]` with its inner probes `c < d`.
#[derive(Clone, Copy)]
struct Bracket {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}

impl Bracket {
    /// The bracket after one step, in the plain search's exact expressions: `down` drops
    /// the part above `d` (a new lower probe `c`), otherwise the part below `c` (a new
    /// upper probe `d`).
    fn moved(self, down: bool, ratio: f64) -> Self {
        if down {
            let b = self.d;
            Self {
                a: self.a,
                b,
                c: b - (b - self.a) / ratio,
                d: self.c,
            }
        } else {
            let a = self.c;
            Self {
                a,
                b: self.b,
                c: self.d,
                d: a + (self.b - a) / ratio,
            }
        }
    }

    /// The probes the next two iterations could bring in: after a move down or up, then
    /// after down-down, down-up, up-down, up-up.
    fn ahead(self, ratio: f64) -> [f64; 6] {
        let (down, up) = (self.moved(true, ratio), self.moved(false, ratio));
        let (down_down, down_up) = (down.moved(true, ratio), down.moved(false, ratio));
        let (up_down, up_up) = (up.moved(true, ratio), up.moved(false, ratio));
        [down.c, up.d, down_down.c, down_up.d, up_down.c, up_up.d]
    }
}

/// `ses_sse(alpha, x)` for several constants in one pass, each lane with exactly the shared
/// kernel's operations (independent recursions, which the compiler may also put in SIMD
/// registers without changing any lane's rounding).
///
/// Eight lanes need four SSE2 multiplications per step but two with AVX2, so the pass runs
/// in an AVX2 copy where the CPU has it (same operations, no fused multiply-add: the same
/// bits).
fn sse_lanes(x: &[f64], alphas: [f64; LANES]) -> [f64; LANES] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { sse_lanes_avx2(x, alphas) };
    }
    sse_lanes_portable(x, alphas)
}

/// [`sse_lanes`] of two sequences in one loop (see [`golden_alpha_pair`]).
fn sse_lanes_pair(
    x: &[f64],
    x_alphas: [f64; LANES],
    y: &[f64],
    y_alphas: [f64; LANES],
) -> ([f64; LANES], [f64; LANES]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { sse_lanes_pair_avx2(x, x_alphas, y, y_alphas) };
    }
    sse_lanes_pair_portable(x, x_alphas, y, y_alphas)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sse_lanes_avx2(x: &[f64], alphas: [f64; LANES]) -> [f64; LANES] {
    sse_lanes_portable(x, alphas)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sse_lanes_pair_avx2(
    x: &[f64],
    x_alphas: [f64; LANES],
    y: &[f64],
    y_alphas: [f64; LANES],
) -> ([f64; LANES], [f64; LANES]) {
    sse_lanes_pair_portable(x, x_alphas, y, y_alphas)
}

#[inline(always)]
fn sse_lanes_portable(x: &[f64], alphas: [f64; LANES]) -> [f64; LANES] {
    let Some((&first, rest)) = x.split_first() else {
        return [0.0; LANES];
    };
    let mut lanes = SesLanes::new(alphas, first);
    for &current in rest {
        lanes.step(current);
    }
    lanes.sse
}

#[inline(always)]
fn sse_lanes_pair_portable(
    x: &[f64],
    x_alphas: [f64; LANES],
    y: &[f64],
    y_alphas: [f64; LANES],
) -> ([f64; LANES], [f64; LANES]) {
    let (Some((&x_first, x_rest)), Some((&y_first, y_rest))) = (x.split_first(), y.split_first())
    else {
        return (
            sse_lanes_portable(x, x_alphas),
            sse_lanes_portable(y, y_alphas),
        );
    };
    let (mut x_lanes, mut y_lanes) = (
        SesLanes::new(x_alphas, x_first),
        SesLanes::new(y_alphas, y_first),
    );
    let common = x_rest.len().min(y_rest.len());
    for (&xv, &yv) in x_rest[..common].iter().zip(&y_rest[..common]) {
        x_lanes.step(xv);
        y_lanes.step(yv);
    }
    for &current in &x_rest[common..] {
        x_lanes.step(current);
    }
    for &current in &y_rest[common..] {
        y_lanes.step(current);
    }
    (x_lanes.sse, y_lanes.sse)
}

/// The state of [`LANES`] SES recursions over one sequence: `ses_sse`'s operations, lane
/// by lane.
struct SesLanes {
    alphas: [f64; LANES],
    complements: [f64; LANES],
    levels: [f64; LANES],
    previous: f64,
    sse: [f64; LANES],
}

impl SesLanes {
    #[inline(always)]
    fn new(alphas: [f64; LANES], first: f64) -> Self {
        Self {
            alphas,
            complements: alphas.map(|alpha| 1.0 - alpha),
            levels: [first; LANES],
            previous: first,
            sse: [0.0; LANES],
        }
    }

    #[inline(always)]
    fn step(&mut self, current: f64) {
        for j in 0..LANES {
            self.levels[j] = self.alphas[j] * self.previous + self.complements[j] * self.levels[j];
        }
        for j in 0..LANES {
            let error = current - self.levels[j];
            self.sse[j] += error * error;
        }
        self.previous = current;
    }
}

/// The compiled `chunk_forecast(y, level)` of ADIDA and IMAPA's fitted values: drop the
/// oldest `len % level` values, sum the rest in consecutive chunks of `level` (left to
/// right from 0.0), and forecast the sums with the optimised SES. A series shorter than
/// `level` forecasts its last value, a single chunk its sum. `sums` is scratch space.
pub(super) fn chunk_forecast(y: &[f64], level: usize, sums: &mut Vec<f64>) -> f64 {
    let level = level.max(1);
    if y.len() < level {
        return y.last().copied().unwrap_or(f64::NAN);
    }
    chunk_sums(y, level, sums);
    if sums.len() == 1 {
        return sums[0];
    }
    optimized_ses_last(sums)
}

/// The chunk sums [`chunk_forecast`] smooths: the newest `len / level` chunks of `level`
/// values, each added left to right from 0.0 (none when `y` is shorter than `level`).
pub(super) fn chunk_sums(y: &[f64], level: usize, sums: &mut Vec<f64>) {
    let level = level.max(1);
    sums.clear();
    sums.extend(
        y[y.len() % level..]
            .chunks_exact(level)
            .map(|chunk| chunk.iter().fold(0.0, |sum, &v| sum + v)),
    );
}

/// statsforecast's `expand_fitted_demand`: spreads per-demand values over the observations.
///
/// `levels[k]` (k >= 1) is the value known after the k-th positive observation. Position
/// `i >= 1` takes the value after the positive observations among `y[..i]`, carrying it over
/// zeros; before the first positive observation it is the previous observation itself.
/// Position 0 is NaN.
pub(super) fn expand_demand(levels: &[f64], y: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(y.len());
    out.push(f64::NAN);
    let mut seen = 0usize;
    for &previous in y.iter().take(y.len().saturating_sub(1)) {
        let value = if previous > 0.0 {
            seen += 1;
            levels.get(seen).copied().unwrap_or(f64::NAN)
        } else if seen > 0 {
            out[out.len() - 1]
        } else {
            previous
        };
        out.push(value);
    }
    out.truncate(y.len());
    out
}

/// statsforecast's `expand_fitted_intervals`: as [`expand_demand`] for the values known
/// after each non-zero observation, with 1 for a zero value and before the first non-zero
/// observation.
pub(super) fn expand_intervals(levels: &[f64], y: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(y.len());
    out.push(f64::NAN);
    let mut seen = 0usize;
    for &previous in y.iter().take(y.len().saturating_sub(1)) {
        let value = if previous != 0.0 {
            seen += 1;
            match levels.get(seen).copied() {
                Some(0.0) => 1.0,
                Some(level) => level,
                None => f64::NAN,
            }
        } else if seen > 0 {
            out[out.len() - 1]
        } else {
            1.0
        };
        out.push(value);
    }
    out.truncate(y.len());
    out
}
