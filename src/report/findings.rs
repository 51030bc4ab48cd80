//! Key findings: the results said in sentences, for the top of the report.
//!
//! Each sentence answers one of the questions a plan is run for — what the year
//! looks like, how likely the targets are, which channels are short of capacity
//! (when, by how many FTE), which segment × channel pairs lose money, and what
//! demand no channel covers. Every number carries its unit and, where it is a
//! distribution, its spread.

use super::format::{count, money_compact, pct};
use super::table::{period_word, segment_label};
use crate::results::{ChannelResult, Results};

/// A period counts as short in the findings when P(shortfall) reaches this.
pub const SHORT_PERIOD: f64 = 0.5;

/// Pairs with a median contribution below zero are named, at most this many.
const WORST_PAIRS: usize = 3;

fn money(x: f64, cur: &str) -> String {
    let text = money_compact(x);
    match text.strip_prefix(['-', '−']) {
        Some(abs) => format!("−{cur} {abs}"),
        None => format!("{cur} {text}"),
    }
}

/// `1–6 and 9–12`, `3`, `3, 4 and 9`.
pub fn period_ranges(periods: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &p in periods {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == p => *end = p,
            _ => runs.push((p, p)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(a, b)| match b - a {
            0 => a.to_string(),
            _ => format!("{a}–{b}"),
        })
        .collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn singular(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
}

/// The findings, one sentence (or two) per entry, in reading order.
pub fn findings(r: &Results) -> Vec<String> {
    let cur = r.scenario.currency.as_str();
    let t = &r.totals;
    let horizon = format!("{} {}", r.scenario.periods, period_word(r));
    let mut out = vec![format!(
        "Over the {horizon}, revenue is {} at the median (P10 {} – P90 {}) and contribution {} (P10 {} – P90 {}).",
        money(t.revenue.p50, cur),
        money_compact(t.revenue.p10),
        money_compact(t.revenue.p90),
        money(t.contribution.p50, cur),
        money_compact(t.contribution.p10),
        money_compact(t.contribution.p90),
    )];

    for target in &r.targets {
        let verdict = match target.probability {
            p if p >= 0.9 => "very likely",
            p if p >= 0.6 => "likely",
            p if p >= 0.4 => "a coin toss",
            p if p >= 0.1 => "unlikely",
            _ => "very unlikely",
        };
        out.push(format!(
            "The {} target of {} is reached in {} of the simulated years: {verdict}.",
            target.metric,
            money(target.value, cur),
            pct(target.probability)
        ));
    }

    let mut comfortable = Vec::new();
    for ch in &r.channels {
        match capacity_finding(r, ch) {
            Some(sentence) => out.push(sentence),
            None if ch.capacity.is_some() => comfortable.push(ch.channel.as_str()),
            None => {}
        }
    }
    if !comfortable.is_empty() {
        out.push(format!(
            "Enough capacity in {}: no {} is short with probability {} or more.",
            join_and(&comfortable.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
            singular(period_word(r)),
            pct0(SHORT_PERIOD)
        ));
    }

    if t.lost_to_capacity.p50 >= 0.5 {
        out.push(format!(
            "Missing capacity loses {} opportunities at the median (P10 {} – P90 {}), {} of those routed.",
            count(t.lost_to_capacity.p50),
            count(t.lost_to_capacity.p10),
            count(t.lost_to_capacity.p90),
            pct(t.lost_to_capacity.p50 / t.opportunities.p50.max(1.0))
        ));
    }

    let mut losing: Vec<_> = r.cells.iter().filter(|c| c.metrics.contribution.p50 < 0.0).collect();
    losing.sort_by(|a, b| a.metrics.contribution.p50.total_cmp(&b.metrics.contribution.p50));
    if losing.is_empty() {
        out.push("No segment × channel pair loses money at the median.".into());
    } else {
        let named: Vec<String> = losing
            .iter()
            .take(WORST_PAIRS)
            .map(|c| {
                let cts = c
                    .metrics
                    .cost_to_serve
                    .as_ref()
                    .map_or(String::new(), |s| format!(", cost-to-serve {}", pct(s.p50)));
                format!(
                    "{} via {} ({} contribution{cts})",
                    segment_label(r, &c.segment),
                    c.channel,
                    money(c.metrics.contribution.p50, cur)
                )
            })
            .collect();
        let head = if losing.len() == 1 {
            "One segment × channel pair loses money at the median".to_string()
        } else if losing.len() <= WORST_PAIRS {
            format!("{} segment × channel pairs lose money at the median", losing.len())
        } else {
            format!(
                "{} segment × channel pairs lose money at the median; the {WORST_PAIRS} least profitable are",
                losing.len()
            )
        };
        out.push(format!("{head}: {}.", join_and(&named)));
    }

    let uncovered: Vec<String> = r
        .segments
        .iter()
        .filter(|s| s.uncovered.p50 >= 0.5)
        .map(|s| {
            format!(
                "{} ({} opportunities, P10 {} – P90 {})",
                s.label,
                count(s.uncovered.p50),
                count(s.uncovered.p10),
                count(s.uncovered.p90)
            )
        })
        .collect();
    if uncovered.is_empty() {
        out.push("No demand is left uncovered: every opportunity is routed to a channel.".into());
    } else {
        out.push(format!(
            "Demand no channel covers, at the median: {}. Add a coverage row or accept the gap.",
            join_and(&uncovered)
        ));
    }
    out
}

fn pct0(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

fn join_and(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A sentence on a channel likely to be short in some period; `None` when it is not.
fn capacity_finding(r: &Results, ch: &ChannelResult) -> Option<String> {
    let cap = ch.capacity.as_ref()?;
    let short: Vec<_> = cap.periods.iter().filter(|p| p.p_shortfall >= SHORT_PERIOD).collect();
    if short.is_empty() {
        return None;
    }
    let word = period_word(r);
    let numbers: Vec<usize> = short.iter().map(|p| p.period).collect();
    let when = if short.len() == cap.periods.len() {
        format!("in every {}", singular(word))
    } else if short.len() == 1 {
        format!("in {} {}", singular(word), numbers[0])
    } else {
        format!("in {word} {}", period_ranges(&numbers))
    };
    let worst = short
        .iter()
        .max_by(|a, b| a.shortfall.p50.total_cmp(&b.shortfall.p50).then(b.period.cmp(&a.period)))
        .expect("short is not empty");
    let gap = match &worst.shortfall_fte {
        Some(fte) => format!("{:.1} FTE (P90 {:.1} FTE)", fte.p50, fte.p90),
        None => format!("{} {} (P90 {})", count(worst.shortfall.p50), cap.unit, count(worst.shortfall.p90)),
    };
    let overall = match (&cap.required_fte, &cap.available_fte) {
        (Some(req), Some(avail)) => {
            format!("it needs {:.1} FTE on average over the horizon against {:.1} available (P50)", req.p50, avail.p50)
        }
        _ => format!(
            "it needs {} {} over the horizon against {} available (P50)",
            count(cap.required.p50),
            cap.unit,
            count(cap.available.p50)
        ),
    };
    Some(format!(
        "The {} channel is short of capacity {when} (P(shortfall) ≥ {}): {overall}; the largest gap is {gap} \
         in {} {}.",
        ch.channel,
        pct0(SHORT_PERIOD),
        singular(word),
        worst.period
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_ranges_read_like_prose() {
        assert_eq!(period_ranges(&[]), "");
        assert_eq!(period_ranges(&[3]), "3");
        assert_eq!(period_ranges(&[3, 4]), "3–4");
        assert_eq!(period_ranges(&[1, 2, 3, 4, 5, 6, 9, 10, 11, 12]), "1–6 and 9–12");
        assert_eq!(period_ranges(&[3, 4, 9]), "3–4 and 9");
        assert_eq!(period_ranges(&[1, 3, 5]), "1, 3 and 5");
    }

    #[test]
    fn negative_money_has_a_minus_before_the_currency() {
        assert_eq!(money(-153_000.0, "EUR"), "−EUR 153 k");
        assert_eq!(money(2_090_000.0, "EUR"), "EUR 2.09 M");
    }
}
