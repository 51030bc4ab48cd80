//! How numbers read in tables and messages: one format everywhere.
//!
//! - Thousands separators always (`1,441`), whole counts shown whole.
//! - Money compact with k / M / bn and three significant digits (`24.5 M`).
//! - Shares as percentages (`38.2 %`).
//! - A negative number takes the minus sign `−` (U+2212), and a number that
//!   rounds to zero is `0`, never `-0` or `−0.00`.
//! - A distribution reads `P50 (P10–P90)` with the range in the median's
//!   scale; when a value is negative the range reads `−154 k (−210 k to −93 k)`,
//!   each value with its unit, so that no dash doubles as a minus.

use crate::model::text::group;
use crate::results::{Band, Stat};

/// The minus sign numbers are shown with.
pub const MINUS: char = '−';

/// A formatted number with the minus sign for `-`, and without the sign when
/// every digit is zero (`-0.00` → `0.00`).
fn signed(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.' || b == b',') => rest.to_string(),
        Some(rest) => format!("{MINUS}{rest}"),
        None => text,
    }
}

/// `x` with `decimals` decimals, grouped, with the minus sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    // Whole numbers round half away from zero (2,330.5 → 2,331), as counts
    // always have.
    let x = if decimals == 0 { x.round() } else { x };
    signed(group(&format!("{x:.decimals$}")))
}

/// A count, rounded, grouped: `"12,345"`.
pub fn count(x: f64) -> String {
    fixed(x, 0)
}

/// A number as a person would write it: grouped, no trailing zeros (`40000` →
/// `"40,000"`, `0.045` → `"0.045"`, `-0.05` → `"−0.05"`).
pub fn plain(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    signed(crate::model::text::plain(x))
}

/// Money in full with the currency: `"EUR 24,512,300"`.
pub fn money(x: f64, currency: &str) -> String {
    format!("{currency} {}", count(x))
}

/// The scale that keeps the significant digits of `x` readable: (divisor, suffix).
fn scale_of(x: f64) -> (f64, &'static str) {
    let a = x.abs();
    if a >= 1e9 {
        (1e9, " bn")
    } else if a >= 1e6 {
        (1e6, " M")
    } else if a >= 1e4 {
        (1e3, " k")
    } else {
        (1.0, "")
    }
}

/// Decimals that show three significant digits at a scaled magnitude.
fn decimals(scaled: f64, divisor: f64) -> usize {
    if divisor == 1.0 {
        return 0;
    }
    let a = scaled.abs();
    if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else {
        2
    }
}

/// Money in compact form: `"24.5 M"`, `"812 k"`, `"950"`, `"−2.15 M"`.
pub fn money_compact(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (d, suffix) = scale_of(x);
    let v = x / d;
    // 999,950 rounds to "1,000 k": show it as "1.00 M".
    let text = fixed(v, decimals(v, d));
    if (1e3..1e9).contains(&d)
        && text.trim_start_matches(MINUS).replace(',', "").parse::<f64>().is_ok_and(|r| r >= 1000.0)
    {
        return money_compact(x.signum() * d * 1000.0);
    }
    format!("{text}{suffix}")
}

/// A signed amount of money: `+1.23 M`, `−45.6 k`, `0`.
pub fn money_signed(x: f64) -> String {
    let text = money_compact(x);
    if text.starts_with(MINUS) || text == "0" { text } else { format!("+{text}") }
}

/// A share as a percentage with one decimal: `0.382` → `"38.2 %"`.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    format!("{} %", fixed(x * 100.0, 1))
}

/// A share as a whole percentage when it is one, else with up to two decimals:
/// `0.35` → `"35 %"`, `0.125` → `"12.5 %"`.
pub fn pct_plain(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let p = (x * 100.0 * 100.0).round() / 100.0;
    format!("{} %", plain(p))
}

/// A quantity (hours, FTE, orders): one decimal below 100, whole above.
pub fn quantity(x: f64) -> String {
    if x.abs() >= 99.95 { count(x) } else { fixed(x, 1) }
}

/// Quantities read side by side (a P50 beside its P90) in one format: one
/// decimal for all when the largest is below 100, else all whole:
/// `[0.0, 492.4]` → `["0", "492"]`, `[55.3, 9.5]` → `["55.3", "9.5"]`.
pub fn quantities<const N: usize>(xs: [f64; N]) -> [String; N] {
    let biggest = xs.iter().filter(|x| x.is_finite()).fold(0.0f64, |m, x| m.max(x.abs()));
    xs.map(|x| if biggest >= 99.95 { count(x) } else { fixed(x, 1) })
}

/// How a distribution is shown in a table cell.
#[derive(Debug, Clone, Copy)]
pub enum Unit {
    /// Counts: `480 (455–505)`.
    Count,
    /// Money, compact with a shared scale: `12.1 M (10.2–14.5)`.
    Money,
    /// Shares: `45.0 % (38.9–51.2)`.
    Percent,
    /// Hours, FTE or other quantities with one decimal below 100.
    Quantity,
}

/// `P50 (P10–P90)` in the given unit; the P10 and P90 share the median's scale.
/// With a negative value among them: `−154 k (−210 k to −93 k)`.
pub fn spread(s: &Stat, unit: Unit) -> String {
    band(&Band::from(s), unit)
}

/// [`spread`] of a key figure's band.
pub fn band(b: &Band, unit: Unit) -> String {
    let three = [b.p50, b.p10, b.p90];
    let (texts, suffix): ([String; 3], &str) = match unit {
        Unit::Count => (three.map(count), ""),
        Unit::Percent => (three.map(|x| fixed(x * 100.0, 1)), " %"),
        Unit::Quantity => (quantities(three), ""),
        Unit::Money => {
            let biggest = three.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            let (d, suffix) = scale_of(biggest);
            let dec = decimals(biggest / d, d);
            (three.map(|x| fixed(x / d, dec)), suffix)
        }
    };
    let [mid, lo, hi] = texts;
    if [&mid, &lo, &hi].iter().any(|t| t.starts_with(MINUS)) {
        format!("{mid}{suffix} ({lo}{suffix} to {hi}{suffix})")
    } else {
        format!("{mid}{suffix} ({lo}–{hi})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stat(p10: f64, p50: f64, p90: f64) -> Stat {
        Stat { mean: p50, sd: 0.0, se: 0.0, p5: 0.0, p10, p50, p90, p95: 0.0, min: 0.0, max: 0.0 }
    }

    #[test]
    fn grouping_and_plain_numbers() {
        assert_eq!(plain(40_000.0), "40,000");
        assert_eq!(plain(1441.0), "1,441");
        assert_eq!(plain(0.045), "0.045");
        assert_eq!(plain(-1_234_567.25), "−1,234,567.25");
        assert_eq!(count(999.6), "1,000");
        assert_eq!(count(-0.2), "0");
        assert_eq!(count(-1441.0), "−1,441");
        assert_eq!(money(25_312_400.4, "EUR"), "EUR 25,312,400");
        assert_eq!(quantity(12.34), "12.3");
        assert_eq!(quantity(-0.04), "0.0");
        assert_eq!(quantity(1441.2), "1,441");
    }

    #[test]
    fn compact_money_keeps_three_significant_digits() {
        assert_eq!(money_compact(24_512_300.0), "24.5 M");
        assert_eq!(money_compact(812_000.0), "812 k");
        assert_eq!(money_compact(9_500.0), "9,500");
        assert_eq!(money_compact(-2_150_000.0), "−2.15 M");
        assert_eq!(money_compact(999_960.0), "1.00 M");
        assert_eq!(money_compact(-0.3), "0");
        assert_eq!(money_signed(1_230_000.0), "+1.23 M");
        assert_eq!(money_signed(-45_600.0), "−45.6 k");
        assert_eq!(money_signed(0.2), "0");
        assert_eq!(pct(0.382), "38.2 %");
        assert_eq!(pct(-0.00001), "0.0 %");
        assert_eq!(pct_plain(0.35), "35 %");
        assert_eq!(pct_plain(0.125), "12.5 %");
    }

    #[test]
    fn spread_shares_one_scale() {
        let s = stat(10.2e6, 12.1e6, 14.5e6);
        assert_eq!(spread(&s, Unit::Money), "12.1 M (10.2–14.5)");
        assert_eq!(spread(&s.scaled(1e-7), Unit::Percent), "121.0 % (102.0–145.0)");
        assert_eq!(spread(&stat(83.7, 333.0, 674.0), Unit::Quantity), "333 (84–674)");
        assert_eq!(spread(&stat(0.0, 0.4, 2.0), Unit::Quantity), "0.4 (0.0–2.0)");
    }

    #[test]
    fn quantities_side_by_side_share_their_decimals() {
        assert_eq!(quantities([0.0, 492.4]), ["0", "492"]);
        assert_eq!(quantities([1_507.2, 2_371.0]), ["1,507", "2,371"]);
        assert_eq!(quantities([55.3, 9.5]), ["55.3", "9.5"]);
        assert_eq!(quantities([-0.01, 0.04]), ["0.0", "0.0"]);
    }

    #[test]
    fn negative_ranges_read_without_double_dashes() {
        assert_eq!(spread(&stat(-210e3, -154e3, -93e3), Unit::Money), "−154 k (−210 k to −93 k)");
        assert_eq!(spread(&stat(-9.3e3, 5.3e3, 22.8e3), Unit::Money), "5.3 k (−9.3 k to 22.8 k)");
        assert_eq!(spread(&stat(-0.0001, 0.0, 0.0001), Unit::Money), "0 (0–0)");
        assert_eq!(spread(&stat(-0.02, 0.01, 0.05), Unit::Percent), "1.0 % (−2.0 % to 5.0 %)");
    }

    /// The value a formatted number stands for: separators removed, the
    /// minus sign and the k / M / bn and % suffixes applied.
    fn value_of(text: &str) -> f64 {
        let (number, factor) = match text.rsplit_once(' ') {
            Some((n, "k")) => (n, 1e3),
            Some((n, "M")) => (n, 1e6),
            Some((n, "bn")) => (n, 1e9),
            Some((n, "%")) => (n, 0.01),
            _ => (text, 1.0),
        };
        number.replace(',', "").replace(MINUS, "-").trim_start_matches('+').parse::<f64>().unwrap() * factor
    }

    /// Whether the integer part of a formatted number groups its digits by three.
    fn grouped(text: &str) -> bool {
        let digits = text.trim_start_matches(['+', MINUS]);
        let int = digits.split(['.', ' ']).next().unwrap();
        let groups: Vec<&str> = int.split(',').collect();
        groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3)
            && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
    }

    fn no_negative_zero(text: &str) -> bool {
        let negative_zero = text.starts_with(MINUS) && value_of(text) == 0.0;
        !text.contains('-') && !negative_zero
    }

    proptest! {
        #[test]
        fn formats_never_show_negative_zero(x in -1e12f64..1e12, tiny in -0.004f64..0.004) {
            for text in [count(x), plain(x), money_compact(x), money_signed(x), pct(x), quantity(x), fixed(x, 2)] {
                prop_assert!(no_negative_zero(&text), "{x} → {text}");
            }
            for text in [count(tiny), money_compact(tiny), pct(tiny / 1000.0), quantity(tiny), fixed(tiny, 2)] {
                prop_assert!(!text.starts_with(MINUS) && !text.contains('-'), "{tiny} → {text}");
            }
            let s = stat(x.min(tiny), tiny, x.max(tiny));
            for unit in [Unit::Count, Unit::Money, Unit::Percent, Unit::Quantity] {
                let text = spread(&s, unit);
                prop_assert!(!text.contains('-') && !text.contains("−0 ") && !text.contains("−0.0 "), "{text}");
            }
        }

        #[test]
        fn thousands_are_always_separated(x in -1e15f64..1e15) {
            for text in [count(x), plain(x), quantity(x), fixed(x, 1)] {
                prop_assert!(grouped(&text), "{x} → {text}");
            }
            let compact = money_compact(x);
            prop_assert!(grouped(compact.split(' ').next().unwrap()), "{x} → {compact}");
        }

        #[test]
        fn formats_keep_the_magnitude(x in prop_oneof![-1e12f64..1e12, -1e4f64..1e4]) {
            // Three significant digits: within 0.5 % (or half a unit).
            let close = |text: &str, tolerance: f64| {
                let back = value_of(text);
                (back - x).abs() <= tolerance.max(0.005 * x.abs())
            };
            prop_assert!(close(&money_compact(x), 0.5), "{x} → {}", money_compact(x));
            prop_assert!(close(&count(x), 0.5), "{x} → {}", count(x));
            prop_assert!(close(&quantity(x), 0.5), "{x} → {}", quantity(x));
            let share = x / 1e12;
            prop_assert!((value_of(&pct(share)) - share).abs() <= 0.0005 + 1e-12, "{share} → {}", pct(share));
            prop_assert!(close(&money_signed(x), 0.5), "{x} → {}", money_signed(x));
        }
    }
}
