//! `cells.csv` and `capacity.csv`.
//!
//! `cells.csv` has one row per segment × channel × metric with the Stat columns.
//! `capacity.csv` has one row per channel × period. Empty fields stand for figures
//! that are not defined (a hit rate with nothing served, FTE of a reseller).

use crate::results::Stat;
use crate::results::{Metrics, Results};

const STAT_COLUMNS: [&str; 10] = ["mean", "sd", "se", "p5", "p10", "p50", "p90", "p95", "min", "max"];

fn stat_fields(s: Option<&Stat>) -> Vec<String> {
    match s {
        Some(s) => {
            [s.mean, s.sd, s.se, s.p5, s.p10, s.p50, s.p90, s.p95, s.min, s.max].iter().map(|x| x.to_string()).collect()
        }
        None => vec![String::new(); STAT_COLUMNS.len()],
    }
}

/// The metrics of a cell, segment or channel in output order, with their names.
pub fn metric_rows(m: &Metrics) -> [(&'static str, Option<&Stat>); 12] {
    [
        ("opportunities", Some(&m.opportunities)),
        ("served", Some(&m.served)),
        ("lost_to_capacity", Some(&m.lost_to_capacity)),
        ("wins", Some(&m.wins)),
        ("hit_rate", m.hit_rate.as_ref()),
        ("revenue", Some(&m.revenue)),
        ("gross_margin", Some(&m.gross_margin)),
        ("channel_cost", Some(&m.channel_cost)),
        ("contribution", Some(&m.contribution)),
        ("lost_revenue", m.lost_revenue.as_ref()),
        ("lost_contribution", m.lost_contribution.as_ref()),
        ("cost_to_serve", m.cost_to_serve.as_ref()),
    ]
}

/// The bytes of a CSV file written to memory, ready for Excel: a file whose
/// text is all ASCII (ids, numbers: the usual case) stays plain, and one with
/// other characters (labels such as "Müller & Söhne", "≥") starts with the
/// UTF-8 byte-order mark, without which Excel reads UTF-8 as mojibake.
pub fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    if bytes.is_ascii() { bytes } else { [&b"\xEF\xBB\xBF"[..], &bytes].concat() }
}

/// `cells.csv`: segment, channel, metric, then the Stat columns.
pub fn cells(results: &Results) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["segment", "channel", "metric"];
    header.extend(STAT_COLUMNS);
    w.write_record(&header).expect("in memory");
    for cell in &results.cells {
        for (name, stat) in metric_rows(&cell.metrics) {
            let mut row = vec![cell.segment.clone(), cell.channel.clone(), name.to_string()];
            row.extend(stat_fields(stat));
            w.write_record(&row).expect("in memory");
        }
    }
    finish(w)
}

/// `capacity.csv`: one row per channel and period.
pub fn capacity(results: &Results) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "channel",
        "kind",
        "unit",
        "period",
        "required_mean",
        "required_p10",
        "required_p50",
        "required_p90",
        "available_mean",
        "available_p10",
        "available_p50",
        "available_p90",
        "utilization_p10",
        "utilization_p50",
        "utilization_p90",
        "shortfall_mean",
        "shortfall_p90",
        "required_fte_p50",
        "available_fte_p50",
        "p_shortfall",
    ])
    .expect("in memory");
    let f = |x: f64| x.to_string();
    let opt = |s: Option<&Stat>, pick: fn(&Stat) -> f64| s.map_or(String::new(), |s| pick(s).to_string());
    for ch in &results.channels {
        let Some(cap) = &ch.capacity else { continue };
        for p in &cap.periods {
            w.write_record([
                ch.channel.clone(),
                ch.kind.clone(),
                cap.unit.clone(),
                p.period.to_string(),
                f(p.required.mean),
                f(p.required.p10),
                f(p.required.p50),
                f(p.required.p90),
                f(p.available.mean),
                f(p.available.p10),
                f(p.available.p50),
                f(p.available.p90),
                opt(p.utilization.as_ref(), |s| s.p10),
                opt(p.utilization.as_ref(), |s| s.p50),
                opt(p.utilization.as_ref(), |s| s.p90),
                f(p.shortfall.mean),
                f(p.shortfall.p90),
                opt(p.required_fte.as_ref(), |s| s.p50),
                opt(p.available_fte.as_ref(), |s| s.p50),
                f(p.p_shortfall),
            ])
            .expect("in memory");
        }
    }
    finish(w)
}

#[cfg(test)]
mod excel_tests {
    use super::finish;

    fn written(rows: &[[&str; 2]]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        rows.iter().for_each(|r| w.write_record(r).unwrap());
        finish(w)
    }

    /// ASCII stays plain; other text gets the byte-order mark Excel needs,
    /// once, and the rest of the bytes unchanged.
    #[test]
    fn non_ascii_csv_starts_with_the_utf8_byte_order_mark() {
        assert_eq!(written(&[["segment", "p50"], ["key", "1.5"]]), b"segment,p50\nkey,1.5\n");
        let text = written(&[["segment", "p50"], ["Müller & Söhne", "≥ 125 %"]]);
        assert_eq!(&text[..3], b"\xEF\xBB\xBF");
        assert_eq!(std::str::from_utf8(&text[3..]).unwrap(), "segment,p50\nMüller & Söhne,≥ 125 %\n");
    }
}
