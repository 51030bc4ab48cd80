//! `sensitivity-METRIC.csv`, `sensitivity-METRIC.json` and the terminal tornado
//! table.

use super::format::{count, money_compact, plain};
use super::table::Section;
use crate::analysis::sensitivity::Sensitivity;

/// A metric value in its unit.
fn value(s: &Sensitivity, x: f64) -> String {
    match s.unit.as_str() {
        "FTE" => format!("{x:.2}"),
        "hours" | "opportunities" | "orders" => count(x),
        _ => money_compact(x),
    }
}

/// An input's value as the file would write it (shares as they are).
fn input_value(x: f64) -> String {
    if x.abs() >= 1000.0 {
        return count(x);
    }
    // Four significant digits.
    let digits = if x == 0.0 { 0 } else { (3 - x.abs().log10().floor() as i32).max(0) };
    let scale = 10f64.powi(digits);
    plain((x * scale).round() / scale)
}

/// The tornado as a table, largest swing first.
pub fn table(s: &Sensitivity) -> Section {
    let unit = &s.unit;
    let mut t = Section {
        title: format!(
            "Sensitivity of {} ({unit}; mean {}): each input held at its P10 and P90 while the others vary, {} iterations per run, seed {}",
            s.metric,
            value(s, s.base_mean),
            count(s.iterations as f64),
            s.seed
        ),
        header: [
            "Input",
            "Distribution",
            "P10 → P90",
            "Mean at P10",
            "Mean at P90",
            "Swing",
            "Rank corr.",
            "Share of variance",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows: Vec::new(),
        numeric_from: 2,
        empty: "The scenario has no uncertain input.".into(),
    };
    for e in &s.inputs {
        t.rows.push(vec![
            e.input.clone(),
            e.distribution.clone(),
            format!("{} → {}", input_value(e.p10), input_value(e.p90)),
            value(s, e.metric_at_p10),
            value(s, e.metric_at_p90),
            value(s, e.swing),
            format!("{:+.2}", e.rank_correlation),
            format!("{:.1} %", e.variance_share * 100.0),
        ]);
    }
    t
}

/// The file name of a metric's analysis with extension `ext`:
/// `sensitivity-contribution.json`, `sensitivity-direct_required_fte.csv`:
/// named like the metric's tornado chart (`tornado-direct_required_fte.png`).
pub fn file_name(metric: &str, ext: &str) -> String {
    let safe: String =
        metric.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') { c } else { '_' }).collect();
    format!("sensitivity-{safe}.{ext}")
}

/// `sensitivity-METRIC.csv` and `sensitivity-METRIC.json`.
pub fn files(s: &Sensitivity) -> Vec<(String, Vec<u8>)> {
    vec![(file_name(&s.metric, "csv"), csv(s)), (file_name(&s.metric, "json"), json(s))]
}

/// Reads a `sensitivity-METRIC.json` back.
pub fn parse(bytes: &[u8]) -> Result<Sensitivity, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// `sensitivity-METRIC.csv`: one row per input, largest swing first.
pub fn csv(s: &Sensitivity) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "input",
        "distribution",
        "p10",
        "p90",
        "metric_at_p10",
        "metric_at_p90",
        "swing",
        "rank_correlation",
        "variance_share",
    ])
    .expect("in memory");
    for e in &s.inputs {
        w.write_record([
            s.metric.clone(),
            e.input.clone(),
            e.distribution.clone(),
            e.p10.to_string(),
            e.p90.to_string(),
            e.metric_at_p10.to_string(),
            e.metric_at_p90.to_string(),
            e.swing.to_string(),
            e.rank_correlation.to_string(),
            e.variance_share.to_string(),
        ])
        .expect("in memory");
    }
    super::csv::finish(w)
}

/// `sensitivity-METRIC.json`, pretty-printed, ending in a newline.
pub fn json(s: &Sensitivity) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(s).expect("sensitivity serialises");
    bytes.push(b'\n');
    bytes
}
