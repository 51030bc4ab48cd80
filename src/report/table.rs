//! The tables of a run: what a strategist reads first, in the terminal and in the
//! HTML report alike.
//!
//! [`sections`] builds the tables once — totals with P10 / P50 / P90 and the
//! precision of the mean, the probability of each target, the service concept
//! (segment × channel), the channels, capacity per channel and the periods in
//! which a channel is likely to be short — and [`report`] sets them for the
//! terminal; the HTML report sets the same sections as HTML tables.

use super::format::{Unit, count, money, money_compact, pct, spread};
use crate::results::Results;
use crate::results::Stat;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// A period is singled out as short when P(shortfall) reaches this.
pub const SHORT_PERIOD_THRESHOLD: f64 = 0.10;

/// Rules above, below and under the header; no lines between rows.
const PRESET: &str = "  ── ──      ──    ";

/// One table of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The line above the table; empty for none.
    pub title: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells, already formatted.
    pub rows: Vec<Vec<String>>,
    /// Columns from this one on are numbers (right-aligned).
    pub numeric_from: usize,
    /// What to say instead of the table when it has no rows.
    pub empty: String,
}

impl Section {
    /// An empty table with its title, headings and first numeric column.
    pub fn new(title: impl Into<String>, header: &[&str], numeric_from: usize) -> Section {
        Section {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            numeric_from,
            empty: String::new(),
        }
    }

    /// The section as a terminal table.
    pub fn terminal(&self) -> String {
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&format!("\n{}\n", self.title));
        }
        if self.rows.is_empty() {
            out.push_str(&format!("{}\n", self.empty));
            return out;
        }
        let mut t = Table::new();
        t.load_preset(PRESET).set_content_arrangement(ContentArrangement::Disabled).set_header(&self.header);
        for row in &self.rows {
            t.add_row(row);
        }
        for i in self.numeric_from..t.column_count() {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        out.push_str(&format!("{t}\n"));
        out
    }
}

/// The label of a segment by its name.
pub fn segment_label<'a>(results: &'a Results, name: &'a str) -> &'a str {
    results.segments.iter().find(|s| s.segment == name).map_or(name, |s| s.label.as_str())
}

/// `months`, `quarters` or `weeks`.
pub fn period_word(results: &Results) -> &str {
    match results.scenario.period.as_str() {
        "quarter" => "quarters",
        "week" => "weeks",
        _ => "months",
    }
}

/// The header line: file, iterations, seed, horizon, currency and `note`.
pub fn run_line(results: &Results, note: &str) -> String {
    let info = &results.scenario;
    format!(
        "{} · {} iterations{} · seed {} · {} {} · {}{}",
        info.file,
        count(info.iterations as f64),
        if info.sampling == "lhs" { " (Latin hypercube)" } else { "" },
        info.seed,
        info.periods,
        period_word(results),
        info.currency,
        if note.is_empty() { String::new() } else { format!(" · {note}") }
    )
}

/// The whole terminal report. `engine_note` (timing, threads) goes under the title.
pub fn report(results: &Results, engine_note: &str) -> String {
    let mut out = format!("{}\n{}\n\n", results.scenario.name, run_line(results, engine_note));
    for (i, section) in sections(results).iter().enumerate() {
        let text = section.terminal();
        out.push_str(if i == 0 { text.trim_start_matches('\n') } else { &text });
    }
    if results.scenario.sampling == "lhs" {
        out.push_str(&textwrap::fill(LHS_MARGINS, 80));
        out.push('\n');
    }
    out
}

/// What the ± 95 % margins of a Latin hypercube run are.
pub const LHS_MARGINS: &str = "Latin hypercube sampling: the ± 95 % margins are those of plain Monte Carlo \
     sampling, an upper bound; the true error of these means is smaller (on the reference scenario about \
     half).";

/// The tables of the report, in reading order.
pub fn sections(results: &Results) -> Vec<Section> {
    let mut out = totals(results);
    out.push(service_concept(results));
    out.push(segments(results));
    out.push(channels(results));
    out.extend(capacity(results));
    out
}

/// Totals over the horizon, and the targets' probabilities if any.
fn totals(results: &Results) -> Vec<Section> {
    let cur = results.scenario.currency.as_str();
    let mut out = Vec::new();
    let tot = &results.totals;
    let mut t = Section::new("", &["Totals over the horizon", "P10", "P50", "P90", "mean ± 95 %"], 1);
    let money_row = |name: String, s: &Stat| {
        vec![
            name,
            money_compact(s.p10),
            money_compact(s.p50),
            money_compact(s.p90),
            format!("{} ± {}", money_compact(s.mean), money_compact(s.ci95())),
        ]
    };
    let count_row = |name: &str, s: &Stat| {
        vec![
            name.to_string(),
            count(s.p10),
            count(s.p50),
            count(s.p90),
            format!("{} ± {}", count(s.mean), count(s.ci95())),
        ]
    };
    t.rows.push(money_row(format!("Revenue ({cur})"), &tot.revenue));
    t.rows.push(money_row(format!("Gross margin ({cur})"), &tot.gross_margin));
    t.rows.push(money_row(format!("Channel cost ({cur})"), &tot.channel_cost));
    t.rows.push(money_row(format!("Contribution ({cur})"), &tot.contribution));
    t.rows.push(count_row("Opportunities routed", &tot.opportunities));
    t.rows.push(count_row("Opportunities uncovered", &tot.uncovered));
    t.rows.push(count_row("Served", &tot.served));
    t.rows.push(count_row("Lost to capacity", &tot.lost_to_capacity));
    t.rows.push(count_row("Wins", &tot.wins));
    out.push(t);

    if !results.targets.is_empty() {
        let mut t = Section::new("Targets over the horizon", &["Metric", "Target", "Probability of reaching it"], 1);
        for target in &results.targets {
            t.rows.push(vec![
                target.metric.clone(),
                format!("≥ {}", money(target.value, cur)),
                pct(target.probability),
            ]);
        }
        out.push(t);
    }
    out
}

/// The service concept: one row per segment × channel.
fn service_concept(results: &Results) -> Section {
    let cur = results.scenario.currency.as_str();
    let mut t = Section::new(
        format!("Service concept: segment × channel — median (P10–P90), money in {cur}"),
        &["Segment", "Channel", "Opportunities", "Hit rate", "Wins", "Revenue", "Contribution", "Cost-to-serve"],
        2,
    );
    for cell in &results.cells {
        let m = &cell.metrics;
        t.rows.push(vec![
            segment_label(results, &cell.segment).to_string(),
            cell.channel.clone(),
            spread(&m.opportunities, Unit::Count),
            m.hit_rate.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
            spread(&m.wins, Unit::Count),
            spread(&m.revenue, Unit::Money),
            spread(&m.contribution, Unit::Money),
            m.cost_to_serve.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
        ]);
    }
    t
}

/// Segments: money, cost-to-serve and uncovered demand.
fn segments(results: &Results) -> Section {
    let cur = results.scenario.currency.as_str();
    let mut t = Section::new(
        format!("Segments — median (P10–P90), money in {cur}"),
        &["Segment", "Revenue", "Contribution", "Cost-to-serve", "Uncovered opportunities"],
        1,
    );
    for seg in &results.segments {
        let m = &seg.metrics;
        t.rows.push(vec![
            seg.label.clone(),
            spread(&m.revenue, Unit::Money),
            spread(&m.contribution, Unit::Money),
            m.cost_to_serve.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
            spread(&seg.uncovered, Unit::Count),
        ]);
    }
    t
}

/// Channels: money.
fn channels(results: &Results) -> Section {
    let cur = results.scenario.currency.as_str();
    let show_unallocated = results.channels.iter().any(|c| c.unallocated_cost.max > 0.0);
    let mut header = vec!["Channel", "Kind", "Revenue", "Channel cost", "Contribution", "Cost-to-serve"];
    if show_unallocated {
        header.push("Unallocated fixed cost");
    }
    let mut t = Section::new(format!("Channels — median (P10–P90), money in {cur}"), &header, 2);
    for ch in &results.channels {
        let m = &ch.metrics;
        let mut row = vec![
            ch.channel.clone(),
            ch.kind.clone(),
            spread(&m.revenue, Unit::Money),
            spread(&m.channel_cost, Unit::Money),
            spread(&m.contribution, Unit::Money),
            m.cost_to_serve.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
        ];
        if show_unallocated {
            row.push(spread(&ch.unallocated_cost, Unit::Money));
        }
        t.rows.push(row);
    }
    t
}

/// Capacity over the horizon per channel, and the periods at risk of a shortfall.
fn capacity(results: &Results) -> [Section; 2] {
    let mut t = Section::new(
        "Capacity over the horizon — median (P10–P90)",
        &[
            "Channel",
            "Unit",
            "Required",
            "Available",
            "Required FTE",
            "Available FTE",
            "Utilisation",
            "Shortfall",
            "P(shortfall)",
        ],
        2,
    );
    let mut risk = Section::new(
        format!(
            "Periods at risk: P(shortfall) ≥ {}; shortfall in extra FTE for people channels",
            pct(SHORT_PERIOD_THRESHOLD)
        ),
        &["Channel", "Period", "P(shortfall)", "Utilisation", "Shortfall P50", "Shortfall P90", "Unit"],
        1,
    );
    risk.empty = format!("No channel has a period with P(shortfall) ≥ {}.", pct(SHORT_PERIOD_THRESHOLD));
    for ch in &results.channels {
        let Some(cap) = &ch.capacity else {
            t.rows.push(vec![ch.channel.clone(), "orders".into(), "unlimited".into()]);
            continue;
        };
        t.rows.push(vec![
            ch.channel.clone(),
            cap.unit.clone(),
            spread(&cap.required, Unit::Quantity),
            spread(&cap.available, Unit::Quantity),
            cap.required_fte.as_ref().map_or("–".into(), |s| spread(s, Unit::Quantity)),
            cap.available_fte.as_ref().map_or("–".into(), |s| spread(s, Unit::Quantity)),
            cap.utilization.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
            spread(&cap.shortfall, Unit::Quantity),
            pct(cap.p_shortfall),
        ]);
        for p in cap.periods.iter().filter(|p| p.p_shortfall >= SHORT_PERIOD_THRESHOLD) {
            let (gap, unit) = match &p.shortfall_fte {
                Some(fte) => (fte, "FTE"),
                None => (&p.shortfall, cap.unit.as_str()),
            };
            risk.rows.push(vec![
                ch.channel.clone(),
                p.period.to_string(),
                pct(p.p_shortfall),
                p.utilization.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
                format!("{:.1}", gap.p50),
                format!("{:.1}", gap.p90),
                unit.to_string(),
            ]);
        }
    }
    [t, risk]
}
