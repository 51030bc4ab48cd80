//! Count samplers used inside an iteration: Poisson and binomial.
//!
//! Both are exact in distribution. The binomial uses inversion (BINV, Kachitvichyanukul
//! & Schmeiser 1988) when the mean is small — the common case here: a handful of
//! leavers out of a team, wins out of a few dozen served opportunities — and
//! `rand_distr`'s BTPE otherwise.

use rand::Rng;
use rand_distr::{Binomial, Distribution, Poisson, StandardUniform};

/// Below this mean (n·min(p, 1−p)) the binomial is drawn by inversion.
const INVERSION_MEAN: f64 = 12.0;

/// A Poisson(λ) count; 0 for λ ≤ 0.
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    match Poisson::new(lambda) {
        Ok(d) => {
            let x: f64 = d.sample(rng);
            x as u64
        }
        // λ beyond rand_distr's limit (~1.8e19) cannot occur in a validated scenario.
        Err(_) => lambda as u64,
    }
}

/// A Binomial(n, p) count; p is clamped to [0, 1].
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let flip = p > 0.5;
    let q = if flip { 1.0 - p } else { p };
    let k = if (n as f64) * q < INVERSION_MEAN {
        binomial_inversion(rng, n, q)
    } else {
        match Binomial::new(n, q) {
            Ok(d) => d.sample(rng),
            Err(_) => (n as f64 * q).round() as u64,
        }
    };
    if flip { n - k } else { k }
}

/// Sequential inversion for p ≤ 0.5 and small n·p: walk the CDF from 0.
#[inline]
fn binomial_inversion<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    let q = 1.0 - p;
    let s = p / q;
    let a = (n as f64 + 1.0) * s;
    let mut r = q.powf(n as f64);
    let mut u: f64 = StandardUniform.sample(rng);
    let mut x: u64 = 0;
    while u > r {
        u -= r;
        x += 1;
        if x > n {
            // Rounding left a sliver of probability unaccounted for: redraw.
            u = StandardUniform.sample(rng);
            x = 0;
            r = q.powf(n as f64);
            continue;
        }
        r *= a / x as f64 - s;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn moments(xs: &[u64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().map(|x| *x as f64).sum::<f64>() / n;
        let var = xs.iter().map(|x| (*x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn binomial_moments_match_on_both_paths() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for (n, p) in [(5u64, 0.1), (50, 0.3), (30, 0.9), (5000, 0.02), (400, 0.5), (1, 0.5)] {
            let draws = 200_000;
            let xs: Vec<u64> = (0..draws).map(|_| binomial(&mut rng, n, p)).collect();
            assert!(xs.iter().all(|x| *x <= n));
            let (mean, var) = moments(&xs);
            let exact_mean = n as f64 * p;
            let exact_var = n as f64 * p * (1.0 - p);
            let se = (exact_var / draws as f64).sqrt();
            assert!((mean - exact_mean).abs() < 4.0 * se, "n={n} p={p}: mean {mean} vs {exact_mean}");
            // Variance of the sample variance ≈ 2σ⁴/(N−1) for near-normal counts; generous.
            assert!(
                (var - exact_var).abs() < 6.0 * exact_var * (2.0 / draws as f64).sqrt() + 1e-9,
                "n={n} p={p}: var {var}"
            );
        }
    }

    /// Chi-square goodness of fit of the inversion path against the exact pmf.
    #[test]
    fn binomial_inversion_fits_the_pmf() {
        let (n, p) = (20u64, 0.15);
        let draws = 100_000usize;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let mut counts = vec![0usize; n as usize + 1];
        for _ in 0..draws {
            counts[binomial(&mut rng, n, p) as usize] += 1;
        }
        let mut pmf = vec![0.0; n as usize + 1];
        pmf[0] = (1.0 - p).powi(n as i32);
        for k in 1..=n as usize {
            pmf[k] = pmf[k - 1] * (n as f64 - k as f64 + 1.0) / k as f64 * p / (1.0 - p);
        }
        // Pool cells with expected count < 5 into the last one.
        let (mut chi2, mut df, mut tail_obs, mut tail_exp) = (0.0, 0usize, 0.0, 0.0);
        for k in 0..=n as usize {
            let e = pmf[k] * draws as f64;
            if e >= 5.0 {
                chi2 += (counts[k] as f64 - e).powi(2) / e;
                df += 1;
            } else {
                tail_obs += counts[k] as f64;
                tail_exp += e;
            }
        }
        chi2 += (tail_obs - tail_exp).powi(2) / tail_exp.max(1e-9);
        // df cells + tail − 1 constraint; the 99.9 % quantile of χ²(12) is 32.9.
        assert!(df <= 12 && chi2 < 32.9, "chi2 = {chi2} with {df} cells");
    }

    #[test]
    fn poisson_mean_and_edge_cases() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(poisson(&mut rng, -1.0), 0);
        for lambda in [0.3, 4.0, 40.0, 3000.0] {
            let draws = 100_000;
            let xs: Vec<u64> = (0..draws).map(|_| poisson(&mut rng, lambda)).collect();
            let (mean, _) = moments(&xs);
            assert!((mean - lambda).abs() < 4.0 * (lambda / draws as f64).sqrt(), "λ={lambda}: {mean}");
        }
        assert_eq!(binomial(&mut rng, 10, 0.0), 0);
        assert_eq!(binomial(&mut rng, 10, 1.0), 10);
    }
}
