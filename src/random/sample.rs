//! Count samplers used inside an iteration: Poisson and binomial.
//!
//! Every one is exact in distribution, and none pays a set-up of its own per
//! draw beyond a square root — which matters because λ, n and p change from draw
//! to draw (every period's demand, every cell's served opportunities).
//!
//! * Poisson: inversion (a walk up the CDF from 0) below λ = 10, above it
//!   Hörmann's PTRS (transformed rejection with squeeze, 1993): two uniforms and
//!   a few multiplications on its usual path.
//! * Binomial: inversion (BINV, Kachitvichyanukul & Schmeiser 1988) when the mean
//!   n·min(p, 1 − p) is below 12 — a handful of leavers out of a team, wins out
//!   of a few dozen served opportunities — and otherwise Hörmann's BTRS (1993),
//!   the same kind of method as PTRS (unlike BTPE, whose per-(n, p) set-up
//!   dominates when p changes from draw to draw).
//!
//! The rejection steps compare with logarithms of factorials, read from a
//! table of ln k! for k below 4,096 (exact to rounding, from `libm::lgamma`) and
//! from Stirling's series beyond.

use super::dispatch::Level;
use super::lanes::LaneRng;
use super::vmath::{exp_n, ln_n};
use rand::Rng;
use rand_distr::{Distribution, StandardUniform};
use std::sync::LazyLock;

/// Below this mean (n·min(p, 1−p)) the binomial is drawn by inversion.
const INVERSION_MEAN: f64 = 12.0;

/// Below this λ the Poisson is drawn by inversion.
const POISSON_INVERSION: f64 = 10.0;

/// ln k! is tabulated below this k.
const LN_FACTORIALS: usize = 4096;

static LN_FACTORIAL: LazyLock<Box<[f64; LN_FACTORIALS]>> =
    LazyLock::new(|| Box::new(std::array::from_fn(|k| libm::lgamma(k as f64 + 1.0))));

/// ln k! for a whole number k ≥ 0 (held in an f64).
#[inline]
fn ln_factorial(k: f64) -> f64 {
    if k < LN_FACTORIALS as f64 { LN_FACTORIAL[k as usize] } else { lgamma(k + 1.0) }
}

/// 1/k for k below 64: a multiplication instead of a division in the inversion
/// walks.
const RECIPROCALS: [f64; 64] = {
    let mut t = [0.0; 64];
    let mut k = 1;
    while k < 64 {
        t[k] = 1.0 / k as f64;
        k += 1;
    }
    t
};

#[inline]
fn reciprocal(k: u64) -> f64 {
    if k < 64 { RECIPROCALS[k as usize] } else { 1.0 / k as f64 }
}

/// A Poisson(λ) count; 0 for λ ≤ 0 (or NaN).
#[inline]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda < POISSON_INVERSION { poisson_inversion(rng, lambda) } else { poisson_ptrs(rng, lambda) }
}

/// Inversion for λ < 10: the first k whose CDF reaches a uniform.
fn poisson_inversion<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    let u: f64 = StandardUniform.sample(rng);
    inversion_from(rng, lambda, u, (-lambda).exp(), 0)
}

/// The inversion walk from count `k`, with `u` the uniform left and `p` = P(k).
fn inversion_from<R: Rng + ?Sized>(rng: &mut R, lambda: f64, mut u: f64, mut p: f64, mut k: u64) -> u64 {
    while u > p {
        u -= p;
        k += 1;
        p *= lambda * reciprocal(k);
        if p == 0.0 {
            // Rounding left a sliver of probability beyond the last
            // representable term: draw again.
            return poisson_inversion(rng, lambda);
        }
    }
    k
}

/// PTRS (Hörmann 1993) for λ ≥ 10: exact by rejection.
fn poisson_ptrs<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    let b = 0.931 + 2.53 * lambda.sqrt();
    let a = -0.059 + 0.02483 * b;
    let v_r = 0.9277 - 3.6224 / (b - 2.0);
    // ln λ only on the rare path that needs it.
    let mut ln_lambda = f64::NAN;
    loop {
        let u: f64 = StandardUniform.sample(rng);
        let u = u - 0.5;
        let v: f64 = StandardUniform.sample(rng);
        let us = 0.5 - u.abs();
        let k = floor((2.0 * a / us + b) * u + lambda + 0.43);
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let lhs = (v * inv_alpha / (a / (us * us) + b)).ln();
        if ln_lambda.is_nan() {
            ln_lambda = lambda.ln();
        }
        if lhs <= -lambda + k * ln_lambda - ln_factorial(k) {
            return k as u64;
        }
    }
}

/// Rates drawn together by [`poissons`].
const POISSON_GROUP: usize = 16;

/// Independent Poisson counts for several rates at once: `out[j]` ~
/// Poisson(`rates[j]`). PTRS's set-up and usual path (two uniforms, a square
/// root, two divisions) run for 16 rates side by side from the lanes of `rng`;
/// a candidate the squeeze does not accept goes on with PTRS's own test, and
/// after a rejection is replaced by a fresh draw. Rates below 10 are drawn by
/// inversion, side by side too (the lanes' second uniform walks up the CDF).
/// Every count exact in distribution; AVX-512, AVX2 and baseline builds of one
/// source, same bits.
pub fn poissons(rng: &mut LaneRng, rates: &[f64], out: &mut [u64]) {
    match super::dispatch::level() {
        // SAFETY: the CPU supports AVX-512F (the level says so).
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { poissons_avx512(rng, rates, out) },
        // SAFETY: the CPU supports AVX2 (the level says so).
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { poissons_avx2(rng, rates, out) },
        _ => poissons_body(rng, rates, out),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn poissons_avx512(rng: &mut LaneRng, rates: &[f64], out: &mut [u64]) {
    poissons_body(rng, rates, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn poissons_avx2(rng: &mut LaneRng, rates: &[f64], out: &mut [u64]) {
    poissons_body(rng, rates, out)
}

#[inline(always)]
fn poissons_body(rng: &mut LaneRng, rates: &[f64], out: &mut [u64]) {
    const G: usize = POISSON_GROUP;
    for (rates, out) in rates.chunks(G).zip(out.chunks_mut(G)) {
        // Unused lanes get a harmless rate.
        let mut lambda = [POISSON_INVERSION; G];
        lambda[..rates.len()].copy_from_slice(rates);
        let mut bits = [0u64; 2 * G];
        rng.fill(&mut bits);
        let (mut u, mut v, mut k) = ([0.0; G], [0.0; G], [0.0; G]);
        let (mut squeeze, mut testable) = ([false; G], [false; G]);
        // The two sides of PTRS's test, through their logarithms.
        let (mut lhs, mut ln_lambda) = ([0.0; G], lambda);
        for i in 0..G {
            let l = lambda[i];
            let b = 0.931 + 2.53 * l.sqrt();
            let a = -0.059 + 0.02483 * b;
            let v_r = 0.9277 - 3.6224 / (b - 2.0);
            let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
            u[i] = unit(bits[i]) - 0.5;
            v[i] = unit(bits[G + i]);
            let us = 0.5 - u[i].abs();
            k[i] = ((2.0 * a / us + b) * u[i] + l + 0.43).floor();
            squeeze[i] = (us >= 0.07) & (v[i] <= v_r);
            testable[i] = (k[i] >= 0.0) & !((us < 0.013) & (v[i] > us)) & (k[i] < LN_FACTORIALS as f64);
            lhs[i] = v[i] * inv_alpha / (a / (us * us) + b);
        }
        ln_n(&mut lhs);
        ln_n(&mut ln_lambda);
        let ln_fact = &**LN_FACTORIAL;
        let mut accept = [false; G];
        for i in 0..G {
            let j = (k[i].max(0.0) as usize).min(LN_FACTORIALS - 1);
            let full = testable[i] & (lhs[i] <= -lambda[i] + k[i] * ln_lambda[i] - ln_fact[j]);
            accept[i] = (squeeze[i] | full) & (lambda[i] >= POISSON_INVERSION);
        }
        // Rates below 10: inversion, every lane at once, with v as the uniform.
        let small: [bool; G] = std::array::from_fn(|i| lambda[i] < POISSON_INVERSION);
        if small.iter().any(|s| *s) {
            invert_small(rng, &lambda, &small, &v, &mut k);
        }
        for (i, o) in out.iter_mut().enumerate() {
            *o = if accept[i] || small[i] {
                k[i] as u64
            } else if lambda[i] >= POISSON_INVERSION && k[i] < LN_FACTORIALS as f64 {
                // Tested above and rejected: a fresh draw.
                poisson_ptrs(rng, lambda[i])
            } else {
                poisson_rest(rng, lambda[i], u[i], v[i], k[i])
            };
        }
    }
}

/// Steps of the side-by-side inversion walk; a lane that needs more (for
/// λ < 10, less than once in 10⁸ draws) goes on alone.
const WALK: usize = 32;

/// Poisson inversion for the lanes whose rate is below 10 (`small`), all lanes
/// stepping together: from k = 0 and P(0) = e^−λ, while the uniform `v`
/// exceeds P(k), take P(k) off it and step to P(k + 1) = P(k)·λ/(k + 1). The
/// counts of the small lanes go to `k` (the rare lane that walks past [`WALK`]
/// finished by itself); the other lanes are left alone. Zero and negative
/// rates give 0.
#[inline(always)]
fn invert_small<const G: usize>(
    rng: &mut LaneRng,
    lambda: &[f64; G],
    small: &[bool; G],
    v: &[f64; G],
    k: &mut [f64; G],
) {
    let rate: [f64; G] = std::array::from_fn(|i| if small[i] && lambda[i] > 0.0 { lambda[i] } else { 0.0 });
    let mut p: [f64; G] = std::array::from_fn(|i| -rate[i]);
    exp_n(&mut p);
    let mut walking = *small;
    let (mut u, mut x) = (*v, [0.0; G]);
    for reciprocal in &RECIPROCALS[1..=WALK] {
        let mut any = false;
        for i in 0..G {
            // Arithmetic with m = 1 or 0 (p·0 = 0, m·f + (1 − m) = f or 1, all
            // exact), not `if`s, which the compiler turns into conditional
            // stores that stall the next step's loads.
            let more = walking[i] & (u[i] > p[i]);
            let m = f64::from(u8::from(more));
            u[i] -= p[i] * m;
            x[i] += m;
            p[i] *= m * (rate[i] * reciprocal) + (1.0 - m);
            walking[i] = more;
            any |= more;
        }
        if !any {
            break;
        }
    }
    for i in 0..G {
        if small[i] {
            k[i] = if walking[i] { inversion_from(rng, rate[i], u[i], p[i], x[i] as u64) as f64 } else { x[i] };
        }
    }
}

/// A uniform in [0, 1) from the high 52 bits.
#[inline(always)]
fn unit(bits: u64) -> f64 {
    f64::from_bits((bits >> 12) | (1023 << 52)) - 1.0
}

/// The rest of PTRS for a candidate `k` (from uniforms `u`, centred, and `v`)
/// whose full test the side-by-side pass could not make — k beyond the table
/// of ln k! — and a fresh draw after a rejection (for a NaN rate: 0).
#[cold]
fn poisson_rest(rng: &mut LaneRng, lambda: f64, u: f64, v: f64, k: f64) -> u64 {
    if lambda.is_nan() || lambda < POISSON_INVERSION {
        return poisson(rng, lambda);
    }
    let b = 0.931 + 2.53 * lambda.sqrt();
    let a = -0.059 + 0.02483 * b;
    let us = 0.5 - u.abs();
    if k >= 0.0 && !(us < 0.013 && v > us) {
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let lhs = (v * inv_alpha / (a / (us * us) + b)).ln();
        if lhs <= -lambda + k * lambda.ln() - ln_factorial(k) {
            return k as u64;
        }
    }
    poisson_ptrs(rng, lambda)
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
            h = ln_factorial(m) + ln_factorial(nf - m);
        }
        // log of the pmf ratio f(k)/f(m), by log-factorials (exact up to rounding).
        let bound = h - ln_factorial(k) - ln_factorial(nf - k) + (k - m) * lpq;
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
    // (1 − p)^n by repeated squaring; through logarithms for a huge n.
    let r0 = match i32::try_from(n) {
        Ok(k) if k <= 1 << 20 => q.powi(k),
        _ => (n as f64 * (-p).ln_1p()).exp(),
    };
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
        r *= a * reciprocal(x) - s;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::dispatch::level;
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
            let xs: Vec<u64> = (0..draws).map(|_| poisson(&mut rng, lambda)).collect();
            assert_fits_poisson(lambda, &xs);
        }
    }

    /// Chi-square goodness of fit of counts against the Poisson(λ) pmf: cells
    /// with an expected count below 5 pooled; the 99.9 % quantile of χ²(ν) is
    /// below ν + 3.1·√(2ν) + 10 for every ν that occurs here.
    fn assert_fits_poisson(lambda: f64, xs: &[u64]) {
        let top = (lambda + 12.0 * lambda.sqrt() + 20.0) as usize;
        let mut counts = vec![0usize; top + 1];
        for x in xs {
            counts[(*x as usize).min(top)] += 1;
        }
        let ln_fact = |k: usize| (1..=k).map(|i| (i as f64).ln()).sum::<f64>();
        let n = xs.len() as f64;
        let (mut chi2, mut df, mut rest_obs, mut rest_exp) = (0.0, 0usize, 0.0, 0.0);
        for (k, obs) in counts.iter().enumerate() {
            let e = (-lambda + k as f64 * lambda.ln() - ln_fact(k)).exp() * n;
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

    /// Chi-square fit of the many-rates sampler against the exact pmf, with
    /// rates on both sides of 10 mixed in one call and calls of uneven length.
    #[test]
    fn poissons_fit_the_pmf() {
        let rates = [3.5f64, 57.0, 9.9, 10.0, 900.0, 0.7, 25.0];
        let mut rng = LaneRng::new(17);
        let draws = 60_000usize;
        let mut samples: Vec<Vec<u64>> = vec![Vec::with_capacity(draws); rates.len()];
        let mut out = [0u64; 21];
        let all: Vec<f64> = rates.iter().cycle().take(21).copied().collect();
        for round in 0..draws / 3 {
            let n = [21, 14, 7][round % 3];
            poissons(&mut rng, &all[..n], &mut out[..n]);
            for (j, x) in out[..n].iter().enumerate() {
                samples[j % rates.len()].push(*x);
            }
        }
        for (lambda, xs) in rates.iter().zip(&samples) {
            assert_fits_poisson(*lambda, xs);
        }
        // Zero, negative and NaN rates give 0.
        let mut z = [9u64; 3];
        poissons(&mut rng, &[0.0, -2.0, f64::NAN], &mut z);
        assert_eq!(z, [0, 0, 0]);
    }

    /// A lane whose uniform lies beyond the side-by-side walk's steps goes on
    /// alone to the count a walk from 0 gives.
    #[test]
    fn a_long_inversion_walk_goes_on_alone() {
        let lambda = [9.9f64, 0.5, 10.0, 9.9];
        let small = [true, true, false, true];
        // 1 − 2⁻⁵³: the CDF of Poisson(9.9) reaches it only past 32.
        let far = 1.0 - f64::EPSILON / 2.0;
        let v = [far, 0.3, 0.3, 0.5];
        let mut k = [0.0; 4];
        let mut rng = LaneRng::new(1);
        k[2] = 7.0;
        invert_small(&mut rng, &lambda, &small, &v, &mut k);
        let mut p0 = [-9.9f64; 16];
        exp_n(&mut p0);
        let alone = inversion_from(&mut rng, 9.9, far, p0[0], 0);
        assert!(alone > WALK as u64, "{alone}");
        assert_eq!(k[0] as u64, alone);
        assert_eq!(k[1], 0.0);
        assert_eq!(k[2], 7.0, "not a small lane: untouched");
        assert_eq!(k[3] as u64, inversion_from(&mut rng, 9.9, 0.5, p0[0], 0));
    }

    /// Every build of the many-rates sampler gives the same counts.
    #[test]
    fn poissons_give_the_same_counts_on_every_build() {
        let rates: Vec<f64> = (0..40).map(|i| 0.5 + i as f64 * 7.3).collect();
        let run = |f: unsafe fn(&mut LaneRng, &[f64], &mut [u64])| {
            let mut rng = LaneRng::new(5);
            let mut out = vec![0u64; rates.len()];
            let mut all = Vec::new();
            for _ in 0..200 {
                // SAFETY: only called with the features checked below.
                unsafe { f(&mut rng, &rates, &mut out) };
                all.extend_from_slice(&out);
            }
            all
        };
        let base = run(poissons_body);
        assert_eq!(base, run(poissons));
        #[cfg(target_arch = "x86_64")]
        {
            if level() >= Level::Avx2 {
                assert_eq!(base, run(poissons_avx2));
            }
            if level() >= Level::Avx512 {
                assert_eq!(base, run(poissons_avx512));
            }
        }
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
