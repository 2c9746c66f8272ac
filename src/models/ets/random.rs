//! numpy's `np.random.default_rng(seed).normal(...)` stream, for the simulated intervals.
//!
//! statsforecast draws the errors of its simulated paths from `np.random.default_rng(1)`.
//! This module reimplements that generator from its published algorithms: `SeedSequence`
//! (O'Neill's seed-sequence hashing) expanding the seed into the state of `PCG64` (a 128-bit
//! LCG with the XSL-RR output function), and the 256-layer ziggurat sampler numpy uses for
//! standard normals. The uniform stream is bit-identical to numpy's. The ziggurat tables are
//! computed here with the Marsaglia–Tsang recurrence; they agree with numpy's compiled
//! tables to about 1e-14 (relative), so the normal draws agree to that precision and the
//! accept/reject decisions (hence the stream) stay in step in practice.

use std::sync::OnceLock;

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

/// numpy's `PCG64` bit generator.
pub(crate) struct Pcg64 {
    state: u128,
    increment: u128,
}

const PCG_MULTIPLIER: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

impl Pcg64 {
    /// The generator of `np.random.default_rng(seed)`.
    pub(crate) fn from_seed(seed: u64) -> Self {
        let w = seed_sequence(seed, 8);
        let word = |i: usize| u64::from(w[2 * i]) | (u64::from(w[2 * i + 1]) << 32);
        let init_state = (u128::from(word(0)) << 64) | u128::from(word(1));
        let init_seq = (u128::from(word(2)) << 64) | u128::from(word(3));
        let mut rng = Self {
            state: 0,
            increment: (init_seq << 1) | 1,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(init_state);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self
            .state
            .wrapping_mul(PCG_MULTIPLIER)
            .wrapping_add(self.increment);
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.step();
        let high = (self.state >> 64) as u64;
        let low = self.state as u64;
        (high ^ low).rotate_right((high >> 58) as u32)
    }

    /// A double in `[0, 1)` with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw (numpy's `random_standard_normal`).
    pub(crate) fn standard_normal(&mut self) -> f64 {
        let t = tables();
        loop {
            let r = self.next_u64();
            let idx = (r & 0xff) as usize;
            let r = r >> 8;
            let negative = r & 1 == 1;
            let rabs = (r >> 1) & 0x000f_ffff_ffff_ffff;
            let mut x = rabs as f64 * t.w[idx];
            if negative {
                x = -x;
            }
            if rabs < t.k[idx] {
                return x;
            }
            if idx == 0 {
                // The tail beyond r.
                loop {
                    let xx = -(1.0 / ZIGGURAT_R) * (-self.next_f64()).ln_1p();
                    let yy = -(-self.next_f64()).ln_1p();
                    if yy + yy > xx * xx {
                        return if (rabs >> 8) & 1 == 1 {
                            -(ZIGGURAT_R + xx)
                        } else {
                            ZIGGURAT_R + xx
                        };
                    }
                }
            } else if (t.f[idx - 1] - t.f[idx]) * self.next_f64() + t.f[idx] < (-0.5 * x * x).exp()
            {
                return x;
            }
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
}
