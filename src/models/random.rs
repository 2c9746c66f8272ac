//! numpy's `np.random.default_rng(seed).normal(...)` stream, for the simulated intervals.
//!
//! statsforecast draws the errors of its simulated paths from `np.random.default_rng(seed)`
//! (seed 1 for ETS and CES, 0 for Theta). This module reimplements that generator from its
//! published algorithms: `SeedSequence` (O'Neill's seed-sequence hashing) expanding the seed
//! into the state of `PCG64` (a 128-bit LCG with the XSL-RR output function), and the
//! 256-layer ziggurat sampler numpy uses for standard normals. The uniform stream is
//! bit-identical to numpy's. The ziggurat tables are computed here with the Marsaglia–Tsang
//! recurrence; they agree with numpy's compiled tables to about 1e-14 (relative), so the
//! normal draws agree to that precision and the accept/reject decisions (hence the stream)
//! stay in step in practice.
//!
//! Words are generated a block at a time from one LCG state with precomputed jumps
//! (`k` steps of the LCG are one multiply-add), so the multiplications of a block do not
//! wait on each other; draws a simulation does not use are skipped with only the
//! ziggurat's accept test ([`Pcg64::skip_standard_normals`]), or jumped over when the
//! simulation reads a few draws out of many ([`NormalStream`]). [`quantiles`] is
//! `np.quantile`, which turns simulated paths into bands.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// numpy's `SeedSequence(entropy).generate_state(n_words, uint32)` for a non-negative
/// integer seed.
fn seed_sequence(entropy: u64, n_words: usize) -> Vec<u32> {
    const INIT_A: u32 = 0x43b0_d7e5;
    const MULT_A: u32 = 0x931e_8875;
    const INIT_B: u32 = 0x8b51_f9dd;
    const MULT_B: u32 = 0x58f3_8ded;
    const MIX_MULT_L: u32 = 0xca01_f9dd;
    const MIX_MULT_R: u32 = 0x4973_f715;
    const POOL: usize = 4;
    let mut words: Vec<u32> = Vec::new();
    let mut e = entropy;
    loop {
        words.push(e as u32);
        e >>= 32;
        if e == 0 {
            break;
        }
    }
    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| {
        let mut v = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        v = v.wrapping_mul(hash_const);
        v ^ (v >> 16)
    };
    let mix = |x: u32, y: u32| {
        let r = MIX_MULT_L
            .wrapping_mul(x)
            .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> 16)
    };
    let mut pool = [0u32; POOL];
    for (i, slot) in pool.iter_mut().enumerate() {
        *slot = hashmix(words.get(i).copied().unwrap_or(0));
    }
    for src in 0..POOL {
        for dst in 0..POOL {
            if src != dst {
                pool[dst] = mix(pool[dst], hashmix(pool[src]));
            }
        }
    }
    for &word in words.iter().skip(POOL) {
        for slot in pool.iter_mut() {
            *slot = mix(*slot, hashmix(word));
        }
    }
    let mut hash_const = INIT_B;
    (0..n_words)
        .map(|i| {
            let mut v = pool[i % POOL] ^ hash_const;
            hash_const = hash_const.wrapping_mul(MULT_B);
            v = v.wrapping_mul(hash_const);
            v ^ (v >> 16)
        })
        .collect()
}

/// PCG64's 128-bit LCG multiplier.
const PCG_MULTIPLIER: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;
/// Words generated per block.
const BLOCK: usize = 16;
/// The 52 bits of a word that place a normal draw within its ziggurat layer.
const MANTISSA: u64 = 0x000f_ffff_ffff_ffff;

/// Whether word `r` gives a normal draw on its own: `rabs < k[idx]`, true for about
/// 99.3 % of words.
#[inline(always)]
fn in_rectangle(r: u64, k: &[u64; 256]) -> bool {
    (r >> 9) & MANTISSA < k[(r & 0xff) as usize]
}

/// PCG64's XSL-RR output of a state.
#[inline(always)]
fn output(state: u128) -> u64 {
    let high = (state >> 64) as u64;
    let low = state as u64;
    (high ^ low).rotate_right((high >> 58) as u32)
}

/// numpy's `PCG64` bit generator with its standard normal sampler.
#[derive(Clone)]
pub(crate) struct Pcg64 {
    /// The LCG state after the last buffered word.
    state: u128,
    /// `(a_k, c_k)` with `state_{t+k} = a_k · state_t + c_k`, for `k = 1..=BLOCK`.
    jumps: [(u128, u128); BLOCK],
    words: [u64; BLOCK],
    /// Index of the next unread word (`BLOCK` when none is left).
    next: usize,
    /// Words generated so far, the buffered ones included.
    generated: u64,
    tables: &'static Tables,
}

impl Pcg64 {
    /// The generator of `np.random.default_rng(seed)`.
    pub(crate) fn from_seed(seed: u64) -> Self {
        let w = seed_sequence(seed, 8);
        let word = |i: usize| u64::from(w[2 * i]) | (u64::from(w[2 * i + 1]) << 32);
        let init_state = (u128::from(word(0)) << 64) | u128::from(word(1));
        let init_seq = (u128::from(word(2)) << 64) | u128::from(word(3));
        let increment = (init_seq << 1) | 1;
        let step = |s: u128| s.wrapping_mul(PCG_MULTIPLIER).wrapping_add(increment);
        let state = step(step(0).wrapping_add(init_state));
        let mut jumps = [(0, 0); BLOCK];
        let (mut a, mut c) = (1u128, 0u128);
        for jump in &mut jumps {
            a = a.wrapping_mul(PCG_MULTIPLIER);
            c = step(c);
            *jump = (a, c);
        }
        Self {
            state,
            jumps,
            words: [0; BLOCK],
            next: BLOCK,
            generated: 0,
            tables: tables(),
        }
    }

    #[inline(never)]
    fn refill(&mut self) {
        let s = self.state;
        for (word, &(a, c)) in self.words.iter_mut().zip(&self.jumps) {
            *word = output(s.wrapping_mul(a).wrapping_add(c));
        }
        let (a, c) = self.jumps[BLOCK - 1];
        self.state = s.wrapping_mul(a).wrapping_add(c);
        self.next = 0;
        self.generated += BLOCK as u64;
    }

    /// Words read so far.
    fn consumed(&self) -> u64 {
        self.generated - (BLOCK - self.next) as u64
    }

    /// Moves to word `position` of the stream, `state` being the LCG state after the
    /// words before it.
    fn set_position(&mut self, position: u64, state: u128) {
        self.state = state;
        self.generated = position;
        self.next = BLOCK;
    }

    /// The next 64-bit word (numpy's `next_uint64`).
    #[inline(always)]
    pub(crate) fn next_u64(&mut self) -> u64 {
        if self.next == BLOCK {
            self.refill();
        }
        let word = self.words[self.next];
        self.next += 1;
        word
    }

    /// A double in `[0, 1)` with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw (numpy's `random_standard_normal`).
    pub(crate) fn standard_normal(&mut self) -> f64 {
        loop {
            let r = self.next_u64();
            let idx = (r & 0xff) as usize;
            let rabs = (r >> 9) & MANTISSA;
            let t = self.tables;
            if rabs < t.k[idx] {
                // The sign bit of the word, without a branch (it is a coin flip).
                let x = rabs as f64 * t.w[idx];
                return f64::from_bits(x.to_bits() ^ (((r >> 8) & 1) << 63));
            }
            if let Some(x) = self.finish_rejected(r) {
                return x;
            }
        }
    }

    /// Standard normal draws into `out`, as many [`Pcg64::standard_normal`] calls would
    /// give: the words of a block are turned into draws in one loop until one falls
    /// outside the ziggurat's rectangles.
    pub(crate) fn fill_standard_normals(&mut self, out: &mut [f64]) {
        let t = self.tables;
        let mut filled = 0;
        while filled < out.len() {
            if self.next == BLOCK {
                self.refill();
            }
            let take = (BLOCK - self.next).min(out.len() - filled);
            let words = &self.words[self.next..self.next + take];
            let mut done = take;
            for (j, (&r, z)) in words.iter().zip(&mut out[filled..]).enumerate() {
                let idx = (r & 0xff) as usize;
                let rabs = (r >> 9) & MANTISSA;
                if rabs >= t.k[idx] {
                    done = j;
                    break;
                }
                let x = rabs as f64 * t.w[idx];
                *z = f64::from_bits(x.to_bits() ^ (((r >> 8) & 1) << 63));
            }
            self.next += done;
            filled += done;
            if done < take {
                let r = self.words[self.next];
                self.next += 1;
                out[filled] = match self.finish_rejected(r) {
                    Some(x) => x,
                    None => self.standard_normal(),
                };
                filled += 1;
            }
        }
    }

    /// Advances past `count` standard normal draws without forming them.
    pub(crate) fn skip_standard_normals(&mut self, count: usize) {
        self.skip_noting_long_draws(count, |_, _| {});
    }

    /// [`Pcg64::skip_standard_normals`], calling `long_draw(i, extra)` for every skipped
    /// draw `i` (counted from 0) that read `extra` words beyond its first.
    #[inline(always)]
    fn skip_noting_long_draws(&mut self, count: usize, mut long_draw: impl FnMut(usize, u64)) {
        let k = &self.tables.k;
        let mut remaining = count;
        while remaining > 0 {
            if self.next == BLOCK {
                self.refill();
            }
            let available = (BLOCK - self.next).min(remaining);
            let words = &self.words[self.next..self.next + available];
            match words.iter().position(|&r| !in_rectangle(r, k)) {
                None => {
                    self.next += available;
                    remaining -= available;
                }
                Some(i) => {
                    let r = words[i];
                    self.next += i + 1;
                    let start = self.consumed();
                    if self.finish_rejected(r).is_none() {
                        // The draw starts over with fresh words.
                        self.standard_normal();
                    }
                    long_draw(count - remaining + i, self.consumed() - start);
                    remaining -= i + 1;
                }
            }
        }
    }

    /// The rest of a draw whose first word `r` fell outside the ziggurat's rectangles:
    /// the tail or the wedge test. `None` when the draw has to start over.
    #[cold]
    fn finish_rejected(&mut self, r: u64) -> Option<f64> {
        let t = self.tables;
        let idx = (r & 0xff) as usize;
        let r = r >> 8;
        let rabs = (r >> 1) & MANTISSA;
        let mut x = rabs as f64 * t.w[idx];
        if r & 1 == 1 {
            x = -x;
        }
        if idx == 0 {
            // The tail beyond r.
            loop {
                let xx = -(1.0 / ZIGGURAT_R) * (-self.next_f64()).ln_1p();
                let yy = -(-self.next_f64()).ln_1p();
                if yy + yy > xx * xx {
                    return Some(if (rabs >> 8) & 1 == 1 {
                        -(ZIGGURAT_R + xx)
                    } else {
                        ZIGGURAT_R + xx
                    });
                }
            }
        }
        if (t.f[idx - 1] - t.f[idx]) * self.next_f64() + t.f[idx] < (-0.5 * x * x).exp() {
            Some(x)
        } else {
            None
        }
    }
}

/// Draws per stretch of a [`PositionMap`].
const STRETCH: u64 = 1 << 20;
/// Draws a [`PositionMap`] covers (64 stretches, about 6 MB); later ones are reached by
/// skipping.
const MAPPED: u64 = 64 * STRETCH;
/// Forward moves shorter than this many draws skip rather than jump.
const SHORT_MOVE: u64 = 64;

/// The standard normal draws of `np.random.default_rng(seed)`, readable from any position.
///
/// A simulation that uses a few draws out of many (CES perturbs whole state matrices but
/// forecasts from their last rows) needs to know where its draws start in the generator's
/// words. A draw reads one word, or more when its first word falls outside the ziggurat's
/// rectangles (about one draw in a hundred), so draw `i` starts at word `i` plus the extra
/// words of the long draws before it. The stream of a seed is the same for every series:
/// its long draws are found once per process (the [`PositionMap`]), and the LCG then jumps
/// straight to any draw in a few multiplications. The draws read are exactly those of the
/// stream read from its start.
pub(crate) struct NormalStream {
    rng: Pcg64,
    /// Index of the next draw.
    position: u64,
    map: Arc<PositionMap>,
    /// The stretch of the map last jumped in (its number, the stretch) and the last draw
    /// jumped to in it, where a later jump in it starts from.
    last_jump: Option<(u64, Arc<Stretch>, Mark)>,
}

/// A draw of a [`Stretch`] with what a jump needs: the long draws before it, the word
/// where it starts (both counted from the stretch's start) and the LCG state there.
#[derive(Clone, Copy)]
struct Mark {
    draw: u64,
    long_before: usize,
    word: u64,
    state: u128,
}

impl NormalStream {
    /// The draws of `np.random.default_rng(seed).standard_normal`, from the first.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rng: Pcg64::from_seed(seed),
            position: 0,
            map: PositionMap::of_seed(seed),
            last_jump: None,
        }
    }

    /// The next draw.
    #[inline(always)]
    pub(crate) fn standard_normal(&mut self) -> f64 {
        self.position += 1;
        self.rng.standard_normal()
    }

    /// The next `out.len()` draws.
    pub(crate) fn fill(&mut self, out: &mut [f64]) {
        self.position += out.len() as u64;
        self.rng.fill_standard_normals(out);
    }

    /// Moves to draw `index` (counted from the first draw of the seed), forwards or back.
    pub(crate) fn seek(&mut self, index: u64) {
        let forward = index.checked_sub(self.position);
        let far = forward.is_none_or(|gap| gap >= SHORT_MOVE);
        if far && (forward.is_none() || self.position < MAPPED) {
            self.jump(index.min(MAPPED));
        }
        self.rng
            .skip_standard_normals((index - self.position) as usize);
        self.position = index;
    }

    /// Moves to draw `index <= MAPPED` by the map, from the last draw jumped to when it
    /// is in the same stretch and not after `index`, else from the stretch's start.
    fn jump(&mut self, index: u64) {
        let number = (index / STRETCH).min(MAPPED / STRETCH - 1);
        let draw = index - number * STRETCH;
        let (stretch, from) = match self.last_jump.take() {
            Some((n, stretch, mark)) if n == number && mark.draw <= draw => (stretch, mark),
            Some((n, stretch, _)) if n == number => {
                let start = stretch.start();
                (stretch, start)
            }
            _ => {
                let stretch = self.map.stretch(number);
                let start = stretch.start();
                (stretch, start)
            }
        };
        let long_before = stretch.long_before(draw, from.long_before);
        let extra = long_before
            .checked_sub(1)
            .map_or(0, |j| u64::from(stretch.extra[j]));
        let word = draw + extra;
        let state = self.map.advance(from.state, word - from.word);
        self.rng.set_position(stretch.first_word + word, state);
        self.position = index;
        let mark = Mark {
            draw,
            long_before,
            word,
            state,
        };
        self.last_jump = Some((number, stretch, mark));
    }
}

/// Where the long draws of one seed's normal stream are, in stretches of [`STRETCH`]
/// draws found on demand (and kept for the process).
struct PositionMap {
    seed: u64,
    /// The LCG state before the first word.
    initial_state: u128,
    /// `jumps[p][v]`: `(a, c)` advancing the LCG by `v · 16^p` words as `a · s + c`.
    jumps: [[(u128, u128); 16]; 16],
    stretches: Mutex<Vec<Arc<Stretch>>>,
}

/// The long draws of [`STRETCH`] consecutive draws.
struct Stretch {
    /// The word where the stretch's first draw starts.
    first_word: u64,
    /// The LCG state before that word.
    state: u128,
    /// The long draws, counted from the stretch's first, in order.
    long: Vec<u32>,
    /// `extra[j]`: extra words read by `long[..=j]`.
    extra: Vec<u32>,
    /// Words read by all the stretch's draws.
    words: u64,
}

impl Stretch {
    /// Its first draw.
    fn start(&self) -> Mark {
        Mark {
            draw: 0,
            long_before: 0,
            word: 0,
            state: self.state,
        }
    }

    /// How many long draws come before draw `i` (`i <= STRETCH`), knowing that `known`
    /// do: the long draws after those are counted a window at a time (a draw moves a few
    /// windows at most).
    fn long_before(&self, i: u64, known: usize) -> usize {
        let mut count = known;
        loop {
            let window = &self.long[count..(count + 32).min(self.long.len())];
            let before = window.iter().filter(|&&j| u64::from(j) < i).count();
            count += before;
            if before < 32 {
                return count;
            }
        }
    }
}

impl PositionMap {
    /// The process's map of `seed`.
    fn of_seed(seed: u64) -> Arc<Self> {
        static MAPS: Mutex<Vec<Arc<PositionMap>>> = Mutex::new(Vec::new());
        let mut maps = MAPS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(map) = maps.iter().find(|m| m.seed == seed) {
            return Arc::clone(map);
        }
        let rng = Pcg64::from_seed(seed);
        let step = rng.jumps[0];
        let mut jumps = [[(1, 0); 16]; 16];
        let mut base = step;
        for row in &mut jumps {
            for v in 1..16 {
                row[v] = compose(row[v - 1], base);
            }
            base = compose(row[15], base);
        }
        let map = Arc::new(Self {
            seed,
            initial_state: rng.state,
            jumps,
            stretches: Mutex::new(Vec::new()),
        });
        maps.push(Arc::clone(&map));
        map
    }

    /// The LCG state `words` words after `state`.
    fn advance(&self, mut state: u128, mut words: u64) -> u128 {
        for row in &self.jumps {
            if words == 0 {
                break;
            }
            let (a, c) = row[(words & 15) as usize];
            state = state.wrapping_mul(a).wrapping_add(c);
            words >>= 4;
        }
        state
    }

    /// Stretch `number`, found (with the ones before it) if it is not yet.
    fn stretch(&self, number: u64) -> Arc<Stretch> {
        let mut found = self
            .stretches
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while found.len() as u64 <= number {
            let (first_word, state) = match found.last() {
                Some(s) => (s.first_word + s.words, self.advance(s.state, s.words)),
                None => (0, self.initial_state),
            };
            let mut rng = Pcg64::from_seed(self.seed);
            rng.set_position(first_word, state);
            let (mut long, mut extra) = (Vec::new(), Vec::new());
            let mut total = 0;
            rng.skip_noting_long_draws(STRETCH as usize, |i, words| {
                total += words;
                long.push(i as u32);
                extra.push(total as u32);
            });
            found.push(Arc::new(Stretch {
                first_word,
                state,
                long,
                extra,
                words: rng.consumed() - first_word,
            }));
        }
        Arc::clone(&found[number as usize])
    }
}

/// The LCG map `first` then `second`, each `(a, c)` acting as `s -> a · s + c`.
fn compose(first: (u128, u128), second: (u128, u128)) -> (u128, u128) {
    (
        second.0.wrapping_mul(first.0),
        second.0.wrapping_mul(first.1).wrapping_add(second.1),
    )
}

/// Start of the tail of the 256-layer normal ziggurat.
const ZIGGURAT_R: f64 = 3.654_152_885_361_009;
/// Area of each layer: `r e^{-r²/2} + √(π/2) erfc(r/√2)`, evaluated once in high precision.
const ZIGGURAT_V: f64 = 0.004_928_673_233_974_658;

struct Tables {
    k: [u64; 256],
    w: [f64; 256],
    f: [f64; 256],
}

/// The ziggurat layers by the Marsaglia–Tsang recurrence (52-bit mantissas).
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let scale = 2f64.powi(52);
        let mut t = Tables {
            k: [0; 256],
            w: [0.0; 256],
            f: [0.0; 256],
        };
        let mut dn = ZIGGURAT_R;
        let mut tn = dn;
        let q = ZIGGURAT_V / (-0.5 * dn * dn).exp();
        t.k[0] = ((dn / q) * scale) as u64;
        t.k[1] = 0;
        t.w[0] = q / scale;
        t.w[255] = dn / scale;
        t.f[0] = 1.0;
        t.f[255] = (-0.5 * dn * dn).exp();
        for i in (1..255).rev() {
            dn = (-2.0 * (ZIGGURAT_V / dn + (-0.5 * dn * dn).exp()).ln()).sqrt();
            t.k[i + 1] = ((dn / tn) * scale) as u64;
            tn = dn;
            t.f[i] = (-0.5 * dn * dn).exp();
            t.w[i] = dn / scale;
        }
        t
    })
}

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
    use super::{MAPPED, NormalStream, Pcg64, STRETCH, lerp, quantiles, seed_sequence};

    #[test]
    fn numpy_streams() {
        // np.random.SeedSequence(1).generate_state(2, np.uint64)
        let w = seed_sequence(1, 4);
        assert_eq!(
            (u64::from(w[0]) | (u64::from(w[1]) << 32)),
            0x672d_8ee5_6d67_91ff
        );
        assert_eq!(
            (u64::from(w[2]) | (u64::from(w[3]) << 32)),
            0x8ae1_9ca1_4eb1_072c
        );
        // np.random.PCG64(1).random_raw(2)
        let mut rng = Pcg64::from_seed(1);
        assert_eq!(rng.next_u64(), 0x8306_bdf3_7922_e4ff);
        assert_eq!(rng.next_u64(), 0xf351_96bb_c152_a866);
        // np.random.default_rng(1).standard_normal(3)
        let mut rng = Pcg64::from_seed(1);
        let want = [0.345584192064786, 0.8216181435011584, 0.33043707618338714];
        for w in want {
            let got = rng.standard_normal();
            assert!((got - w).abs() <= 1e-13 * w.abs(), "{got} vs {w}");
        }
    }

    #[test]
    fn skipping_keeps_the_stream_in_step() {
        // np.random.default_rng(1).standard_normal(20000)[9999] and [-1]: ten thousand
        // draws include words outside the ziggurat's rectangles (tail and wedge tests).
        let mut rng = Pcg64::from_seed(1);
        rng.skip_standard_normals(9999);
        let got = rng.standard_normal();
        assert!((got - 0.18548425524225717).abs() <= 1e-13, "{got}");
        for count in [0, 1, 15, 16, 17, 333, 9998] {
            let mut skipped = Pcg64::from_seed(7);
            let mut drawn = Pcg64::from_seed(7);
            skipped.skip_standard_normals(count);
            for _ in 0..count {
                drawn.standard_normal();
            }
            assert_eq!(skipped.next_u64(), drawn.next_u64(), "{count}");
        }
        let mut rng = Pcg64::from_seed(1);
        rng.skip_standard_normals(19_999);
        let got = rng.standard_normal();
        assert!((got - 0.22883960321760555).abs() <= 1e-13, "{got}");
    }

    #[test]
    fn filling_equals_drawing_one_at_a_time() {
        // 200,000 draws in runs of 0 to 40: hundreds of wedge and tail draws, at every
        // place in a block.
        for seed in [0, 1, 7] {
            let mut one = Pcg64::from_seed(seed);
            let mut filled = Pcg64::from_seed(seed);
            let mut got = [0.0; 40];
            for len in (0..10_000).map(|i| i % 41) {
                filled.fill_standard_normals(&mut got[..len]);
                for &z in &got[..len] {
                    assert_eq!(z.to_bits(), one.standard_normal().to_bits(), "seed {seed}");
                }
            }
            assert_eq!(filled.next_u64(), one.next_u64());
        }
    }

    /// What follows in a generator: its next word, and its next two draws (bits).
    fn ahead(rng: &Pcg64) -> (u64, u64, u64) {
        let word = rng.clone().next_u64();
        let mut rng = rng.clone();
        let a = rng.standard_normal().to_bits();
        (word, a, rng.standard_normal().to_bits())
    }

    /// A reproducible sequence of indices below `bound`.
    fn scattered(count: usize, bound: u64, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..count)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (x >> 11) % bound
            })
            .collect()
    }

    #[test]
    fn seeking_reads_the_draws_of_the_stream() {
        for seed in [1, 0, 7, 2024] {
            // Where to look: the first draws, every draw next to a long one (a tail or a
            // wedge draw) among the first 200,000, the stretch boundaries, scattered draws.
            let mut wanted: Vec<u64> = (0..1_000).collect();
            let mut rng = Pcg64::from_seed(seed);
            let (mut tails, mut wedges) = (0, 0);
            for j in 0..200_000u64 {
                let first = rng.clone().next_u64();
                let start = rng.consumed();
                rng.standard_normal();
                if rng.consumed() - start > 1 {
                    if first & 0xff == 0 {
                        tails += 1;
                    } else {
                        wedges += 1;
                    }
                    wanted.extend([j.saturating_sub(1), j, j + 1]);
                }
            }
            assert!(
                tails > 20 && wedges > 1_000,
                "{tails} tails, {wedges} wedges"
            );
            for boundary in [STRETCH, 2 * STRETCH] {
                wanted.extend(boundary - 3..boundary + 3);
            }
            wanted.extend(scattered(3_000, 3 * STRETCH, seed));
            wanted.sort_unstable();
            wanted.dedup();

            let mut reference = Pcg64::from_seed(seed);
            let mut drawn = 0;
            let mut expected = Vec::with_capacity(wanted.len());
            for &j in &wanted {
                for _ in drawn..j {
                    reference.standard_normal();
                }
                drawn = j;
                expected.push(ahead(&reference));
            }

            // Forwards in order, then in a scattered order (backwards and forwards).
            let mut stream = NormalStream::new(seed);
            let order = wanted.iter().enumerate();
            let shuffled = scattered(wanted.len(), wanted.len() as u64, seed + 1);
            let shuffled = shuffled.iter().map(|&i| (i as usize, &wanted[i as usize]));
            for (i, &j) in order.chain(shuffled) {
                stream.seek(j);
                let got = (
                    stream.rng.clone().next_u64(),
                    stream.standard_normal().to_bits(),
                    stream.standard_normal().to_bits(),
                );
                assert_eq!(got, expected[i], "seed {seed}, draw {j}");
            }
        }
    }

    #[test]
    fn seeking_past_the_map_skips() {
        // Draws past the map are reached by skipping from its end: the same draws whether
        // the stream comes from before the map's end, from past it, or from behind.
        let mut expected = Pcg64::from_seed(1);
        let mut stream = NormalStream::new(1);
        stream.seek(MAPPED - 5);
        expected.clone_from(&stream.rng);
        for _ in 0..5 + 1_000 {
            expected.standard_normal();
        }
        let want = ahead(&expected);
        for from in [
            MAPPED - 5,
            MAPPED - 3_000,
            MAPPED + 10,
            MAPPED + 999,
            MAPPED + 5_000,
            0,
        ] {
            stream.seek(from);
            stream.standard_normal();
            stream.seek(MAPPED + 1_000);
            let got = ahead(&stream.rng);
            assert_eq!(got, want, "from {from}");
        }
    }

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
