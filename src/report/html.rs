//! `report.html`: one self-contained file a client can open or print to PDF.
//!
//! Inline SVG charts and inline CSS; no script, no network, no external file. The
//! page reads top-down: what was run, the key findings as sentences, the charts,
//! the tables of the terminal report, every assumption as the file states it, and
//! a short note on the method.

use super::charts::{Chart, channel_colour, hex};
use super::format::count;
use super::labels::Labels;
use super::table::{Section, period_word, run_line};
use super::{assumptions, findings, table};
use crate::analysis::sensitivity::Sensitivity;
use crate::model::Scenario;
use crate::results::Results;
use html_escape::encode_text as esc;
use std::fmt::Write;

const CSS: &str = r#"
:root { --ink: #212529; --muted: #6c757d; --rule: #dee2e6; --accent: #0072b2; --paper: #ffffff; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #f4f5f7;
  font-family: "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; line-height: 1.5; }
main { max-width: 1240px; margin: 0 auto; background: var(--paper); padding: 48px 64px 64px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 18px; margin-bottom: 28px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; color: var(--accent); margin: 0; }
h1 { font-size: 2.1rem; margin: 4px 0 8px; line-height: 1.2; }
header .meta { color: var(--muted); margin: 0; }
h2 { font-size: 1.35rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 26px 0 8px; }
ul.findings { padding-left: 1.2em; }
ul.findings li { margin: 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 8px 0 0; padding: 0; list-style: none; color: var(--muted); }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
figure { margin: 18px 0 30px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: 6px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .82rem; font-variant-numeric: tabular-nums; margin: 6px 0 18px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.runs { white-space: normal; }
td.runs span { white-space: nowrap; }
table.assumptions th { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-weight: normal; font-size: .76rem; }
p.empty, .note { color: var(--muted); }
.methods p { max-width: 820px; }
footer { margin-top: 48px; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--rule); padding-top: 10px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 11px; }
  body { background: none; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  figure, tr, .findings li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section.charts, section.assumptions, section.methods { break-before: page; page-break-before: always; }
  .table-wrap { overflow: visible; }
}
"#;

/// What the report is made of.
pub struct Report<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// Its results.
    pub results: &'a Results,
    /// Its charts ([`super::charts::all`]).
    pub charts: &'a [Chart],
    /// The date the report states, e.g. `2026-11-23`.
    pub date: &'a str,
    /// What matters most for contribution, with its tornado among `charts`.
    pub sensitivity: Option<&'a crate::analysis::sensitivity::Sensitivity>,
}

fn table_html(out: &mut String, section: &Section, class: &str) {
    if !section.title.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", esc(&section.title));
    }
    if section.rows.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", esc(&section.empty));
        return;
    }
    let _ = writeln!(out, "<div class=\"table-wrap\"><table class=\"{class}\"><thead><tr>");
    let num = |i: usize| if i >= section.numeric_from { " class=\"num\"" } else { "" };
    for (i, h) in section.header.iter().enumerate() {
        // A key such as `opportunities_per_account` may break after its underscores.
        let _ = write!(out, "<th{}>{}</th>", num(i), esc(h).replace('_', "_<wbr>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &section.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i >= section.numeric_from {
                figure_cell(out, cell);
            } else if is_distribution(cell) {
                runs_cell(out, cell, "runs");
            } else {
                let _ = write!(out, "<td>{}</td>", esc(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The runs of a figure's text that stay on one line; a wide table may break
/// its lines between them, so that it fits the page: before a bracketed range
/// (`1.21 M` above `(0.82–1.73)`), after `→` and commas, between the numbers
/// of a list (seasonality), after the family of a distribution given by its
/// range (`triangular` above `10 – 12 – 15`) and before a distribution's second
/// parameter (`sd`, `P90`, `within`). A number never parts from its unit.
fn runs(text: &str) -> Vec<String> {
    let numeric = |t: &str| t.trim_start_matches(['−', '-', '+', '(']).starts_with(|c: char| c.is_ascii_digit());
    let mut runs: Vec<String> = Vec::new();
    let mut prev: Option<&str> = None;
    for token in text.split(' ') {
        match (prev, runs.last_mut()) {
            (Some(p), Some(run))
                if !((token.starts_with('(') && numeric(token))
                    || matches!(p, "→" | "triangular" | "uniform" | "PERT" | "discrete")
                    || p.ends_with(',')
                    || (numeric(p) && numeric(token))
                    || matches!(token, "sd" | "P90" | "within")) =>
            {
                run.push(' ');
                run.push_str(token);
            }
            _ => runs.push(token.to_string()),
        }
        prev = Some(token);
    }
    runs
}

/// A figure's cell: one line, or its [`runs`] each kept whole.
fn figure_cell(out: &mut String, text: &str) {
    if runs(text).len() < 2 {
        let _ = write!(out, "<td class=\"num\">{}</td>", esc(text));
        return;
    }
    runs_cell(out, text, "num runs");
}

/// A cell of `class` whose [`runs`] each stay on one line.
fn runs_cell(out: &mut String, text: &str, class: &str) {
    let _ = write!(out, "<td class=\"{class}\">");
    for (i, run) in runs(text).iter().enumerate() {
        let _ = write!(out, "{}<span>{}</span>", if i == 0 { "" } else { " " }, esc(run));
    }
    out.push_str("</td>");
}

/// Whether a text cell is a distribution as [`Dist`](crate::model::dist::Dist)
/// writes it (`triangular 0.3 – 0.45 – 0.6`, `beta mean 0.35 sd 0.05`): a
/// family's name, then a number or a parameter. It then breaks only between
/// whole parameters, never inside a number or a range.
fn is_distribution(text: &str) -> bool {
    let mut words = text.split(' ');
    let family = words.next().is_some_and(|w| crate::model::schema::Family::parse(&w.to_lowercase()).is_some());
    let numeric = |w: &str| w.trim_start_matches(['−', '-']).starts_with(|c: char| c.is_ascii_digit());
    family && words.next().is_some_and(|w| numeric(w) || matches!(w, "mean" | "median"))
}

/// A caption per chart: what it shows and how to read it; `futures` names the
/// iterations (`simulated years`, `simulated 18-month plans`).
fn caption(chart: &Chart, futures: &str) -> String {
    let text = match chart.name.as_str() {
        n if n.starts_with("capacity-") => {
            "Required capacity (P50 line inside its P10–P90 band) against available capacity per period; \
             shaded periods are short in at least half of the FUTURES."
        }
        "utilisation" => {
            "Median utilisation (required ÷ available) per channel and period; the number in each cell is the \
             probability that the period is short."
        }
        "service-concept" => {
            "Each segment × channel pair of the service concept: colour and first line the median contribution, \
             then the median hit rate and cost-to-serve; blank cells are pairs the plan does not use."
        }
        "outcomes" => {
            "Distribution of revenue and contribution over the FUTURES, with P10, P50, P90 and the \
             target with its probability of being reached."
        }
        "margin-bridge" => "From revenue to contribution: product cost and each channel's cost, at their medians.",
        "cost-to-serve" => {
            "Channel cost as a share of revenue per segment: bar at the median, whisker from P10 to P90; dots \
             show each serving channel's own cost-to-serve in the segment."
        }
        "convergence" => {
            "How the estimate of each mean settles as iterations are added: the line is the running mean, the \
             band its 95 % margin of simulation error."
        }
        n if n.starts_with("tornado-") => {
            "Each uncertain input held at its P10 (light) and at its P90 (dark) while every other input varies: \
             the longer the bar, the more the assumption matters."
        }
        _ => "",
    };
    text.replace("FUTURES", futures)
}

/// The whole report as HTML text.
pub fn html(report: &Report<'_>) -> String {
    let r = report.results;
    let s = report.scenario;
    let info = &r.scenario;
    let mut out = String::with_capacity(512 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — channel coverage and capacity</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&info.name)
    );
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">Channel coverage and capacity plan</p>\n<h1>{}</h1>\n\
         <p class=\"meta\">{} · {} · {} iterations · seed {} · {} {} · money in {}</p>\n</header>\n",
        esc(&info.name),
        esc(report.date),
        esc(&info.file),
        count(info.iterations as f64),
        info.seed,
        info.periods,
        period_word(r),
        esc(&info.currency)
    );
    findings_html(&mut out, r);
    charts_html(&mut out, report.charts, &findings::simulated(r));
    if let Some(sens) = report.sensitivity {
        sensitivity_html(&mut out, sens, &Labels::of(r));
    }
    tables_html(&mut out, r, s);
    method_html(&mut out, r, s);
    let _ = write!(
        out,
        "<footer>Made with chancap {} on {}. Scenario file: {}.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(report.date),
        esc(&s.origin)
    );
    out
}

/// Key findings and the channels' colours.
fn findings_html(out: &mut String, r: &Results) {
    let labels = Labels::of(r);
    out.push_str("<section class=\"findings\">\n<h2>Key findings</h2>\n<ul class=\"findings\">\n");
    for sentence in findings::findings(r) {
        let _ = writeln!(out, "<li>{}</li>", esc(&sentence));
    }
    out.push_str("</ul>\n<ul class=\"legend\" aria-label=\"channel colours\">\n");
    for (i, ch) in r.channels.iter().enumerate() {
        let _ = writeln!(
            out,
            "<li><span style=\"background:{}\"></span>{} ({})</li>",
            hex(channel_colour(i)),
            esc(labels.channel(&ch.channel)),
            esc(&ch.kind)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// Every chart as inline SVG with its caption.
fn charts_html(out: &mut String, charts: &[Chart], futures: &str) {
    if !charts.is_empty() {
        out.push_str("<section class=\"charts\">\n<h2>Charts</h2>\n");
        for chart in charts {
            let _ = write!(
                out,
                "<figure id=\"{}\" role=\"img\" aria-label=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                esc(&chart.name),
                html_escape::encode_double_quoted_attribute(&chart.title),
                chart.svg.trim(),
                esc(&caption(chart, futures))
            );
        }
        out.push_str("</section>\n");
    }
}

/// What matters most: the tornado's leading inputs and its table.
fn sensitivity_html(out: &mut String, sens: &Sensitivity, labels: &Labels) {
    out.push_str("<section class=\"sensitivity\">\n<h2>What matters most</h2>\n");
    let top: Vec<String> = sens
        .inputs
        .iter()
        .take(3)
        .map(|e| {
            format!("{} ({} {} swing)", labels.parameter(&e.input), sens.unit, super::format::money_compact(e.swing))
        })
        .collect();
    let _ = writeln!(
        out,
        "<p>Holding each uncertain input at its P10 and then at its P90 while the others vary, the {} moves \
             most with {}. {} iterations per run, seed {}; means and swings in {}.</p>",
        esc(&labels.metric(&sens.metric)),
        esc(&top.join(", ")),
        count(sens.iterations as f64),
        sens.seed,
        esc(&sens.unit)
    );
    let mut table = super::sensitivity::table(sens, labels);
    table.title.clear();
    table.rows.truncate(12);
    table_html(out, &table, "results");
    out.push_str("</section>\n");
}

/// The results and the assumptions as tables.
fn tables_html(out: &mut String, r: &Results, s: &Scenario) {
    out.push_str("<section class=\"tables\">\n<h2>Results in figures</h2>\n");
    let _ = writeln!(out, "<p class=\"note\">{}. Medians with P10–P90 in brackets.</p>", esc(&run_line(r, "")));
    for section in table::sections(r) {
        table_html(out, &section, "results");
    }
    out.push_str("</section>\n");

    out.push_str("<section class=\"assumptions\">\n<h2>Assumptions</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">Every input as <code>{}</code> states it; column headings are the file's keys. \
         Distributions are drawn once per simulated {}, deal sizes once per deal.</p>",
        esc(&s.origin),
        esc(&findings::future(r))
    );
    for section in assumptions::sections(s) {
        table_html(out, &section, "assumptions");
    }
    out.push_str("</section>\n");
}

/// How the figures were made, in a few paragraphs.
fn method_html(out: &mut String, r: &Results, s: &Scenario) {
    let info = &r.scenario;
    let _ = write!(
        out,
        "<section class=\"methods\">\n<h2>Method</h2>\n\
         <p>chancap is a Monte Carlo simulation. One iteration is one possible {horizon}: every uncertain \
         input is drawn once from its distribution; each segment's opportunities arrive period by period \
         (Poisson, shaped by seasonality and market growth) and are routed to channels by the coverage \
         shares; each channel's capacity follows its headcount, ramp-up, attrition and hiring (or its \
         partners' onboarding and churn); {capacity_rule}; served opportunities are won at the pair's hit rate, and each won deal's size is drawn on its own. \
         Revenue, margins, channel cost, required and available capacity are summed over the horizon.</p>\n\
         <p>This report rests on {iterations} iterations with seed {seed}{sampling}; the same scenario, seed and \
         iteration count give the same figures on any machine and thread count. A figure shown as \
         <em>P50 (P10–P90)</em> is the median of the iterations with the range that holds the middle 80 % \
         of them: one {future} in ten falls below P10 and one in ten above P90. A probability is the share of \
         iterations in which the event happened. Means are shown with their 95 % margin of simulation error \
         (± 1.96 standard errors); more iterations make that margin smaller, not the P10–P90 range, which \
         is the uncertainty of the plan itself.{lhs_note}</p>\n\
         <p>Money is in {currency} over the whole horizon. Capacity is in selling hours for people channels \
         (converted to FTE with each channel's productive hours per FTE), in opportunities for partners and \
         orders for the web shop. Cost-to-serve is channel cost divided by revenue.</p>\n</section>\n",
        horizon = esc(&format!("{} {}", info.periods, period_word(r))),
        future = esc(&format!("simulated {}", findings::future(r))),
        iterations = count(info.iterations as f64),
        seed = info.seed,
        sampling = if info.sampling == "lhs" {
            ", drawn by Latin hypercube sampling (each uncertain input's draws fall one in each of as many \
             equally likely strata)"
        } else {
            ""
        },
        lhs_note = if info.sampling == "lhs" {
            " These margins are those of plain Monte Carlo sampling, an upper bound: with Latin hypercube \
             sampling the true error of a mean is smaller (on the reference scenario about half)."
        } else {
            ""
        },
        currency = esc(&info.currency),
        capacity_rule = if s.enforce_capacity {
            "opportunities beyond a channel's capacity in a period are lost"
        } else {
            "opportunities beyond a channel's capacity are still served (the file reports capacity only) and \
             the gap is shown as a shortfall"
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_break_only_between_their_runs() {
        let cases: [(&str, &[&str]); 10] = [
            ("triangular 170 – 200 – 230", &["triangular", "170 – 200 – 230"]),
            ("discrete 0.02 (w 0.3), 0.03 (w 0.7)", &["discrete", "0.02 (w 0.3),", "0.03 (w 0.7)"]),
            ("1.21 M (0.82–1.73)", &["1.21 M", "(0.82–1.73)"]),
            ("−154 k (−210 k–−93 k)", &["−154 k", "(−210 k–−93 k)"]),
            ("38.2 %", &["38.2 %"]),
            ("0.80 0.90 1.20", &["0.80", "0.90", "1.20"]),
            ("lognormal median 85,000 P90 220,000", &["lognormal median 85,000", "P90 220,000"]),
            ("normal mean 0.03 sd 0.04 within −0.2 – 0.3", &["normal mean 0.03", "sd 0.04", "within −0.2 – 0.3"]),
            ("0.3859 → 0.5145", &["0.3859 →", "0.5145"]),
            ("6 in month 4, 6 in month 10", &["6 in month 4,", "6 in month 10"]),
        ];
        for (text, expected) in cases {
            assert_eq!(runs(text), expected, "{text}");
            assert_eq!(runs(text).join(" "), text, "no text lost");
        }
        let mut out = String::new();
        figure_cell(&mut out, "1.21 M (0.82–1.73)");
        assert_eq!(out, "<td class=\"num runs\"><span>1.21 M</span> <span>(0.82–1.73)</span></td>");
        out.clear();
        figure_cell(&mut out, "1 < 2");
        assert_eq!(out, "<td class=\"num\">1 &lt; 2</td>");
    }

    /// The tornado table's Distribution column names the row and is text, yet
    /// a distribution in it breaks only between whole parameters; a label
    /// beside it wraps as any text does.
    #[test]
    fn a_distribution_in_a_text_column_breaks_only_between_its_parameters() {
        let section = Section {
            title: String::new(),
            header: vec!["Input".into(), "Distribution".into(), "Swing".into()],
            rows: vec![
                vec!["Normal customers · hit rate".into(), "triangular 0.3 – 0.45 – 0.6".into(), "1 k".into()],
                vec!["Beta testers".into(), "normal mean 0.03 sd 0.04 within −0.2 – 0.3".into(), "2 k".into()],
                vec!["growth".into(), "0.02".into(), "3 k".into()],
            ],
            numeric_from: 2,
            empty: String::new(),
            optional: Vec::new(),
        };
        let mut out = String::new();
        table_html(&mut out, &section, "results");
        for cell in [
            "<td>Normal customers · hit rate</td>",
            "<td class=\"runs\"><span>triangular</span> <span>0.3 – 0.45 – 0.6</span></td>",
            "<td>Beta testers</td>",
            "<td class=\"runs\"><span>normal mean 0.03</span> <span>sd 0.04</span> <span>within −0.2 – 0.3</span></td>",
            "<td>0.02</td>",
        ] {
            assert!(out.contains(cell), "{cell} in\n{out}");
        }
    }
}
