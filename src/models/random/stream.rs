//! [`NormalStream`]: the standard normal draws of a seed's stream read from any position,
//! by a map of the draws that read more than one word, found once per seed and process.

use std::sync::{Arc, Mutex, PoisonError};

use super::Pcg64;

/// Draws per stretch of a [`PositionMap`].
const STRETCH: u64 = 1 << 20;
/// Draws a [`PositionMap`] covers (64 stretches, about 8 MB); later ones are reached by
/// skipping.
const MAPPED: u64 = 64 * STRETCH;
/// Forward moves shorter than this many draws skip rather than jump.
const SHORT_MOVE: u64 = 64;

/// The standard normal draws of `np.random.default_rng(seed)`, readable from any position.
///
/// A simulation that uses a few draws out of many (CES perturbs whole state matrices but
/// forecasts from their last rows) needs to know where its draws start in the generator's
/// words. A draw reads one word, or more when its first word falls outside the ziggurat's
/// rectangles (about 1.5 % of draws), so draw `i` starts at word `i` plus the extra
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

    /// The next draw (the tests' reference for the jumps).
    #[cfg(test)]
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

#[cfg(test)]
mod tests {
    use super::super::Pcg64;
    use super::{MAPPED, NormalStream, STRETCH};

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
}
