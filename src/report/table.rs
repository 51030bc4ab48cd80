//! The tables of a run: what a strategist reads first, in the terminal and in the
//! HTML report alike.
//!
//! [`sections`] builds the tables once — totals with P10 / P50 / P90 and the
//! precision of the mean, the probability of each target, the service concept
//! (segment × channel), the channels, capacity per channel and the periods in
//! which a channel is likely to be short — and [`report`] sets them for the
//! terminal; the HTML report sets the same sections as HTML tables.

use super::format::{Unit, count, money, money_compact, pct, quantity, spread};
use super::labels::Labels;
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
    /// Columns from this one on are numbers (right-aligned); the ones before
    /// name the row and are repeated when the table is split to fit.
    pub numeric_from: usize,
    /// What to say instead of the table when it has no rows.
    pub empty: String,
    /// Number columns a narrow terminal may leave out (with a note) before
    /// the table is split into parts.
    pub optional: Vec<usize>,
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
            optional: Vec::new(),
        }
    }

    /// The section as a terminal table, each row on one line however wide.
    pub fn terminal(&self) -> String {
        self.fit(None)
    }

    /// The section as a terminal table no wider than `width` columns (`None`:
    /// no limit). A table too wide for one line per row is made narrower step
    /// by step, each step only if the one before does not fit: the P10–P90
    /// range of each cell moves to a second line and the headings wrap; then
    /// the row names wrap; then the [`Section::optional`] columns are left out
    /// (a note says which); then the number columns are split into parts that
    /// each repeat the row names; and at last each row becomes a block of
    /// `heading  value` lines.
    pub fn fit(&self, width: Option<usize>) -> String {
        let mut out = String::new();
        if !self.title.is_empty() {
            out.push_str(&format!("\n{}\n", wrap(&self.title, width)));
        }
        if self.rows.is_empty() {
            out.push_str(&format!("{}\n", wrap(&self.empty, width)));
            return out;
        }
        let full = Grid { header: self.header.clone(), rows: self.rows.clone(), keys: self.numeric_from, tight: false };
        let text = full.render();
        let Some(width) = width.filter(|w| widest(&text) > *w) else {
            out.push_str(&format!("{text}\n"));
            return out;
        };
        if let Some(text) = full.squeezed(width) {
            out.push_str(&text);
            return out;
        }
        let optional: Vec<usize> =
            self.optional.iter().copied().filter(|j| (1..self.header.len()).contains(j)).collect();
        if optional.is_empty() {
            out.push_str(&full.split(width));
            return out;
        }
        let kept = full.without(&optional);
        out.push_str(&kept.squeezed(width).unwrap_or_else(|| kept.split(width)));
        let names: Vec<&str> = optional.iter().map(|j| self.header[*j].as_str()).collect();
        let note = format!("Not shown at {width} columns: {}; --wide shows every column.", names.join(", "));
        out.push_str(&format!("{}\n", wrap(&note, Some(width))));
        out
    }
}

/// A table's cells and how many leading columns name the row.
#[derive(Clone)]
struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    keys: usize,
    /// Two spaces between columns instead of three.
    tight: bool,
}

/// The narrowest the row names are wrapped to before the table is split.
const MIN_KEY_WIDTH: usize = 14;

impl Grid {
    /// The table set with comfy-table: rules above, below and under the header.
    fn render(&self) -> String {
        let mut t = Table::new();
        t.load_preset(PRESET).set_content_arrangement(ContentArrangement::Disabled).set_header(&self.header);
        for row in &self.rows {
            t.add_row(row);
        }
        for i in 0..t.column_count() {
            if let Some(col) = t.column_mut(i) {
                if i >= self.keys {
                    col.set_cell_alignment(CellAlignment::Right);
                }
                if self.tight {
                    col.set_padding((1, 0));
                }
            }
        }
        t.to_string()
    }

    /// The table with its ranges folded and, as far as needed, its row names
    /// wrapped; `None` when that is still wider than `width`.
    fn squeezed(&self, width: usize) -> Option<String> {
        let folded = self.folded();
        let text = folded.render();
        if widest(&text) <= width {
            return Some(format!("{text}\n"));
        }
        // Wrap the row names as far as needed, down to a floor.
        let names = self.key_width();
        (MIN_KEY_WIDTH.min(names)..names).rev().find_map(|limit| {
            let text = folded.keys_wrapped(limit).render();
            (widest(&text) <= width).then(|| format!("{text}\n"))
        })
    }

    /// The table in parts that fit `width`, or else as blocks of lines.
    fn split(&self, width: usize) -> String {
        let folded = self.folded();
        let names = self.key_width();
        folded.keys_wrapped(names.min(MIN_KEY_WIDTH.max(width / 3))).parts(width).unwrap_or_else(|| self.stacked(width))
    }

    /// Ranges on a second line, headings wrapped to their column.
    fn folded(&self) -> Grid {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| row.iter().enumerate().map(|(j, c)| if j >= self.keys { fold(c) } else { c.clone() }).collect())
            .collect();
        let header = self
            .header
            .iter()
            .enumerate()
            .map(|(j, h)| {
                let cells = rows.iter().filter_map(|r| r.get(j)).map(|c| widest(c)).max().unwrap_or(0);
                let words = h.split_whitespace().map(widest).max().unwrap_or(0);
                textwrap::wrap(h, unbroken(cells.max(words).max(1))).join("\n")
            })
            .collect();
        Grid { header, rows, keys: self.keys, tight: true }
    }

    /// The widest row name.
    fn key_width(&self) -> usize {
        self.rows.iter().flat_map(|r| r.iter().take(self.keys)).map(|c| widest(c)).max().unwrap_or(0)
    }

    /// The longest word of the row names and their headings: they are not
    /// wrapped narrower.
    fn key_word(&self) -> usize {
        let cells = self.rows.iter().flat_map(|r| r.iter().take(self.keys)).chain(self.header.iter().take(self.keys));
        cells.flat_map(|c| c.split_whitespace()).map(widest).max().unwrap_or(0)
    }

    /// The row names (and their headings) wrapped at `limit` columns, or at
    /// their longest word.
    fn keys_wrapped(&self, limit: usize) -> Grid {
        let limit = limit.max(self.key_word()).max(1);
        let w = |c: &String| textwrap::wrap(c, unbroken(limit)).join("\n");
        let mut g = self.clone();
        for row in &mut g.rows {
            for c in row.iter_mut().take(self.keys) {
                *c = w(c);
            }
        }
        for h in g.header.iter_mut().take(self.keys) {
            *h = w(h);
        }
        g
    }

    /// The row names with some of the number columns.
    fn columns(&self, numbers: &[usize]) -> Grid {
        let pick = |cells: &Vec<String>| {
            (0..self.keys).chain(numbers.iter().copied()).map(|j| cells.get(j).cloned().unwrap_or_default()).collect()
        };
        Grid { header: pick(&self.header), rows: self.rows.iter().map(pick).collect(), ..self.clone() }
    }

    /// The table without some of its columns.
    fn without(&self, columns: &[usize]) -> Grid {
        let pick = |cells: &Vec<String>| {
            cells.iter().enumerate().filter(|(j, _)| !columns.contains(j)).map(|(_, c)| c.clone()).collect()
        };
        Grid {
            header: pick(&self.header),
            rows: self.rows.iter().map(pick).collect(),
            keys: self.keys - columns.iter().filter(|j| **j < self.keys).count(),
            tight: self.tight,
        }
    }

    /// The table as parts that each repeat the row names and fit; `None` when
    /// the names and one number column do not fit.
    fn parts(&self, width: usize) -> Option<String> {
        let mut parts: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for j in self.keys..self.header.len() {
            let mut trial = current.clone();
            trial.push(j);
            if widest(&self.columns(&trial).render()) <= width {
                current = trial;
            } else if current.is_empty() {
                return None;
            } else {
                parts.push(std::mem::replace(&mut current, vec![j]));
                if widest(&self.columns(&current).render()) > width {
                    return None;
                }
            }
        }
        parts.push(current);
        let n = parts.len();
        let texts: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| format!("(part {} of {n})\n{}\n", i + 1, self.columns(p).render()))
            .collect();
        Some(texts.join("\n"))
    }

    /// Each row as a block: its names on one line, then a `heading  value`
    /// line per number column, wrapped to `width`.
    fn stacked(&self, width: usize) -> String {
        let label = |h: &String| h.split_whitespace().collect::<Vec<_>>().join(" ");
        let labels: Vec<String> = self.header.iter().skip(self.keys).map(label).collect();
        let pad = labels.iter().map(|l| widest(l)).max().unwrap_or(0).min(width / 2);
        let mut out = String::new();
        for row in &self.rows {
            let names: Vec<&str> = row.iter().take(self.keys).map(String::as_str).filter(|c| !c.is_empty()).collect();
            out.push_str(&format!("{}\n", wrap(&names.join(" · "), Some(width))));
            for (l, cell) in labels.iter().zip(row.iter().skip(self.keys)) {
                let value = cell.split_whitespace().collect::<Vec<_>>().join(" ");
                if value.is_empty() {
                    continue;
                }
                let gap = pad.saturating_sub(widest(l));
                let line = format!("{l}{}  {value}", " ".repeat(gap));
                let opts = unbroken(width).initial_indent("  ").subsequent_indent("      ");
                out.push_str(&format!("{}\n", textwrap::fill(&line, opts)));
            }
        }
        out
    }
}

/// A number cell with its range on a second line: `12.1 M (10.2–14.5)` →
/// `12.1 M` over `(10.2–14.5)`.
fn fold(cell: &str) -> String {
    match cell.rfind(" (") {
        Some(i) if i > 0 && cell.ends_with(')') => format!("{}\n{}", &cell[..i], &cell[i + 1..]),
        _ => cell.to_string(),
    }
}

/// The display width of the widest line of `text`, in terminal columns.
pub fn widest(text: &str) -> usize {
    text.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Wrapping at `width` between words only: a file name such as
/// `sensitivity-contribution.json` or a label with a hyphen stays whole (and
/// can be copied), where textwrap's default would break it at the hyphen.
pub fn unbroken(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width).word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// Prose wrapped to `width` columns, each line on its own (`None`: as it is).
/// A wrapped line keeps its indentation, and the continuation lines of an
/// indented line are indented two more. A number keeps its unit (`15 %`,
/// `2.4 M`) on its line.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else { return text.to_string() };
    text.split('\n')
        .map(|line| {
            if widest(line) <= width {
                return line.to_string();
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            let more = if indent.is_empty() { String::new() } else { format!("{indent}  ") };
            let opts = unbroken(width).initial_indent(indent).subsequent_indent(&more);
            textwrap::fill(&units_bound(line.trim_start()), opts).replace(NBSP, " ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const NBSP: char = '\u{a0}';

/// `text` with the space between a number and its unit (`%`, `k`, `M`, `bn`)
/// made non-breaking.
fn units_bound(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let unit = |u: &str| {
            let n = u.chars().count();
            chars.get(i + 1..i + 1 + n).is_some_and(|s| s.iter().copied().eq(u.chars()))
                && chars.get(i + 1 + n).is_none_or(|c| !c.is_alphanumeric())
        };
        if *c == ' ' && after_digit && ["%", "k", "M", "bn"].into_iter().any(unit) {
            out.push(NBSP);
        } else {
            out.push(*c);
        }
    }
    out
}

/// Parts joined by ` · `, wrapped between parts where a line would pass `width`.
pub fn join_wrapped(parts: &[String], width: Option<usize>) -> String {
    let mut out = String::new();
    let mut line = 0;
    for (i, part) in parts.iter().enumerate() {
        let w = widest(part);
        if i > 0 {
            if width.is_some_and(|max| line + 3 + w > max) {
                out.push('\n');
                line = 0;
            } else {
                out.push_str(" · ");
                line += 3;
            }
        }
        out.push_str(part);
        line += w;
    }
    out
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
    join_wrapped(&run_line_parts(results, note), None)
}

fn run_line_parts(results: &Results, note: &str) -> Vec<String> {
    let info = &results.scenario;
    let mut parts = vec![
        info.file.clone(),
        format!(
            "{} iterations{}",
            count(info.iterations as f64),
            if info.sampling == "lhs" { " (Latin hypercube)" } else { "" }
        ),
        format!("seed {}", info.seed),
        format!("{} {}", info.periods, period_word(results)),
        info.currency.clone(),
    ];
    if !note.is_empty() {
        parts.push(note.to_string());
    }
    parts
}

/// The whole terminal report, its tables no wider than `width` columns
/// (`None`: one line per row however wide). `engine_note` (timing, threads)
/// goes under the title.
pub fn report(results: &Results, engine_note: &str, width: Option<usize>) -> String {
    let mut out = format!(
        "{}\n{}\n\n",
        wrap(&results.scenario.name, width),
        join_wrapped(&run_line_parts(results, engine_note), width)
    );
    for (i, section) in sections(results).iter().enumerate() {
        let text = section.fit(width);
        out.push_str(if i == 0 { text.trim_start_matches('\n') } else { &text });
    }
    if results.scenario.sampling == "lhs" {
        out.push_str(&wrap(LHS_MARGINS, Some(width.map_or(80, |w| w.min(80)))));
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
    let labels = Labels::of(results);
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
            labels.channel(&cell.channel).to_string(),
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
    let labels = Labels::of(results);
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
            labels.channel(&ch.channel).to_string(),
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
    let labels = Labels::of(results);
    let mut t = Section::new(
        "Capacity over the horizon — median (P10–P90)",
        &[
            "Channel",
            "Unit",
            "Required",
            "Available",
            "Utilisation",
            "Required FTE",
            "Available FTE",
            "Shortfall",
            "P(shortfall)",
        ],
        2,
    );
    let mut risk =
        Section::new("", &["Channel", "Period", "P(shortfall)", "Utilisation", "Shortfall P50", "Shortfall P90"], 1);
    // The shortfall's unit: FTE for people channels, else the channel's own.
    let mut units: Vec<String> = Vec::new();
    risk.empty = format!("No channel has a period with P(shortfall) ≥ {}.", pct(SHORT_PERIOD_THRESHOLD));
    for ch in &results.channels {
        let Some(cap) = &ch.capacity else {
            t.rows.push(vec![labels.channel(&ch.channel).to_string(), "orders".into(), "unlimited".into()]);
            continue;
        };
        t.rows.push(vec![
            labels.channel(&ch.channel).to_string(),
            cap.unit.clone(),
            spread(&cap.required, Unit::Quantity),
            spread(&cap.available, Unit::Quantity),
            cap.utilization.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
            cap.required_fte.as_ref().map_or("–".into(), |s| spread(s, Unit::Quantity)),
            cap.available_fte.as_ref().map_or("–".into(), |s| spread(s, Unit::Quantity)),
            spread(&cap.shortfall, Unit::Quantity),
            pct(cap.p_shortfall),
        ]);
        for p in cap.periods.iter().filter(|p| p.p_shortfall >= SHORT_PERIOD_THRESHOLD) {
            let (gap, unit) = match &p.shortfall_fte {
                Some(fte) => (fte, "FTE"),
                None => (&p.shortfall, cap.unit.as_str()),
            };
            risk.rows.push(vec![
                labels.channel(&ch.channel).to_string(),
                p.period.to_string(),
                pct(p.p_shortfall),
                p.utilization.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
                quantity(gap.p50),
                quantity(gap.p90),
            ]);
            let unit = if unit == "FTE" {
                "extra FTE for people channels".to_string()
            } else {
                format!("{unit} for {}", labels.channel(&ch.channel))
            };
            if !units.contains(&unit) {
                units.push(unit);
            }
        }
    }
    risk.title = format!("Periods at risk: P(shortfall) ≥ {}", pct(SHORT_PERIOD_THRESHOLD));
    if !units.is_empty() {
        risk.title.push_str(&format!("; shortfall in {}", units.join(", in ")));
    }
    [t, risk]
}
