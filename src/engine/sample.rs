//! Count samplers used inside an iteration: Poisson and binomial.
//!
//! Both are exact in distribution. The binomial uses inversion (BINV, Kachitvichyanukul
//! & Schmeiser 1988) when the mean is small — a handful of leavers out of a team,
//! wins out of a few dozen served opportunities — and otherwise Hörmann's BTRS
//! (transformed rejection with squeeze, 1993), an exact rejection method whose
//! usual path is two uniforms and a few multiplications, with no set-up to pay
//! per draw (unlike BTPE, whose per-(n, p) set-up dominates when p changes from
//! draw to draw, as it does here).

use rand::Rng;
use rand_distr::{Distribution, Poisson, StandardUniform};

/// Below this mean (n·min(p, 1−p)) the binomial is drawn by inversion.
const INVERSION_MEAN: f64 = 12.0;

/// A Poisson(λ) count; 0 for λ ≤ 0. `rand_distr`'s sampler (inversion for
/// small λ, transformed rejection above): measured faster here than our own PTRS,
/// set-up included (benches/README.md).
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
    let k = if (n as f64) * q < INVERSION_MEAN { binomial_inversion(rng, n, q) } else { binomial_btrs(rng, n, q) };
    if flip { n - k } else { k }
}

/// ln k! − (Stirling's approximation of ln k!): exact values for k < 10, the
/// asymptotic series beyond (Hörmann 1993, as in TensorFlow's sampler).
#[inline]
fn stirling_tail(k: f64) -> f64 {
    const TAIL: [f64; 10] = [
        0.081_061_466_795_327_2,
        0.041_340_695_955_409_2,
        0.027_677_925_684_998_3,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_1,
        0.013_876_128_823_070_7,
        0.011_896_709_945_891_7,
        0.010_411_265_261_972_0,
        0.009_255_462_182_712_73,
        0.008_330_563_433_362_87,
    ];
    if k <= 9.0 {
        return TAIL[k as usize];
    }
    let kp1sq = (k + 1.0) * (k + 1.0);
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / (k + 1.0)
}

/// Floor without a libm call (the baseline x86-64 has no rounding instruction).
#[inline]
fn floor(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t > x { t - 1.0 } else { t }
}

/// BTRS (Hörmann 1993) for p ≤ 0.5 and n·p ≥ 10: exact by rejection.
fn binomial_btrs<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    let nf = n as f64;
    let spq = (nf * p * (1.0 - p)).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    let m = floor((nf + 1.0) * p);
    // ln r and the mode's log-factorials only on the rare path that needs them.
    let (mut lpq, mut h) = (f64::NAN, f64::NAN);
    loop {
        let u: f64 = StandardUniform.sample(rng);
        let u = u - 0.5;
        let v: f64 = StandardUniform.sample(rng);
        let us = 0.5 - u.abs();
        let k = floor((2.0 * a / us + b) * u + c);
        if k < 0.0 || k > nf {
            continue;
        }
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        let alpha = (2.83 + 5.1 / b) * spq;
        let v = (v * alpha / (a / (us * us) + b)).ln();
        if h.is_nan() {
            lpq = (p / (1.0 - p)).ln();
            h = lgamma(m + 1.0) + lgamma(nf - m + 1.0);
        }
        // log of the pmf ratio f(k)/f(m), by log-gamma (exact up to rounding).
        let bound = h - lgamma(k + 1.0) - lgamma(nf - k + 1.0) + (k - m) * lpq;
        if v <= bound {
            return k as u64;
        }
    }
}

#[inline]
fn lgamma(x: f64) -> f64 {
    // ln Γ(x) = ln (x−1)! via Stirling with the tail correction, for x ≥ 1.
    let k = x - 1.0;
    if k < 10.0 {
        return libm::lgamma(x);
    }
    (k + 0.5) * (k + 1.0).ln() - (k + 1.0) + 0.5 * (2.0 * std::f64::consts::PI).ln() + stirling_tail(k)
}

/// Sequential inversion for p ≤ 0.5 and small n·p: walk the CDF from 0.
#[inline]
fn binomial_inversion<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    let q = 1.0 - p;
    let s = p / q;
    let a = (n as f64 + 1.0) * s;
    let r0 = (n as f64 * (-p).ln_1p()).exp();
    let mut r = r0;
    let mut u: f64 = StandardUniform.sample(rng);
    let mut x: u64 = 0;
    while u > r {
        u -= r;
        x += 1;
        if x > n {
            // Rounding left a sliver of probability unaccounted for: redraw.
            u = StandardUniform.sample(rng);
            x = 0;
            r = r0;
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
        chi_square_fit(20, 0.15, 9, 12);
    }

    /// The same for the BTRS path, at a mean of 60 and of 720 (flipped p).
    #[test]
    fn binomial_btrs_fits_the_pmf() {
        chi_square_fit(200, 0.3, 4, 60);
        chi_square_fit(900, 0.8, 5, 120);
    }

    /// Chi-square fit of both Poisson paths against the exact pmf.
    #[test]
    fn poisson_fits_the_pmf() {
        for (lambda, seed) in [(3.5f64, 1u64), (9.9, 2), (10.0, 3), (57.0, 4), (900.0, 5)] {
            let draws = 100_000usize;
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let top = (lambda + 12.0 * lambda.sqrt() + 20.0) as usize;
            let mut counts = vec![0usize; top + 1];
            for _ in 0..draws {
                counts[(poisson(&mut rng, lambda) as usize).min(top)] += 1;
            }
            let ln_fact = |k: usize| (1..=k).map(|i| (i as f64).ln()).sum::<f64>();
            let (mut chi2, mut df, mut rest_obs, mut rest_exp) = (0.0, 0usize, 0.0, 0.0);
            for (k, obs) in counts.iter().enumerate() {
                let e = (-lambda + k as f64 * lambda.ln() - ln_fact(k)).exp() * draws as f64;
                if e >= 5.0 {
                    chi2 += (*obs as f64 - e).powi(2) / e;
                    df += 1;
                } else {
                    rest_obs += *obs as f64;
                    rest_exp += e;
                }
            }
            chi2 += (rest_obs - rest_exp).powi(2) / rest_exp.max(1e-9);
            let nu = df as f64;
            let limit = nu + 3.1 * (2.0 * nu).sqrt() + 10.0;
            assert!(chi2 < limit, "λ={lambda}: chi2 = {chi2} with {df} cells (limit {limit:.1})");
        }
    }

    fn chi_square_fit(n: u64, p: f64, seed: u64, max_cells: usize) {
        let draws = 100_000usize;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut counts = vec![0usize; n as usize + 1];
        for _ in 0..draws {
            counts[binomial(&mut rng, n, p) as usize] += 1;
        }
        // The pmf in logs (exact for large n too).
        let ln_fact = |k: usize| (1..=k).map(|i| (i as f64).ln()).sum::<f64>();
        let pmf: Vec<f64> = (0..=n as usize)
            .map(|k| {
                (ln_fact(n as usize) - ln_fact(k) - ln_fact(n as usize - k)
                    + k as f64 * p.ln()
                    + (n as usize - k) as f64 * (1.0 - p).ln())
                .exp()
            })
            .collect();
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
        // df cells + tail − 1 constraint; the 99.9 % quantile of χ²(ν) is below
        // ν + 3.1·√(2ν) + 10 for every ν here (32.9 for ν = 12, 127 for ν = 80).
        assert!(df <= max_cells, "{df} cells");
        let nu = df as f64;
        let limit = nu + 3.1 * (2.0 * nu).sqrt() + 10.0;
        assert!(chi2 < limit, "n={n} p={p}: chi2 = {chi2} with {df} cells (limit {limit:.1})");
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
