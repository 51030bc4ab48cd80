//! How numbers read in tables and messages: thousands separators, k / M for money,
//! percentages as percentages, and a distribution as `P50 (P10–P90)`.

use crate::model::text::group;
pub use crate::model::text::{count, plain};
use crate::results::Stat;

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

/// Money in compact form: `"24.5 M"`, `"812 k"`, `"950"`.
pub fn money_compact(x: f64) -> String {
    let (d, suffix) = scale_of(x);
    let v = x / d;
    format!("{}{suffix}", group(&format!("{v:.*}", decimals(v, d))))
}

/// A share as a percentage with one decimal: `0.382` → `"38.2 %"`.
pub fn pct(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    format!("{:.1} %", x * 100.0)
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
pub fn spread(s: &Stat, unit: Unit) -> String {
    match unit {
        Unit::Count => format!("{} ({}–{})", count(s.p50), count(s.p10), count(s.p90)),
        Unit::Percent => format!("{:.1} % ({:.1}–{:.1})", s.p50 * 100.0, s.p10 * 100.0, s.p90 * 100.0),
        Unit::Quantity => {
            let f = |x: f64| if x.abs() >= 100.0 { count(x) } else { format!("{x:.1}") };
            format!("{} ({}–{})", f(s.p50), f(s.p10), f(s.p90))
        }
        Unit::Money => {
            let biggest = s.p10.abs().max(s.p50.abs()).max(s.p90.abs());
            let (d, suffix) = scale_of(biggest);
            let dec = decimals(biggest / d, d);
            let f = |x: f64| {
                let v = x / d;
                // Avoid "-0.0" for tiny negatives.
                let v = if v.abs() < 0.5 * 10f64.powi(-(dec as i32)) { 0.0 } else { v };
                group(&format!("{v:.dec$}"))
            };
            format!("{}{suffix} ({}–{})", f(s.p50), f(s.p10), f(s.p90))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_plain_numbers() {
        assert_eq!(plain(40_000.0), "40,000");
        assert_eq!(plain(0.045), "0.045");
        assert_eq!(plain(-1_234_567.25), "-1,234,567.25");
        assert_eq!(count(999.6), "1,000");
        assert_eq!(count(-0.2), "0");
        assert_eq!(money(25_312_400.4, "EUR"), "EUR 25,312,400");
    }

    #[test]
    fn compact_money_keeps_three_significant_digits() {
        assert_eq!(money_compact(24_512_300.0), "24.5 M");
        assert_eq!(money_compact(812_000.0), "812 k");
        assert_eq!(money_compact(9_500.0), "9,500");
        assert_eq!(money_compact(-2_150_000.0), "-2.15 M");
        assert_eq!(pct(0.382), "38.2 %");
    }

    #[test]
    fn spread_shares_one_scale() {
        let s = Stat {
            mean: 0.0,
            sd: 0.0,
            se: 0.0,
            p5: 0.0,
            p10: 10.2e6,
            p50: 12.1e6,
            p90: 14.5e6,
            p95: 0.0,
            min: 0.0,
            max: 0.0,
        };
        assert_eq!(spread(&s, Unit::Money), "12.1 M (10.2–14.5)");
        assert_eq!(spread(&s.scaled(1e-7), Unit::Percent), "121.0 % (102.0–145.0)");
    }
}
