//! Numbers and distributions as a person reads them in a message: thousands
//! separators, no trailing zeros, a distribution as written ("triangular 10 – 12
//! – 15", a negative number with a true minus: "−0.2"). The report layer builds its formats on these.

use super::dist::{Dist, Kind, LogNormalStated};
use std::fmt;

/// Groups the integer part with commas: `1234567.5` → `"1,234,567.5"`.
pub fn group(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A number as a person would write it in a file: grouped, no trailing zeros
/// (`40000` → `"40,000"`, `0.045` → `"0.045"`).
pub fn plain(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return group(&format!("{x:.0}"));
    }
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    group(text)
}

/// A count, rounded, grouped: `"12,345"`.
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let r = x.round();
    group(&format!("{}", if r == 0.0 { 0.0 } else { r }))
}

/// Writes the distribution the way a person reads it: `triangular 10 – 12 – 15`,
/// a negative number with a true minus sign (`within −0.2 – 0.3`), as
/// everything else the tool prints.
impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |x: f64| plain(x).replacen('-', "−", 1);
        match self.kind() {
            Kind::Fixed(v) => write!(f, "{}", n(*v)),
            Kind::Uniform { min, max } => write!(f, "uniform {} – {}", n(*min), n(*max)),
            Kind::Triangular { min, mode, max, .. } => {
                write!(f, "triangular {} – {} – {}", n(*min), n(*mode), n(*max))
            }
            Kind::Pert { min, mode, max, .. } => write!(f, "PERT {} – {} – {}", n(*min), n(*mode), n(*max)),
            Kind::Normal { mean, sd, min, max, truncated, .. } => {
                write!(f, "normal mean {} sd {}", n(*mean), n(*sd))?;
                if *truncated {
                    write!(f, " within {} – {}", n(*min), n(*max))?;
                }
                Ok(())
            }
            Kind::LogNormal { stated: LogNormalStated::MedianP90 { median, p90 }, .. } => {
                write!(f, "lognormal median {} P90 {}", n(*median), n(*p90))
            }
            Kind::LogNormal { stated: LogNormalStated::MeanSd { mean, sd }, .. } => {
                write!(f, "lognormal mean {} sd {}", n(*mean), n(*sd))
            }
            Kind::Beta { mean, sd, .. } => write!(f, "beta mean {} sd {}", n(*mean), n(*sd)),
            Kind::Gamma { mean, sd, .. } => write!(f, "gamma mean {} sd {}", n(*mean), n(*sd)),
            Kind::Discrete { values, weights, .. } => {
                write!(f, "discrete ")?;
                for (i, (v, w)) in values.iter().zip(weights).enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{} (w {})", n(*v), n(*w))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A negative number in a distribution reads with a true minus sign, as
    /// the rest of the tool prints it; a positive one is as before.
    #[test]
    fn distributions_write_negative_numbers_with_a_minus_sign() {
        let truncated = Dist::normal(0.03, 0.04, Some(-0.2), Some(0.3)).unwrap();
        assert_eq!(truncated.to_string(), "normal mean 0.03 sd 0.04 within −0.2 – 0.3");
        assert_eq!(Dist::uniform(-1_500.0, -500.0).unwrap().to_string(), "uniform −1,500 – −500");
        assert_eq!(Dist::triangular(10.0, 12.0, 15.0).unwrap().to_string(), "triangular 10 – 12 – 15");
        assert_eq!(plain(-0.2), "-0.2", "plain numbers keep the ASCII hyphen (files are written with them)");
    }
}
