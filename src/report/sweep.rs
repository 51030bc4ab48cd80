//! `sweep.csv` and `sweep.json`: one row (entry) per point, in grid order.
//!
//! `sweep.csv` has `point`, one column per swept parameter, then the key figures
//! as mean, P10, P50, P90 (revenue, contribution; per channel utilisation,
//! shortfall and required FTE), the probability of each target and of a shortfall
//! per channel. Empty fields are figures a channel does not have.

use crate::analysis::sweep::SweepOutput;

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

/// `sweep.json`, pretty-printed, ending in a newline.
pub fn json(out: &SweepOutput) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(out).expect("sweep output serialises");
    bytes.push(b'\n');
    bytes
}
