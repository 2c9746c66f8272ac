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

use std::sync::OnceLock;

mod quantile;
mod stream;

pub(crate) use quantile::quantiles;
pub(crate) use stream::NormalStream;

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
/// 98.5 % of words.
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

#[cfg(test)]
mod tests {
    use super::{Pcg64, seed_sequence};

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
}
