//! Summaries of a metric across iterations.
//!
//! A [`Stat`] holds the mean, the sample standard deviation (n − 1 denominator),
//! the standard error of the mean (sd / √n), five percentiles, min and max.
//! Percentiles are exact order statistics with linear interpolation between the two
//! nearest ranks — Hyndman & Fan (1996) definition 7, the default of R, NumPy and
//! Excel's PERCENTILE.INC.

use crate::results::Stat;

impl Stat {
    /// Summarises `values` (reordered in place). `None` when empty. NaN values must
    /// be filtered out by the caller.
    pub fn from_values(values: &mut [f64]) -> Option<Stat> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let Moments { mean, m2, .. } = moments(values);
        let sd = if n > 1 { (m2 / (n - 1) as f64).sqrt() } else { 0.0 };
        crate::summary::sort::sort_floats(values);
        let q = |p| percentile_sorted(values, p);
        Some(Stat {
            mean,
            sd,
            se: sd / (n as f64).sqrt(),
            p5: q(0.05),
            p10: q(0.10),
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            min: values[0],
            max: values[n - 1],
        })
    }

    /// The Stat of `factor × X` for `factor ≥ 0` (every field scales linearly).
    pub fn scaled(&self, factor: f64) -> Stat {
        Stat {
            mean: self.mean * factor,
            sd: self.sd * factor,
            se: self.se * factor,
            p5: self.p5 * factor,
            p10: self.p10 * factor,
            p50: self.p50 * factor,
            p90: self.p90 * factor,
            p95: self.p95 * factor,
            min: self.min * factor,
            max: self.max * factor,
        }
    }

    /// Half-width of the 95 % confidence interval of the mean (1.96 · se).
    pub fn ci95(&self) -> f64 {
        1.959_963_984_540_054 * self.se
    }
}

/// The first moments of some values, and their range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Moments {
    pub mean: f64,
    /// Σ (x − mean)².
    pub m2: f64,
    pub min: f64,
    pub max: f64,
}

/// The [`Moments`] of `values` (not empty). A constant is its own mean, without
/// the rounding of a long sum, and has no spread.
pub(crate) fn moments(values: &[f64]) -> Moments {
    let (sum, min, max) = sum_min_max(values);
    if min == max {
        return Moments { mean: min, m2: 0.0, min, max };
    }
    let mean = sum / values.len() as f64;
    Moments { mean, m2: squares_about(values, mean), min, max }
}

/// Running sums kept side by side: the additions of one sum wait on each
/// other, eight of them do not (the order is fixed, so the result too).
const SUMS: usize = 8;

/// The sum (of the eight interleaved partial sums, in order), minimum and
/// maximum of `values`.
fn sum_min_max(values: &[f64]) -> (f64, f64, f64) {
    let mut sums = [-0.0; SUMS];
    let (mut lo, mut hi) = ([f64::INFINITY; SUMS], [f64::NEG_INFINITY; SUMS]);
    let mut chunks = values.chunks_exact(SUMS);
    for chunk in &mut chunks {
        for k in 0..SUMS {
            sums[k] += chunk[k];
            lo[k] = lo[k].min(chunk[k]);
            hi[k] = hi[k].max(chunk[k]);
        }
    }
    for (k, x) in chunks.remainder().iter().enumerate() {
        sums[k] += x;
        lo[k] = lo[k].min(*x);
        hi[k] = hi[k].max(*x);
    }
    (
        sums.iter().sum(),
        lo.iter().copied().fold(f64::INFINITY, f64::min),
        hi.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

/// Σ (x − mean)², as [`sum_min_max`] sums.
fn squares_about(values: &[f64], mean: f64) -> f64 {
    let mut sums = [0.0; SUMS];
    let mut chunks = values.chunks_exact(SUMS);
    for chunk in &mut chunks {
        for k in 0..SUMS {
            sums[k] += (chunk[k] - mean) * (chunk[k] - mean);
        }
    }
    for (k, x) in chunks.remainder().iter().enumerate() {
        sums[k] += (x - mean) * (x - mean);
    }
    sums.iter().sum()
}

/// Percentile `p` ∈ [0, 1] of sorted values, Hyndman & Fan definition 7:
/// `h = (n − 1) p`, interpolating between ranks ⌊h⌋ and ⌈h⌉.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_follow_definition_7() {
        let mut v: Vec<f64> = (1..=11).map(f64::from).rev().collect();
        let s = Stat::from_values(&mut v).unwrap();
        assert_eq!((s.min, s.p50, s.max), (1.0, 6.0, 11.0));
        assert!((s.p10 - 2.0).abs() < 1e-12);
        assert!((s.p5 - 1.5).abs() < 1e-12);
        assert!((s.p95 - 10.5).abs() < 1e-12);
        assert!((s.mean - 6.0).abs() < 1e-12);
        // Sample sd of 1..=11 is sqrt(11).
        assert!((s.sd - 11f64.sqrt()).abs() < 1e-12);
        assert!((s.se - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_and_single() {
        assert!(Stat::from_values(&mut []).is_none());
        let s = Stat::from_values(&mut [4.0]).unwrap();
        assert_eq!((s.p5, s.p95, s.sd), (4.0, 4.0, 0.0));
    }

    /// A constant column has itself for mean and no spread, exactly.
    #[test]
    fn a_constant_is_exact() {
        let mut v = vec![1_866.666_666_666_666_7; 100_001];
        let s = Stat::from_values(&mut v).unwrap();
        assert_eq!((s.mean, s.sd, s.se), (1_866.666_666_666_666_7, 0.0, 0.0));
    }

    #[test]
    fn scaling_scales_every_field() {
        let s = Stat::from_values(&mut [1.0, 2.0, 3.0, 10.0]).unwrap();
        let t = s.scaled(2.0);
        assert_eq!(t.p90, 2.0 * s.p90);
        assert_eq!(t.sd, 2.0 * s.sd);
    }

    /// The side-by-side sums agree with a plain sum (exactly on whole numbers),
    /// for every remainder length, and min and max are the extremes.
    #[test]
    fn side_by_side_sums_match_a_plain_sum() {
        for n in [1usize, 7, 8, 9, 100, 1001] {
            let counts: Vec<f64> = (0..n).map(|i| ((i * 37) % 101) as f64).collect();
            let (sum, lo, hi) = sum_min_max(&counts);
            assert_eq!(sum, counts.iter().sum::<f64>());
            let (min, max) = counts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
            assert_eq!((lo, hi), (min, max));
            let xs: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin() * 1e6 + 2e6).collect();
            let (sum, _, _) = sum_min_max(&xs);
            let plain: f64 = xs.iter().sum();
            assert!((sum - plain).abs() <= 1e-12 * plain.abs(), "{sum} vs {plain}");
            let mean = plain / n as f64;
            let sq = squares_about(&xs, mean);
            let plain_sq: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
            assert!((sq - plain_sq).abs() <= 1e-12 * plain_sq.abs().max(1.0), "{sq} vs {plain_sq}");
        }
    }
}
