//! `sweep.csv` and `sweep.json`: one row (entry) per point, in grid order.
//!
//! `sweep.csv` has `point`, one column per swept parameter, then the key figures
//! as mean, P10, P50, P90 (revenue, contribution; per channel utilisation,
//! shortfall and required FTE), the probability of each target and of a shortfall
//! per channel. Empty fields are figures a channel does not have.

use super::format::{Unit, band, money_compact, pct, plain};
use super::labels::Labels;
use super::table::Section;
use crate::analysis::sweep::{PointResult, SweepOutput};

/// `sweep.csv`.
pub fn csv(out: &SweepOutput) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(out.parameters.iter().cloned());
    if let Some(first) = out.points.first() {
        header.extend(first.figures.columns().into_iter().map(|(name, _)| name));
    }
    w.write_record(&header).expect("in memory");
    for p in &out.points {
        let mut row = vec![p.index.to_string()];
        row.extend(p.values.iter().map(|v| v.to_string()));
        row.extend(p.figures.columns().into_iter().map(|(_, v)| v.map_or(String::new(), |x| x.to_string())));
        w.write_record(&row).expect("in memory");
    }
    super::csv::finish(w)
}

/// The best points by mean contribution, at most [`SHOWN`], as a table: the
/// point, its parameter values (headed by the parameters in words), the
/// contribution's median, P10–P90 and mean, and the probability of each target.
pub fn table(out: &SweepOutput, currency: &str, labels: &Labels) -> Section {
    let mut points: Vec<&PointResult> = out.points.iter().collect();
    points.sort_by(|a, b| {
        b.figures.contribution.mean.total_cmp(&a.figures.contribution.mean).then(a.index.cmp(&b.index))
    });
    let shown = points.len().min(SHOWN);
    let title = if shown < points.len() {
        format!("The {shown} best of {} points by mean contribution, money in {currency}", points.len())
    } else {
        format!("{} points, best mean contribution first, money in {currency}", points.len())
    };
    let mut header: Vec<String> = vec!["Point".into()];
    header.extend(out.parameters.iter().map(|p| labels.parameter(p)));
    header.push("Contribution P50 (P10–P90)".into());
    header.push("Mean".into());
    for t in out.points.first().map(|p| p.figures.targets.clone()).unwrap_or_default() {
        header.push(format!("P({} ≥ target)", t.metric));
    }
    let mut t =
        Section { title, header, rows: Vec::new(), numeric_from: 1, empty: "No points.".into(), optional: Vec::new() };
    for p in &points[..shown] {
        let f = &p.figures;
        let mut row = vec![p.index.to_string()];
        row.extend(p.values.iter().map(|v| plain(*v)));
        row.push(band(&f.contribution, Unit::Money));
        row.push(money_compact(f.contribution.mean));
        row.extend(f.targets.iter().map(|t| pct(t.probability)));
        t.rows.push(row);
    }
    t
}

/// The most points the terminal table shows.
pub const SHOWN: usize = 15;

/// `sweep.json`, pretty-printed, ending in a newline.
pub fn json(out: &SweepOutput) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(out).expect("sweep output serialises");
    bytes.push(b'\n');
    bytes
}
