//! `compare.csv`, `compare.json` and the terminal table of `chancap compare`.
//!
//! `compare.csv` is long: one row per scenario × figure with its value and its
//! difference to the first scenario's value of the same figure; the paired
//! differences (iteration by iteration, common random numbers) and the
//! probability of beating the first are figures of their own
//! (`contribution_paired_difference_mean`, …, `p_beats_first`).

use super::format::{Unit, money_compact, pct, spread};
use crate::analysis::compare::Comparison;
use crate::results::{Band, KeyFigures};

/// Every figure of a scenario, flat, including its comparison with the first.
fn figures(c: &Comparison, i: usize) -> Vec<(String, Option<f64>)> {
    let e = &c.scenarios[i];
    let mut out = e.figures.columns();
    if let Some(v) = &e.versus_first {
        let band = |out: &mut Vec<(String, Option<f64>)>, name: &str, b: &Band| {
            for (stat, x) in [("mean", b.mean), ("p10", b.p10), ("p50", b.p50), ("p90", b.p90)] {
                out.push((format!("{name}_paired_difference_{stat}"), Some(x)));
            }
        };
        band(&mut out, "revenue", &v.revenue_difference);
        band(&mut out, "contribution", &v.contribution_difference);
        out.push(("contribution_paired_difference_se".into(), Some(v.contribution_difference_se)));
        out.push(("p_beats_first".into(), Some(v.p_beats_first)));
    }
    out
}

/// `compare.csv`: scenario, file, metric, value, difference_to_first.
pub fn csv(c: &Comparison) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["scenario", "file", "metric", "value", "difference_to_first"]).expect("in memory");
    let first = figures(c, 0);
    let f = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    for (i, e) in c.scenarios.iter().enumerate() {
        for (name, value) in figures(c, i) {
            let base = first.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v);
            let diff = match (value, base) {
                (Some(v), Some(b)) if !name.contains("paired") && name != "p_beats_first" => Some(v - b),
                _ => None,
            };
            w.write_record([e.name.clone(), e.file.clone(), name, f(value), f(diff)]).expect("in memory");
        }
    }
    super::csv::finish(w)
}

/// `compare.json`, pretty-printed, ending in a newline.
pub fn json(c: &Comparison) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(c).expect("comparison serialises");
    bytes.push(b'\n');
    bytes
}

fn band_text(b: &Band, unit: Unit) -> String {
    let s = crate::results::Stat {
        mean: b.mean,
        sd: 0.0,
        se: 0.0,
        p5: 0.0,
        p10: b.p10,
        p50: b.p50,
        p90: b.p90,
        p95: 0.0,
        min: 0.0,
        max: 0.0,
    };
    spread(&s, unit)
}

fn signed_money(x: f64) -> String {
    if x >= 0.0 { format!("+{}", money_compact(x)) } else { format!("−{}", money_compact(-x)) }
}

/// The side-by-side table: key figures per scenario, the paired difference of
/// contribution to the first and the probability of beating it.
pub fn table(c: &Comparison) -> super::table::Section {
    let cur = &c.currency;
    let mut header: Vec<String> = vec!["Figure — median (P10–P90)".into()];
    header.extend(c.scenarios.iter().map(|e| e.name.clone()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let row = |label: String, f: &dyn Fn(&KeyFigures, usize) -> String| -> Vec<String> {
        let mut r = vec![label];
        r.extend(c.scenarios.iter().enumerate().map(|(i, e)| f(&e.figures, i)));
        r
    };
    rows.push(row(format!("Revenue ({cur})"), &|k, _| band_text(&k.revenue, Unit::Money)));
    rows.push(row(
        format!("Revenue vs first, paired, mean ± 95 % ({cur})"),
        &|_, i| match &c.scenarios[i].versus_first {
            None => "(first)".into(),
            Some(v) => format!(
                "{} ± {}",
                signed_money(v.revenue_difference.mean),
                money_compact(1.96 * v.revenue_difference_se)
            ),
        },
    ));
    rows.push(row(format!("Contribution ({cur})"), &|k, _| band_text(&k.contribution, Unit::Money)));
    rows.push(row(format!("Contribution vs first, paired, mean ± 95 % ({cur})"), &|_, i| match &c.scenarios[i]
        .versus_first
    {
        None => "(first)".into(),
        Some(v) => format!(
            "{} ± {}",
            signed_money(v.contribution_difference.mean),
            money_compact(1.96 * v.contribution_difference_se)
        ),
    }));
    rows.push(row(format!("Contribution vs first, paired, P10–P90 ({cur})"), &|_, i| {
        c.scenarios[i].versus_first.as_ref().map_or("".into(), |v| {
            format!("{} – {}", signed_money(v.contribution_difference.p10), signed_money(v.contribution_difference.p90))
        })
    }));
    rows.push(row("P(beats first on contribution)".into(), &|_, i| {
        c.scenarios[i].versus_first.as_ref().map_or("".into(), |v| pct(v.p_beats_first))
    }));
    let metrics = distinct(c.scenarios.iter().flat_map(|e| e.figures.targets.iter().map(|t| &t.metric)));
    for m in metrics {
        rows.push(row(format!("P({m} ≥ target)"), &|k, _| {
            k.targets.iter().find(|t| t.metric == m).map_or("–".into(), |t| pct(t.probability))
        }));
    }
    let channels = distinct(c.scenarios.iter().flat_map(|e| e.figures.channels.iter().map(|x| &x.channel)));
    for ch in channels {
        let find = |k: &KeyFigures| k.channels.iter().find(|x| x.channel == ch).cloned();
        if c.scenarios.iter().all(|e| find(&e.figures).is_none_or(|x| x.p_shortfall.is_none())) {
            continue;
        }
        rows.push(row(format!("{ch}: utilisation"), &|k, _| {
            find(k).and_then(|x| x.utilization).map_or("–".into(), |b| band_text(&b, Unit::Percent))
        }));
        if c.scenarios.iter().any(|e| find(&e.figures).is_some_and(|x| x.required_fte.is_some())) {
            rows.push(row(format!("{ch}: required FTE"), &|k, _| {
                find(k).and_then(|x| x.required_fte).map_or("–".into(), |b| band_text(&b, Unit::Quantity))
            }));
        }
        rows.push(row(format!("{ch}: P(shortfall)"), &|k, _| {
            find(k).and_then(|x| x.p_shortfall).map_or("–".into(), pct)
        }));
    }
    super::table::Section {
        title: format!(
            "{} scenarios, {} iterations each, seed {} (common random numbers)",
            c.scenarios.len(),
            super::format::count(c.iterations as f64),
            c.seed
        ),
        header,
        rows,
        numeric_from: 1,
        empty: String::new(),
    }
}

/// The names in order of first appearance, each once.
fn distinct<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}
