//! Elementary functions on arrays, for the bulk samplers: e^x and ln x for a
//! fixed number of values at a time, written as plain loops over the values so
//! that the compiler vectorises them, with no FMA and no reassociation — every
//! build (AVX-512, AVX2, baseline) gives the same bits. Values outside the
//! range a function handles fall back to the standard library's, for the whole
//! array.

/// e^x for `N` values in place.
#[inline(always)]
pub fn exp_n<const N: usize>(xs: &mut [f64; N]) {
    // Out of range or NaN: the slow path. (A fold, not `all`, which stops early
    // and so compiles to a branch per value.)
    let outside = xs.iter().fold(false, |any, x| any | x.is_nan() | (x.abs() > 700.0));
    if outside {
        xs.iter_mut().for_each(|x| *x = x.exp());
        return;
    }
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k · LN2_HI is exact (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    // Taylor coefficients 1/k! of e^r for |r| ≤ ln 2 / 2.
    const C: [f64; 14] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let mut t = [0.0; N];
    let mut r = [0.0; N];
    for i in 0..N {
        t[i] = xs[i] * LOG2E + SHIFT;
        let k = t[i] - SHIFT;
        r[i] = (xs[i] - k * LN2_HI) - k * LN2_LO;
    }
    // Horner's rule, the lanes side by side.
    let mut p = [C[13]; N];
    for c in C[..13].iter().rev() {
        for i in 0..N {
            p[i] = p[i] * r[i] + c;
        }
    }
    for i in 0..N {
        // 2^k: k sits in the low bits of t; add the exponent bias and shift.
        let k_bits = t[i].to_bits().wrapping_sub(SHIFT.to_bits());
        xs[i] = p[i] * f64::from_bits(k_bits.wrapping_add(1023) << 52);
    }
}

/// ln x for `N` values in place: x = 2^e · m with m in [√½, √2), then
/// ln m = 2·atanh(s) = 2s(1 + s²/3 + s⁴/5 + …) with s = (m − 1)/(m + 1),
/// |s| ≤ 0.1716, summed to s²²/23 (truncation below 10⁻¹⁸), and e·ln 2 added in
/// two parts. Error within 4·10⁻¹⁶ of |ln x| + 4·10⁻¹⁶ (tested against
/// `f64::ln`). Zero, negative, subnormal, infinite and NaN values: `f64::ln`.
#[inline(always)]
pub fn ln_n<const N: usize>(xs: &mut [f64; N]) {
    let outside = xs.iter().fold(false, |any, x| any | !x.is_normal() | x.is_sign_negative());
    if outside {
        xs.iter_mut().for_each(|x| *x = x.ln());
        return;
    }
    const SQRT2: f64 = std::f64::consts::SQRT_2;
    // ln 2 split so that e · LN2_HI is exact (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1/(2k + 1) for k = 0..=11.
    const C: [f64; 12] = [
        1.0,
        1.0 / 3.0,
        1.0 / 5.0,
        1.0 / 7.0,
        1.0 / 9.0,
        1.0 / 11.0,
        1.0 / 13.0,
        1.0 / 15.0,
        1.0 / 17.0,
        1.0 / 19.0,
        1.0 / 21.0,
        1.0 / 23.0,
    ];
    let mut e = [0.0; N];
    let mut s = [0.0; N];
    for i in 0..N {
        let bits = xs[i].to_bits();
        // The mantissa with the exponent of [1, 2), halved above √2.
        let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
        let big = m > SQRT2;
        let m = if big { m * 0.5 } else { m };
        e[i] = ((bits >> 52) as i64 - 1023 + i64::from(big)) as f64;
        s[i] = (m - 1.0) / (m + 1.0);
    }
    let mut p = [C[11]; N];
    for c in C[..11].iter().rev() {
        for i in 0..N {
            p[i] = p[i] * (s[i] * s[i]) + c;
        }
    }
    for i in 0..N {
        xs[i] = e[i] * LN2_HI + (2.0 * s[i] * p[i] + e[i] * LN2_LO);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_std_exp_to_about_two_ulp() {
        let mut worst = 0.0f64;
        for chunk in (0..192_000).map(|i| -700.0 + 1400.0 * i as f64 / 192_000.0).collect::<Vec<_>>().chunks(16) {
            let mut v: [f64; 16] = chunk.try_into().expect("16 long");
            exp_n(&mut v);
            for (x, y) in chunk.iter().zip(&v) {
                worst = worst.max(((y - x.exp()) / x.exp()).abs());
            }
        }
        assert!(worst < 3e-16, "worst relative error {worst:e}");
        let mut special = [0.0, 800.0];
        exp_n(&mut special);
        assert_eq!(special, [1.0, f64::INFINITY]);
    }

    #[test]
    fn ln_matches_std_ln() {
        // Across the whole normal range, densely around 1, and at the edges of
        // the mantissa range.
        let mut xs: Vec<f64> = (0..200_000).map(|i| (-700.0 + 1400.0 * i as f64 / 200_000.0f64).exp()).collect();
        xs.extend((0..200_000).map(|i| 0.5 + i as f64 / 100_000.0));
        xs.extend([1.0, 2.0, std::f64::consts::SQRT_2, f64::MIN_POSITIVE, f64::MAX, 1.0 - f64::EPSILON]);
        while !xs.len().is_multiple_of(16) {
            xs.push(1.5);
        }
        let mut worst = 0.0f64;
        for chunk in xs.chunks(16) {
            let mut v: [f64; 16] = chunk.try_into().expect("16 long");
            ln_n(&mut v);
            for (x, y) in chunk.iter().zip(&v) {
                let exact = x.ln();
                worst = worst.max((y - exact).abs() / (exact.abs() + 1.0));
            }
        }
        assert!(worst < 4e-16, "worst error {worst:e}");
        let mut special = [0.0, -1.0, f64::NAN, 1e-310];
        ln_n(&mut special);
        assert_eq!(special[0], f64::NEG_INFINITY);
        assert!(special[1].is_nan() && special[2].is_nan());
        assert_eq!(special[3], 1e-310f64.ln());
    }
}
