//! The tables of a run: what a strategist reads first, in the terminal and in the
//! HTML report alike.
//!
//! [`sections`] builds the tables once — totals with P10 / P50 / P90 and the
//! precision of the mean (lost revenue and contribution among them), the
//! probability of each target, the service concept (segment × channel), the
//! channels with what capacity cost them, capacity per channel and the periods
//! in which a channel is likely to be short — and [`report`] sets them for the
//! terminal; the HTML report sets the same sections as HTML tables.

use super::format::{Unit, count, money, money_compact, pct, quantities, spread};
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
    /// (a note says which); then the number columns are split into as few
    /// parts as fit, shared evenly, each repeating the row names; and at last
    /// each row becomes a block of `heading  value` lines.
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
    /// the names and one number column do not fit. The parts are as few as
    /// fit and share the number columns as evenly as they can (3 + 3 rather
    /// than 5 + 1), the widest part as narrow as it can be.
    fn parts(&self, width: usize) -> Option<String> {
        let n = self.header.len().saturating_sub(self.keys);
        let numbers: Vec<usize> = (self.keys..self.header.len()).collect();
        // The width of the part holding number columns a..b, each measured once.
        let mut widths = vec![vec![0; n + 1]; n + 1];
        for a in 0..n {
            for b in a + 1..=n {
                widths[a][b] = widest(&self.columns(&numbers[a..b]).render());
            }
        }
        // The fewest parts: fill each as far as it fits.
        let mut fewest = 0;
        let mut a = 0;
        while a < n {
            let b = (a + 1..=n).take_while(|b| widths[a][*b] <= width).last()?;
            fewest += 1;
            a = b;
        }
        let best = splits(n, fewest.max(1))
            .into_iter()
            .filter(|cuts| cuts.windows(2).all(|w| widths[w[0]][w[1]] <= width))
            .min_by_key(|cuts| {
                let sizes = cuts.windows(2).map(|w| w[1] - w[0]);
                let uneven = sizes.clone().max().unwrap_or(0) - sizes.min().unwrap_or(0);
                (uneven, cuts.windows(2).map(|w| widths[w[0]][w[1]]).max().unwrap_or(0))
            })?;
        let parts: Vec<&[usize]> = best.windows(2).map(|w| &numbers[w[0]..w[1]]).collect();
        let count = parts.len();
        let texts: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| format!("(part {} of {count})\n{}\n", i + 1, self.columns(p).render()))
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

/// Every way to cut `n` columns into `k` non-empty runs, each as its cut
/// points `0 = c0 < c1 < … < ck = n`; in the order of the first cut.
fn splits(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 || k > n {
        return Vec::new();
    }
    if k == 1 {
        return vec![vec![0, n]];
    }
    let mut out = Vec::new();
    for first in 1..=n - (k - 1) {
        for rest in splits(n - first, k - 1) {
            out.push(std::iter::once(0).chain(rest.iter().map(|c| c + first)).collect());
        }
    }
    out
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
    // What those would have brought; absent from files written before.
    if let Some(lost) = &tot.lost_revenue {
        t.rows.push(money_row(format!("Lost revenue ({cur})"), lost));
    }
    if let Some(lost) = &tot.lost_contribution {
        t.rows.push(money_row(format!("Lost contribution ({cur})"), lost));
    }
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

/// Channels: money, and what the opportunities they lost to capacity would
/// have brought (when any channel lost some).
fn channels(results: &Results) -> Section {
    let labels = Labels::of(results);
    let cur = results.scenario.currency.as_str();
    let show_unallocated = results.channels.iter().any(|c| c.unallocated_cost.max > 0.0);
    let show_lost = results.channels.iter().any(|c| c.metrics.lost_revenue.as_ref().is_some_and(|s| s.max > 0.0));
    let mut header = vec!["Channel", "Kind", "Revenue", "Channel cost", "Contribution", "Cost-to-serve"];
    if show_lost {
        header.extend(["Lost revenue", "Lost contribution"]);
    }
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
        if show_lost {
            let money = |s: &Option<Stat>| s.as_ref().map_or("–".into(), |s| spread(s, Unit::Money));
            row.extend([money(&m.lost_revenue), money(&m.lost_contribution)]);
        }
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
            // The P50 and P90 in one format: `0` beside `492`, not `0.0`.
            let [p50, p90] = quantities([gap.p50, gap.p90]);
            risk.rows.push(vec![
                labels.channel(&ch.channel).to_string(),
                p.period.to_string(),
                pct(p.p_shortfall),
                p.utilization.as_ref().map_or("–".into(), |s| spread(s, Unit::Percent)),
                p50,
                p90,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Capacity, PeriodCapacity};

    #[test]
    fn splits_cut_columns_into_every_run_of_parts() {
        assert_eq!(splits(3, 1), vec![vec![0, 3]]);
        assert_eq!(splits(3, 2), vec![vec![0, 1, 3], vec![0, 2, 3]]);
        assert_eq!(splits(4, 3), vec![vec![0, 1, 2, 4], vec![0, 1, 3, 4], vec![0, 2, 3, 4]]);
        assert_eq!(splits(6, 3).len(), 10);
        assert!(splits(2, 3).is_empty() && splits(2, 0).is_empty());
    }

    /// A short run of a one-channel scenario whose figures the tests set by hand.
    fn crafted() -> Results {
        let text = include_str!("../../tests/fixtures/one_pair.toml");
        let s = crate::model::Scenario::from_toml_str(text, "one_pair.toml").expect("valid");
        crate::summary::run(&s, &crate::sim::RunOptions { iterations: 20, seed: 1 }, &|_| {})
    }

    fn stat(p10: f64, p50: f64, p90: f64) -> Stat {
        Stat { mean: p50, sd: 0.0, se: 0.0, p5: p10, p10, p50, p90, p95: p90, min: p10, max: p90 }
    }

    fn section<'a>(all: &'a [Section], title: &str) -> &'a Section {
        all.iter().find(|s| s.title.starts_with(title)).unwrap_or_else(|| panic!("no {title}: {all:#?}"))
    }

    /// Issue 16: the periods at risk show a shortfall's P50 and P90 in one
    /// format, grouped: `0` beside `492`, `1,507` beside `2,371`.
    #[test]
    fn periods_at_risk_show_their_shortfalls_in_one_format() {
        let mut r = crafted();
        let period = |p: usize, gap: (f64, f64)| PeriodCapacity {
            period: p,
            required: stat(0.0, 100.0, 0.0),
            available: stat(0.0, 100.0, 0.0),
            utilization: None,
            shortfall: stat(0.0, gap.0, gap.1),
            required_fte: None,
            available_fte: None,
            shortfall_fte: None,
            p_shortfall: 0.6,
        };
        r.channels[0].capacity = Some(Capacity {
            unit: "opportunities".into(),
            required: stat(0.0, 1.0, 2.0),
            available: stat(0.0, 1.0, 2.0),
            utilization: None,
            shortfall: stat(0.0, 1.0, 2.0),
            required_fte: None,
            available_fte: None,
            p_shortfall: 0.9,
            periods: vec![period(1, (0.0, 492.4)), period(2, (1_507.2, 2_371.0)), period(3, (55.3, 9.5))],
        });
        let all = sections(&r);
        let risk = section(&all, "Periods at risk");
        let gaps: Vec<&[String]> = risk.rows.iter().map(|row| &row[4..]).collect();
        assert_eq!(gaps, [["0", "492"], ["1,507", "2,371"], ["55.3", "9.5"]]);
    }

    /// Issue 16: lost demand in money, in the totals and per channel; a file
    /// written before it was reported shows neither, and a run that lost
    /// nothing shows no columns of zeros.
    #[test]
    fn lost_revenue_and_contribution_are_shown_in_totals_and_channels() {
        let mut r = crafted();
        r.totals.lost_revenue = Some(stat(2.5e6, 4.0e6, 5.6e6));
        r.totals.lost_contribution = Some(stat(-52e3, 810e3, 1.12e6));
        r.channels[0].metrics.lost_revenue = Some(stat(2.5e6, 4.0e6, 5.6e6));
        r.channels[0].metrics.lost_contribution = None;
        let all = sections(&r);
        let totals = &all[0].rows;
        let at = totals.iter().position(|row| row[0] == "Lost to capacity").unwrap();
        assert_eq!(totals[at + 1], ["Lost revenue (USD)", "2.50 M", "4.00 M", "5.60 M", "4.00 M ± 0"]);
        assert_eq!(totals[at + 2], ["Lost contribution (USD)", "−52.0 k", "810 k", "1.12 M", "810 k ± 0"]);
        let channels = section(&all, "Channels");
        assert_eq!(channels.header[6..8], ["Lost revenue", "Lost contribution"]);
        assert_eq!(channels.rows[0][6..8], ["4.00 M (2.50–5.60)", "–"]);

        r.channels[0].metrics.lost_revenue = Some(stat(0.0, 0.0, 0.0));
        let all = sections(&r);
        assert!(!section(&all, "Channels").header.iter().any(|h| h.starts_with("Lost")));
        r.totals.lost_revenue = None;
        r.totals.lost_contribution = None;
        let all = sections(&r);
        assert!(!all[0].rows.iter().any(|row| row[0].starts_with("Lost revenue")), "{:?}", all[0]);
    }
}
