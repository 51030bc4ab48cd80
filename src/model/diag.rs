//! Diagnostics: one problem found in a scenario file, with its place.
//!
//! A [`Diagnostic`] carries the byte span of the offending text (when it has one),
//! the field path in the scenario (`coverage[3].hit_rate`), what is wrong, and an
//! optional hint such as the nearest valid name. [`Diagnostics`] renders a list of
//! them the way compilers do: `file:line:column`, the source line, a caret.

use std::fmt;
use std::ops::Range;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be simulated.
    Error,
    /// The file can be simulated, but probably does not say what was meant.
    Warning,
}

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Byte range of the offending text in the file, when there is one.
    pub span: Option<Range<usize>>,
    /// Field path, e.g. `coverage[3].hit_rate`; empty for the whole file.
    pub path: String,
    /// What is wrong, and what was expected.
    pub message: String,
    /// A suggestion: the nearest valid name, or how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span` on field `path`.
    pub fn error(span: Option<Range<usize>>, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span, path: path.into(), message: message.into(), help: None }
    }

    /// A warning at `span` on field `path`.
    pub fn warning(span: Option<Range<usize>>, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(span, path, message) }
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every finding for one file, with the text needed to show where they are.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// Where the text came from (a path, or `<string>`).
    pub origin: String,
    /// The file's text (empty if it could not be read as text).
    pub source: String,
    /// The findings, in file order.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Number of errors (warnings excluded).
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.source, offset)
    }

    /// Renders one diagnostic with its place and a caret under the source text.
    pub fn render(&self, d: &Diagnostic) -> String {
        self.render_with(d, &Lines::of(&self.source))
    }

    /// [`Diagnostics::render`] with the lines of the source indexed once, for
    /// rendering many.
    fn render_with(&self, d: &Diagnostic, lines: &Lines) -> String {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let place = match &d.span {
            Some(span) => {
                let (line, col) = lines.line_col(&self.source, span.start);
                format!("{}:{line}:{col}", self.origin)
            }
            None => self.origin.clone(),
        };
        let (path, message) = (printable(&d.path), printable(&d.message));
        if d.path.is_empty() {
            out.push_str(&format!("{kind}: {place}: {message}\n"));
        } else {
            out.push_str(&format!("{kind}: {place}: {path}: {message}\n"));
        }
        if let Some(span) = &d.span
            && let Some(snippet) = snippet(&self.source, lines, span.clone())
        {
            out.push_str(&snippet);
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  = help: {}\n", printable(help)));
        }
        out
    }
}

/// Problems rendered in full before the rest are only counted.
pub const SHOWN: usize = 50;

/// The start of every line of a text, so that a byte offset's line and column
/// take a binary search instead of a scan from the start: a file with thousands
/// of problems is rendered in linear time.
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Lines {
        Lines(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// 1-based line and column (in characters) of byte `offset`.
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.0.partition_point(|start| *start <= offset);
        let col = text[self.0[line - 1]..offset].chars().count() + 1;
        (line, col)
    }
}

/// A message with what it quotes ("key", `field`) left out: `segment "…" and
/// channel "…" are paired twice`.
fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '"' || c == '`' => {
                out.push(c);
                out.push('…');
                quote = Some(c);
            }
            None => out.push(c),
        }
    }
    out
}

/// Text as it may be printed to a terminal: control characters (ESC, BEL, …)
/// from a file are shown escaped (`\u{1b}`), never sent raw.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\n') {
        text.chars()
            .map(|c| if c.is_control() && c != '\n' { c.escape_unicode().to_string() } else { c.to_string() })
            .collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = Lines::of(&self.source);
        for d in self.items.iter().take(SHOWN) {
            writeln!(f, "{}", self.render_with(d, &lines))?;
        }
        if self.items.len() > SHOWN {
            // The rest, counted by what they say with the names and values
            // they quote left out.
            let mut kinds: Vec<(String, usize)> = Vec::new();
            for d in &self.items[SHOWN..] {
                let kind = without_quoted(&d.message);
                match kinds.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((kind, 1)),
                }
            }
            writeln!(f, "… and {} more problems:", self.items.len() - SHOWN)?;
            for (kind, n) in kinds {
                writeln!(f, "  {n} × {}", printable(&kind))?;
            }
            writeln!(f)?;
        }
        let errors = self.error_count();
        let warnings = self.items.len() - errors;
        write!(
            f,
            "{}: {errors} error{}, {warnings} warning{}",
            self.origin,
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The source line holding `span.start`, with carets under the span (cut at the
/// line's end and at 120 characters so a huge line cannot flood the terminal).
fn snippet(text: &str, lines: &Lines, span: Range<usize>) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    const MAX: usize = 120;
    let shown: String = line.chars().take(MAX).collect();
    let shown = printable(&shown);
    let (line_no, col) = lines.line_col(text, start);
    let end = floor_char_boundary(text, span.end.clamp(start, line_end));
    let width = text[start..end].chars().count().max(1);
    let pad = col - 1;
    if pad >= MAX {
        return None;
    }
    let width = width.min(MAX - pad);
    let gutter = line_no.to_string().len();
    Some(format!("{:gutter$} |\n{line_no} | {shown}\n{:gutter$} | {}{}\n", "", "", " ".repeat(pad), "^".repeat(width),))
}

/// The candidate closest to `name` if it is close enough to be a plausible typo:
/// Jaro–Winkler similarity ≥ 0.8 (good for long names and shared prefixes) or
/// normalised Damerau–Levenshtein similarity ≥ 0.6 (good for short names and
/// swapped letters, where Jaro's matching window is too narrow).
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            let jw = strsim::jaro_winkler(name, c);
            let dl = strsim::normalized_damerau_levenshtein(name, c);
            (if jw >= 0.8 || dl >= 0.6 { jw.max(dl) } else { 0.0 }, c)
        })
        .filter(|(score, _)| *score > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_in_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // 'é' is two bytes; the '=' after it is the 4th character of line 2.
        assert_eq!(line_col(text, text.rfind('=').unwrap()), (2, 4));
        assert_eq!(line_col(text, 10_000), (3, 1));
    }

    #[test]
    fn nearest_suggests_close_names_only() {
        let names = ["hit_rate", "share", "channel"];
        assert_eq!(nearest("hitrate", names), Some("hit_rate"));
        assert_eq!(nearest("chanel", names), Some("channel"));
        assert_eq!(nearest("kye", ["key", "large"]), Some("key"));
        assert_eq!(nearest("zzz", names), None);
    }

    #[test]
    fn render_shows_place_and_caret() {
        let source = "[scenario]\nname = 5\n".to_string();
        let diags = Diagnostics {
            origin: "x.toml".into(),
            source,
            items: vec![Diagnostic::error(Some(18..19), "scenario.name", "expected a string").with_help("quote it")],
        };
        let text = diags.render(&diags.items[0]);
        assert!(text.starts_with("error: x.toml:2:8: scenario.name: expected a string"), "{text}");
        assert!(text.contains("2 | name = 5"), "{text}");
        assert!(text.contains("       ^"), "{text}");
        assert!(text.contains("= help: quote it"), "{text}");
    }
}
