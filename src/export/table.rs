//! The terminal report: what a strategist reads first.
//!
//! Totals with P10 / P50 / P90 and the precision of the mean, the probability of
//! each target, the service concept (segment × channel), capacity per channel and
//! the periods in which a channel is likely to be short.

use super::format::{Unit, count, money, money_compact, pct, spread};
use crate::results::Results;
use crate::stats::Stat;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// A period is singled out as short when P(shortfall) reaches this.
pub const SHORT_PERIOD_THRESHOLD: f64 = 0.10;

/// Rules above, below and under the header; no lines between rows.
const PRESET: &str = "  ── ──      ──    ";

fn table(header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.load_preset(PRESET).set_content_arrangement(ContentArrangement::Disabled).set_header(header);
    t
}

fn align_right_from(t: &mut Table, first: usize) {
    let n = t.column_count();
    for i in first..n {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn segment_label<'a>(results: &'a Results, name: &'a str) -> &'a str {
    results.segments.iter().find(|s| s.segment == name).map_or(name, |s| s.label.as_str())
}

fn period_word(results: &Results) -> &str {
    match results.scenario.period.as_str() {
        "quarter" => "quarters",
        "week" => "weeks",
        _ => "months",
    }
}

/// The whole terminal report. `engine_note` (timing, threads) goes under the title.
pub fn report(results: &Results, engine_note: &str) -> String {
    let cur = results.scenario.currency.as_str();
    let info = &results.scenario;
    let mut out = String::new();
    out.push_str(&format!("{}\n", info.name));
    out.push_str(&format!(
        "{} · {} iterations · seed {} · {} {} · {}{}\n\n",
        info.file,
        count(info.iterations as f64),
        info.seed,
        info.periods,
        period_word(results),
        cur,
        if engine_note.is_empty() { String::new() } else { format!(" · {engine_note}") }
    ));

    // Totals.
    let tot = &results.totals;
    let mut t = table(vec!["Totals over the horizon", "P10", "P50", "P90", "mean ± 95 %"]);
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
    t.add_row(money_row(format!("Revenue ({cur})"), &tot.revenue));
    t.add_row(money_row(format!("Gross margin ({cur})"), &tot.gross_margin));
    t.add_row(money_row(format!("Channel cost ({cur})"), &tot.channel_cost));
    t.add_row(money_row(format!("Contribution ({cur})"), &tot.contribution));
    t.add_row(count_row("Opportunities routed", &tot.opportunities));
    t.add_row(count_row("Opportunities uncovered", &tot.uncovered));
    t.add_row(count_row("Served", &tot.served));
    t.add_row(count_row("Lost to capacity", &tot.lost_to_capacity));
    t.add_row(count_row("Wins", &tot.wins));
    align_right_from(&mut t, 1);
    out.push_str(&format!("{t}\n"));

    if !results.targets.is_empty() {
        out.push_str("\nTargets over the horizon\n");
        for target in &results.targets {
            out.push_str(&format!(
                "  {:<14} ≥ {:<20} probability {}\n",
                target.metric,
                money(target.value, cur),
                pct(target.probability)
            ));
        }
    }

    // Service concept.
    out.push_str(&format!("\nService concept: segment × channel — median (P10–P90), money in {cur}\n"));
    let mut t = table(vec![
        "Segment",
        "Channel",
        "Opportunities",
        "Hit rate",
        "Wins",
        "Revenue",
        "Contribution",
        "Cost-to-serve",
    ]);
    for cell in &results.cells {
        let m = &cell.metrics;
        t.add_row(vec![
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
    align_right_from(&mut t, 2);
    out.push_str(&format!("{t}\n"));

    // Channels: money.
    out.push_str(&format!("\nChannels — median (P10–P90), money in {cur}\n"));
    let show_unallocated = results.channels.iter().any(|c| c.unallocated_cost.max > 0.0);
    let mut header = vec!["Channel", "Kind", "Revenue", "Channel cost", "Contribution", "Cost-to-serve"];
    if show_unallocated {
        header.push("Unallocated fixed cost");
    }
    let mut t = table(header);
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
        t.add_row(row);
    }
    align_right_from(&mut t, 2);
    out.push_str(&format!("{t}\n"));

    // Capacity.
    out.push_str("\nCapacity over the horizon — median (P10–P90)\n");
    let mut t = table(vec![
        "Channel",
        "Unit",
        "Required",
        "Available",
        "Required FTE",
        "Available FTE",
        "Utilisation",
        "Shortfall",
        "P(shortfall)",
    ]);
    let mut risk =
        table(vec!["Channel", "Period", "P(shortfall)", "Utilisation", "Shortfall P50", "Shortfall P90", "Unit"]);
    let mut any_risk = false;
    for ch in &results.channels {
        let Some(cap) = &ch.capacity else {
            t.add_row(vec![ch.channel.clone(), "orders".into(), "unlimited".into()]);
            continue;
        };
        t.add_row(vec![
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
            any_risk = true;
            let (gap, unit) = match &p.shortfall_fte {
                Some(fte) => (fte, "FTE"),
                None => (&p.shortfall, cap.unit.as_str()),
            };
            risk.add_row(vec![
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
    align_right_from(&mut t, 2);
    out.push_str(&format!("{t}\n"));
    if any_risk {
        out.push_str(&format!(
            "\nPeriods at risk: P(shortfall) ≥ {}; shortfall in extra FTE for people channels\n",
            pct(SHORT_PERIOD_THRESHOLD)
        ));
        align_right_from(&mut risk, 1);
        out.push_str(&format!("{risk}\n"));
    } else {
        out.push_str(&format!("\nNo channel has a period with P(shortfall) ≥ {}.\n", pct(SHORT_PERIOD_THRESHOLD)));
    }
    out
}
