//! Key findings: the results said in sentences, for the top of the report.
//!
//! Each sentence answers one of the questions a plan is run for — what the horizon
//! looks like, how likely the targets are, which channels are short of capacity
//! (when, by how many FTE), what missing capacity costs in opportunities and
//! money, which segment × channel pairs lose money, and what demand no channel
//! covers. Every number carries its unit and, where it is a
//! distribution, its spread.

use super::format::{count, money_compact, pct};
use super::labels::Labels;
use super::table::period_word;
use crate::results::{ChannelResult, Results, Stat};

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

/// What one iteration simulates, in prose: `year` when the horizon is one year,
/// else the horizon as a plan: `2-year plan`, `18-month plan`, `6-quarter plan`.
pub fn future(r: &Results) -> String {
    let n = r.scenario.periods;
    let per_year = match r.scenario.period.as_str() {
        "quarter" => 4,
        "week" => 52,
        _ => 12,
    };
    match (n % per_year, n / per_year) {
        (0, 1) => "year".into(),
        (0, years) => format!("{years}-year plan"),
        _ => format!("{n}-{} plan", singular(period_word(r))),
    }
}

/// `simulated years`, `simulated 2-year plans`, `simulated 18-month plans`.
pub fn simulated(r: &Results) -> String {
    format!("simulated {}s", future(r))
}

/// The findings, one sentence (or two) per entry, in reading order.
pub fn findings(r: &Results) -> Vec<String> {
    let labels = Labels::of(r);
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
            "The {} target of {} is reached in {} of the {}: {verdict}.",
            target.metric,
            money(target.value, cur),
            pct(target.probability),
            simulated(r)
        ));
    }

    let mut comfortable = Vec::new();
    for ch in &r.channels {
        match capacity_finding(r, ch, labels.channel(&ch.channel)) {
            Some(sentence) => out.push(sentence),
            None if ch.capacity.is_some() => comfortable.push(labels.channel(&ch.channel)),
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

    out.extend(lost_finding(r, &labels));

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
                    labels.segment(&c.segment),
                    labels.channel(&c.channel),
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

/// Lost revenue counts as material when its median passes this share of the
/// median revenue; below it the findings only say how small it is.
pub const MATERIAL_LOSS: f64 = 0.005;

/// `EUR 3.93 M of revenue (P10 2.47 M – P90 5.65 M)`.
fn amount(s: &Stat, what: &str, cur: &str) -> String {
    format!("{} of {what} (P10 {} – P90 {})", money(s.p50, cur), money_compact(s.p10), money_compact(s.p90))
}

/// What missing capacity costs: the opportunities lost and, when the results
/// hold them, the revenue and contribution they would have brought, and the
/// channel most of it is lost in; `None` when the median loses none.
fn lost_finding(r: &Results, labels: &Labels) -> Option<String> {
    let cur = r.scenario.currency.as_str();
    let t = &r.totals;
    if t.lost_to_capacity.p50 < 0.5 {
        return None;
    }
    let mut text = format!(
        "Missing capacity loses {} opportunities at the median (P10 {} – P90 {}), {} of those routed.",
        count(t.lost_to_capacity.p50),
        count(t.lost_to_capacity.p10),
        count(t.lost_to_capacity.p90),
        pct(t.lost_to_capacity.p50 / t.opportunities.p50.max(1.0))
    );
    let Some(revenue) = &t.lost_revenue else { return Some(text) };
    if revenue.p50 <= MATERIAL_LOSS * t.revenue.p50 {
        text.push_str(&format!(
            " At their hit rates and deal sizes they would have brought {}, less than {} of the median revenue.",
            amount(revenue, "revenue", cur),
            super::format::pct_plain(MATERIAL_LOSS)
        ));
        return Some(text);
    }
    let contribution =
        t.lost_contribution.as_ref().map_or(String::new(), |c| format!(" and {}", amount(c, "contribution", cur)));
    // The channel that loses the most revenue, and whether it loses most of it.
    let lost = |c: &&ChannelResult| c.metrics.lost_revenue.as_ref().map_or(0.0, |s| s.p50);
    let losing: Vec<&ChannelResult> =
        r.channels.iter().filter(|c| c.metrics.lost_revenue.as_ref().is_some_and(|s| s.max > 0.0)).collect();
    let place = match losing.iter().max_by(|a, b| lost(a).total_cmp(&lost(b))) {
        Some(top) if losing.len() == 1 => format!(", all of it in {}", labels.channel(&top.channel)),
        Some(top) => {
            let share = if lost(top) >= 0.5 * revenue.p50 { "most of it" } else { "the largest part" };
            let figures = top.metrics.lost_revenue.as_ref().map_or(String::new(), |s| amount(s, "revenue", cur));
            format!(", {share} in {}: {figures}", labels.channel(&top.channel))
        }
        None => String::new(),
    };
    text.push_str(&format!(
        " Had there been capacity for them, they would have brought {}{contribution}{place}.",
        amount(revenue, "revenue", cur)
    ));
    Some(text)
}

/// `label` with its first letter upper-case, to open a sentence.
fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
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
fn capacity_finding(r: &Results, ch: &ChannelResult, label: &str) -> Option<String> {
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
    // Over the horizon, at the medians the sentence states.
    let (needed, available, enough) = match (&cap.required_fte, &cap.available_fte) {
        (Some(req), Some(avail)) => {
            (format!("{:.1} FTE on average", req.p50), format!("{:.1}", avail.p50), req.p50 <= avail.p50)
        }
        _ => (
            format!("{} {}", count(cap.required.p50), cap.unit),
            count(cap.available.p50),
            cap.required.p50 <= cap.available.p50,
        ),
    };
    let rule = format!("P(shortfall) ≥ {}", pct0(SHORT_PERIOD));
    let largest = format!("the largest gap is {gap} in {} {}", singular(word), worst.period);
    let name = capitalised(label);
    Some(if enough {
        format!(
            "{name} is short {when} ({rule}) although its capacity is enough over the horizon: it needs \
             {needed} against {available} available (P50), but not when the demand comes; {largest}.",
        )
    } else {
        format!(
            "{name} is short of capacity {when} ({rule}) and over the horizon: it needs {needed} against \
             {available} available (P50); {largest}.",
        )
    })
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

    use crate::results::{Capacity, PeriodCapacity};

    /// A run of a one-channel scenario whose figures the tests then set by hand.
    fn crafted(period: &str, periods: usize) -> Results {
        let text = include_str!("../../tests/fixtures/one_pair.toml");
        let s = crate::model::Scenario::from_toml_str(text, "one_pair.toml").expect("valid");
        let mut r = crate::summary::run(&s, &crate::sim::RunOptions { iterations: 20, seed: 1 }, &|_| {});
        r.scenario.period = period.into();
        r.scenario.periods = periods;
        r
    }

    fn stat(x: f64) -> Stat {
        Stat { mean: x, sd: 0.0, se: 0.0, p5: x, p10: x, p50: x, p90: x, p95: x, min: x, max: x }
    }

    /// Capacity with the given horizon totals (P50) and the periods listed in
    /// `short` short with probability 0.8 (the gap in period p is p units, its
    /// P90 2p); FTE when `fte` holds (required, available) FTE.
    fn capacity(periods: usize, short: &[usize], total: (f64, f64), fte: Option<(f64, f64)>) -> Capacity {
        let period = |p: usize| {
            let gap = if short.contains(&p) { p as f64 } else { 0.0 };
            PeriodCapacity {
                period: p,
                required: stat(100.0 + gap),
                available: stat(100.0),
                utilization: None,
                shortfall: Stat { p90: 2.0 * gap, ..stat(gap) },
                required_fte: None,
                available_fte: None,
                shortfall_fte: fte.map(|_| Stat { p90: gap / 5.0, ..stat(gap / 10.0) }),
                p_shortfall: if short.contains(&p) { 0.8 } else { 0.1 },
            }
        };
        Capacity {
            unit: if fte.is_some() { "hours" } else { "opportunities" }.into(),
            required: stat(total.0),
            available: stat(total.1),
            utilization: None,
            shortfall: stat(0.0),
            required_fte: fte.map(|f| stat(f.0)),
            available_fte: fte.map(|f| stat(f.1)),
            p_shortfall: 0.9,
            periods: (1..=periods).map(period).collect(),
        }
    }

    fn sentence(r: &mut Results, cap: Capacity) -> String {
        r.channels[0].label = "partner network".into();
        r.channels[0].capacity = Some(cap);
        let all = findings(r);
        all.iter().find(|f| f.starts_with("Partner network is short")).unwrap_or_else(|| panic!("{all:#?}")).clone()
    }

    /// Issue 16: a channel short in some periods but with enough capacity over
    /// the horizon says so, instead of "short of capacity … needs 4,323 against
    /// 4,386 available"; period names follow the scenario's period length.
    #[test]
    fn short_periods_with_enough_capacity_over_the_horizon_read_as_such() {
        let mut r = crafted("month", 12);
        let cap = capacity(12, &[3, 4, 5, 9, 10, 11, 12], (4_323.0, 4_386.0), None);
        assert_eq!(
            sentence(&mut r, cap),
            "Partner network is short in months 3–5 and 9–12 (P(shortfall) ≥ 50 %) although its capacity is \
             enough over the horizon: it needs 4,323 opportunities against 4,386 available (P50), but not when the \
             demand comes; the largest gap is 12 opportunities (P90 24) in month 12."
        );
        let mut r = crafted("quarter", 8);
        let cap = capacity(8, &[2, 3, 6], (9_000.0, 8_000.0), None);
        assert_eq!(
            sentence(&mut r, cap),
            "Partner network is short of capacity in quarters 2–3 and 6 (P(shortfall) ≥ 50 %) and over the \
             horizon: it needs 9,000 opportunities against 8,000 available (P50); the largest gap is 6 \
             opportunities (P90 12) in quarter 6."
        );
        let mut r = crafted("week", 26);
        let cap = capacity(26, &[7], (100.0, 120.0), Some((7.5, 7.7)));
        assert_eq!(
            sentence(&mut r, cap),
            "Partner network is short in week 7 (P(shortfall) ≥ 50 %) although its capacity is enough over the \
             horizon: it needs 7.5 FTE on average against 7.7 available (P50), but not when the demand comes; the \
             largest gap is 0.7 FTE (P90 1.4 FTE) in week 7."
        );
        let mut r = crafted("month", 3);
        let cap = capacity(3, &[1, 2, 3], (100.0, 120.0), Some((17.9, 15.9)));
        assert_eq!(
            sentence(&mut r, cap),
            "Partner network is short of capacity in every month (P(shortfall) ≥ 50 %) and over the horizon: \
             it needs 17.9 FTE on average against 15.9 available (P50); the largest gap is 0.3 FTE (P90 0.6 FTE) \
             in month 3."
        );
    }

    /// Issue 16: iterations are "simulated years" only when the horizon is a
    /// year; otherwise the horizon names them.
    #[test]
    fn iterations_are_named_after_the_horizon() {
        for (period, periods, name) in [
            ("month", 12, "simulated years"),
            ("month", 24, "simulated 2-year plans"),
            ("month", 18, "simulated 18-month plans"),
            ("quarter", 8, "simulated 2-year plans"),
            ("quarter", 4, "simulated years"),
            ("quarter", 6, "simulated 6-quarter plans"),
            ("week", 52, "simulated years"),
            ("week", 26, "simulated 26-week plans"),
        ] {
            assert_eq!(simulated(&crafted(period, periods)), name, "{periods} {period}s");
        }
        let mut r = crafted("month", 18);
        r.targets = vec![crate::results::TargetResult { metric: "revenue".into(), value: 2.0e6, probability: 0.25 }];
        let all = findings(&r);
        assert!(
            all.contains(
                &"The revenue target of USD 2.00 M is reached in 25.0 % of the simulated 18-month plans: \
                           unlikely."
                    .to_string()
            ),
            "{all:#?}"
        );
        assert!(all.iter().all(|f| !f.contains("years") && !f.contains("utilization")), "{all:#?}");
    }

    /// A spread around `p50` from `p10` to `p90`.
    fn band(p10: f64, p50: f64, p90: f64) -> Stat {
        Stat { p10, p90, max: p90, ..stat(p50) }
    }

    /// The findings' sentence on missing capacity, if any.
    fn lost_sentence(r: &Results) -> Option<String> {
        findings(r).into_iter().find(|f| f.starts_with("Missing capacity"))
    }

    /// Results with revenue 20 M, 1,500 of 15,000 opportunities lost, and
    /// the given lost revenue and contribution in total and per channel
    /// (`inside`, `partners`).
    fn losing(total: Option<(Stat, Stat)>, channels: &[(&str, Stat)]) -> Results {
        let mut r = crafted("month", 12);
        r.totals.revenue = band(16e6, 20e6, 24e6);
        r.totals.opportunities = stat(15_000.0);
        r.totals.lost_to_capacity = band(1_100.0, 1_500.0, 1_900.0);
        r.totals.lost_revenue = total.as_ref().map(|t| t.0);
        r.totals.lost_contribution = total.map(|t| t.1);
        let template = r.channels[0].clone();
        r.channels = channels
            .iter()
            .map(|(name, lost)| {
                let mut ch = template.clone();
                ch.channel = name.to_string();
                ch.label = format!("{name} team");
                ch.metrics.lost_revenue = Some(*lost);
                ch
            })
            .collect();
        r
    }

    /// Issue 16: lost demand in money, with the channel most of it is lost in.
    #[test]
    fn missing_capacity_is_said_in_money() {
        let total = (band(3.1e6, 4.0e6, 5.0e6), band(0.62e6, 0.81e6, 1.02e6));
        let r = losing(Some(total), &[("inside", band(2.5e6, 3.1e6, 3.9e6)), ("partners", stat(0.9e6))]);
        assert_eq!(
            lost_sentence(&r).unwrap(),
            "Missing capacity loses 1,500 opportunities at the median (P10 1,100 – P90 1,900), 10.0 % of those \
             routed. Had there been capacity for them, they would have brought USD 4.00 M of revenue (P10 3.10 M \
             – P90 5.00 M) and USD 810 k of contribution (P10 620 k – P90 1.02 M), most of it in inside team: \
             USD 3.10 M of revenue (P10 2.50 M – P90 3.90 M)."
        );
        let r = losing(Some(total), &[("inside", stat(1.5e6)), ("partners", band(1.9e6, 2.5e6, 3.0e6))]);
        assert!(
            lost_sentence(&r).unwrap().ends_with(
                "(P10 620 k – P90 1.02 M), most of it in partners team: USD 2.50 M of revenue (P10 1.90 M – P90 \
                 3.00 M)."
            ),
            "{r:?}"
        );
        let r = losing(Some(total), &[("inside", stat(1.5e6)), ("partners", stat(1.0e6)), ("web", stat(1.5e6 + 1.0))]);
        assert!(
            lost_sentence(&r)
                .unwrap()
                .ends_with("the largest part in web team: USD 1.50 M of revenue (P10 1.50 M – P90 1.50 M).")
        );
        // One channel loses it all: no second set of the same figures.
        let r = losing(Some(total), &[("inside", total.0), ("partners", stat(0.0))]);
        assert!(lost_sentence(&r).unwrap().ends_with("(P10 620 k – P90 1.02 M), all of it in inside team."));
        // A lost contribution below zero reads with its minus.
        let r = losing(Some((total.0, band(-90e3, -40e3, 10e3))), &[("inside", total.0)]);
        assert!(lost_sentence(&r).unwrap().contains("and −USD 40.0 k of contribution (P10 −90.0 k – P90 10.0 k)"));
    }

    /// Lost revenue of 0.5 % of the revenue or less is said as small; results
    /// without it (older files) keep the sentence on opportunities alone, and
    /// a median that loses nothing says nothing.
    #[test]
    fn small_or_unknown_losses_say_so() {
        let small = (band(60e3, 100e3, 150e3), band(10e3, 20e3, 30e3));
        let r = losing(Some(small), &[("inside", band(60e3, 100e3, 150e3))]);
        assert_eq!(
            lost_sentence(&r).unwrap(),
            "Missing capacity loses 1,500 opportunities at the median (P10 1,100 – P90 1,900), 10.0 % of those \
             routed. At their hit rates and deal sizes they would have brought USD 100 k of revenue (P10 60.0 k – \
             P90 150 k), less than 0.5 % of the median revenue."
        );
        let r = losing(None, &[("inside", stat(0.0))]);
        assert_eq!(
            lost_sentence(&r).unwrap(),
            "Missing capacity loses 1,500 opportunities at the median (P10 1,100 – P90 1,900), 10.0 % of those \
             routed."
        );
        let mut r = losing(Some((stat(0.0), stat(0.0))), &[("inside", stat(0.0))]);
        r.totals.lost_to_capacity = band(0.0, 0.0, 12.0);
        assert_eq!(lost_sentence(&r), None);
    }

    #[test]
    fn negative_money_has_a_minus_before_the_currency() {
        assert_eq!(money(-153_000.0, "EUR"), "−EUR 153 k");
        assert_eq!(money(2_090_000.0, "EUR"), "EUR 2.09 M");
    }
}
