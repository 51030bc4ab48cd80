//! `sensitivity-METRIC.csv`, `sensitivity-METRIC.json` and the terminal tornado
//! table.

use super::format::{count, fixed, money_compact, pct, pct_plain, plain};
use super::labels::Labels;
use super::table::Section;
use crate::analysis::sensitivity::Sensitivity;

/// A metric value in its unit.
fn value(s: &Sensitivity, x: f64) -> String {
    match s.unit.as_str() {
        "FTE" => fixed(x, 2),
        "hours" | "opportunities" | "orders" => count(x),
        _ => money_compact(x),
    }
}

/// Whether the field a parameter path ends in is a share (a rate or growth),
/// shown in per cent.
fn is_share(path: &str) -> bool {
    use crate::model::schema::{self, Domain};
    let key = path.rsplit('.').next().unwrap_or(path);
    schema::fields_named(key).any(|f| matches!(f.domain, Domain::Rate | Domain::Growth))
}

/// An input's value: a share in per cent with three significant digits
/// (`35 %`, `4.17 %`), any other number with four.
fn input_value(path: &str, x: f64) -> String {
    if is_share(path) {
        // Three significant digits of the share, as a percentage.
        let digits = if x == 0.0 { 0 } else { (2 - (x * 100.0).abs().log10().floor() as i32).clamp(0, 2) };
        let scale = 10f64.powi(digits) * 100.0;
        return pct_plain((x * scale).round() / scale);
    }
    if x.abs() >= 1000.0 {
        return count(x);
    }
    // Four significant digits.
    let digits = if x == 0.0 { 0 } else { (3 - x.abs().log10().floor() as i32).max(0) };
    let scale = 10f64.powi(digits);
    plain((x * scale).round() / scale)
}

/// `+0.45`, `−0.12`, `0.00`.
fn signed_fixed(x: f64, decimals: usize) -> String {
    let text = fixed(x, decimals);
    if text.starts_with(super::format::MINUS) || text.trim_start_matches(['0', '.']).is_empty() {
        text
    } else {
        format!("+{text}")
    }
}

/// The tornado as a table, largest swing first, its inputs in words with
/// `labels`.
pub fn table(s: &Sensitivity, labels: &Labels) -> Section {
    let unit = &s.unit;
    let mut t = Section {
        title: format!(
            "Sensitivity of {} ({unit}; mean {}): each input held at its P10 and P90 while the others vary, {} iterations per run, seed {}",
            labels.metric(&s.metric),
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
        optional: vec![1],
    };
    for e in &s.inputs {
        t.rows.push(vec![
            labels.parameter(&e.input),
            e.distribution.clone(),
            format!("{} → {}", input_value(&e.input, e.p10), input_value(&e.input, e.p90)),
            value(s, e.metric_at_p10),
            value(s, e.metric_at_p90),
            value(s, e.swing),
            signed_fixed(e.rank_correlation, 2),
            pct(e.variance_share),
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
