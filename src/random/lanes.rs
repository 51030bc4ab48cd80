//! A named stream as eight generators side by side, for the random numbers
//! drawn in bulk (deal sizes, a cell's demand over the periods).
//!
//! Eight independent xoshiro256++ generators (Blackman & Vigna 2021) whose
//! states are the first 32 outputs of SplitMix64 seeded with the stream's key,
//! stepped together: written as a loop over the lanes, the step compiles to a
//! few vector instructions, and the lanes do not wait on one another as the
//! outputs of one generator do. One number at a time comes from a buffered step.

use rand::{Rng, TryRng};
use std::convert::Infallible;

/// Generators stepped side by side.
pub const LANES: usize = 8;

/// One named stream as eight generators stepped side by side.
#[derive(Debug, Clone)]
pub struct LaneRng {
    /// xoshiro256++ state, word by word, lane by lane.
    s: [[u64; LANES]; 4],
    /// Outputs of the last step not yet handed out one at a time.
    buf: [u64; LANES],
    used: usize,
}

impl LaneRng {
    /// Eight generators whose 32 state words are the first outputs of
    /// SplitMix64 seeded with `key` (as `seed_from_u64` seeds one): lane by
    /// lane, four words each.
    #[inline]
    pub fn new(key: u64) -> LaneRng {
        #[cfg(target_arch = "x86_64")]
        if super::dispatch::has_avx512dq() {
            // SAFETY: the CPU supports AVX-512DQ, checked just above.
            return LaneRng { s: unsafe { seed_avx512(key) }, buf: [0; LANES], used: LANES };
        }
        LaneRng { s: seed(key), buf: [0; LANES], used: LANES }
    }

    /// `N / LANES` steps of every lane into `out` (`N` a multiple of
    /// [`LANES`]), lane by lane within a step, with the state held in registers
    /// throughout.
    #[inline(always)]
    pub fn fill<const N: usize>(&mut self, out: &mut [u64; N]) {
        let [mut s0, mut s1, mut s2, mut s3] = self.s;
        for chunk in out.chunks_exact_mut(LANES) {
            for l in 0..LANES {
                chunk[l] = s0[l].wrapping_add(s3[l]).rotate_left(23).wrapping_add(s0[l]);
                let t = s1[l] << 17;
                s2[l] ^= s0[l];
                s3[l] ^= s1[l];
                s1[l] ^= s2[l];
                s0[l] ^= s3[l];
                s2[l] ^= t;
                s3[l] = s3[l].rotate_left(45);
            }
        }
        self.s = [s0, s1, s2, s3];
    }

    /// One step of every lane.
    #[inline(always)]
    pub fn step(&mut self) -> [u64; LANES] {
        let mut out = [0; LANES];
        self.fill(&mut out);
        out
    }
}

/// Output `n` (from 1) of SplitMix64 seeded with `key` is the mix of
/// `key + n·φ`, so the 32 outputs are computed side by side (with 64-bit
/// vector multiplications where the CPU has them) rather than one after
/// another; the state comes out whole, without the stall of reading back as
/// vectors what was written word by word.
#[inline(always)]
fn seed(key: u64) -> [[u64; LANES]; 4] {
    const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut s = [[0; LANES]; 4];
    for (word, out) in s.iter_mut().enumerate() {
        for (lane, x) in out.iter_mut().enumerate() {
            let n = (4 * lane + word + 1) as u64;
            let mut z = key.wrapping_add(PHI.wrapping_mul(n));
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            *x = z ^ (z >> 31);
        }
    }
    s
}

/// [`seed`] with AVX-512DQ's 64-bit multiplications.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn seed_avx512(key: u64) -> [[u64; LANES]; 4] {
    seed(key)
}

/// One number at a time (for the ziggurat's rare slow paths and for deal sizes
/// of other families), from a buffered step of the lanes.
impl TryRng for LaneRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        if self.used == LANES {
            self.buf = self.step();
            self.used = 0;
        }
        self.used += 1;
        Ok(self.buf[self.used - 1])
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dest.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The lanes are xoshiro256++: lane 0 seeded with SplitMix64's first four
    /// outputs is the generator `Xoshiro256PlusPlus::seed_from_u64` makes, and
    /// one number at a time walks through the lanes of each step in order.
    #[test]
    fn lanes_are_xoshiro256plusplus() {
        let mut lanes = LaneRng::new(2027);
        let mut copy = lanes.clone();
        let mut one = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2027);
        for _ in 0..100 {
            let step = lanes.step();
            assert_eq!(step[0], one.next_u64());
            let singles: Vec<u64> = (0..LANES).map(|_| copy.next_u64()).collect();
            assert_eq!(singles, step);
        }
        // fill is that many steps, output in the same order.
        let mut a = LaneRng::new(9);
        let mut b = a.clone();
        // Both ways of seeding give SplitMix64's outputs.
        assert_eq!(seed(9), LaneRng::new(9).s);
        let mut filled = [0u64; 3 * LANES];
        a.fill(&mut filled);
        let stepped: Vec<u64> = (0..3).flat_map(|_| b.step()).collect();
        assert_eq!(filled.to_vec(), stepped);
        assert_eq!(a.step(), b.step());
    }
}
