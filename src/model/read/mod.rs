//! TOML text → [`Scenario`], collecting every problem at once.
//!
//! The text is parsed into toml's spanned document tree (`toml::de::DeTable`) and
//! walked field by field. A serde derive would stop at the first wrong type or
//! unknown key; walking the tree lets one run report every problem of the file,
//! each with its span, its field path and, for a misspelt key or name, the nearest
//! valid one. Field paths count array elements from 1 (`coverage[3]` is the third
//! `[[coverage]]` block), like periods.
//!
//! One file per section of the file: `scenario.rs` (the `[scenario]` table,
//! `[targets]`, `[capacity]` and the walk over the sections), `segments.rs`,
//! `channels.rs`, `coverage.rs`, `campaigns.rs` and `correlations.rs` (whose matrix
//! maths is in `model/copula.rs`); `distributions.rs` reads the number or
//! distribution table of an uncertain field. This file holds the entry point, the
//! reader and the helpers the sections share (key checks, typed values, names).

mod campaigns;
mod channels;
mod correlations;
mod coverage;
mod distributions;
mod scenario;
mod segments;

use super::diag::{Diagnostic, nearest};
use super::dist::Dist;
use super::schema::{Domain, Field, Scale};
use super::text::plain;
use super::{Param, ParamId, Scenario, Severity};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

type Val<'i> = Spanned<DeValue<'i>>;

/// Longest text (a name, a label, the currency), in characters.
const MAX_TEXT: usize = 200;

/// Largest horizon: ten years of weeks.
const MAX_PERIODS: u64 = 520;

/// Deepest nesting of `[` and `{` the reader parses. The TOML parser recurses
/// per level, and on unclosed inline tables its error recovery nests a level
/// per line: 20,000 lines of `a = {b=c={}` overflowed the stack (found by the
/// fuzz harness).
const MAX_NESTING: usize = 128;

/// Where the text first nests `[`/`{` deeper than [`MAX_NESTING`], outside
/// strings and comments; `None` when it never does. Unbalanced closing
/// brackets count as nothing.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(if quote == b'"' { b"\"\"\"" } else { b"'''" });
                let width = if triple { 3 } else { 1 };
                i += width;
                while i < bytes.len() {
                    if quote == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    if bytes[i] == quote && (!triple || bytes[i..].starts_with(&[quote; 3])) {
                        // A closing triple quote may carry one or two quotes of
                        // the string before it: `""""` ends with the last three.
                        let mut end = i + width;
                        while triple && end < bytes.len() && bytes[end] == quote && end < i + 5 {
                            end += 1;
                        }
                        i = end - 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A table of the document with its place.
#[derive(Clone)]
struct Tbl<'a, 'i> {
    map: &'a DeTable<'i>,
    span: Range<usize>,
    path: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Val<'i>> {
        self.map.get(key)
    }

    fn field(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }
}

/// Walks the document, collecting diagnostics and uncertain parameters.
struct Reader {
    diags: Vec<Diagnostic>,
    params: Vec<Param>,
    /// The horizon, once known to be valid.
    periods: Option<usize>,
    /// (segment, channel) pairs named by coverage rows, valid or not: a campaign
    /// on such a pair takes its hit rate from the row.
    covered_pairs: Vec<(usize, usize)>,
    ppy: usize,
    /// Replace an inconsistent correlation matrix by the nearest valid one.
    repair_correlations: bool,
    /// Names the file declares but that are not valid identifiers, each
    /// reported once where it is declared: a reference to one is not
    /// reported again as unknown.
    invalid_names: Vec<String>,
}

/// Parses and validates; returns the scenario if there was no error, and every
/// diagnostic (errors and warnings) in file order.
pub(super) fn read(text: &str, _origin: &str, repair_correlations: bool) -> (Option<Scenario>, Vec<Diagnostic>) {
    if text.trim().is_empty() {
        let d = Diagnostic::error(None, "", "the file is empty").with_help(
            "a scenario needs at least a [scenario] table with a name, one [[segments]], one [channels.NAME] \
             and one [[coverage]] row; see scenarios/reference.toml",
        );
        return (None, vec![d]);
    }
    if let Some(at) = too_deep(text) {
        let d = Diagnostic::error(Some(at..at + 1), "", format!("brackets nested more than {MAX_NESTING} deep"))
            .with_help("close every `{` and `[` on the line that opens it; scenario files nest a few levels at most");
        return (None, vec![d]);
    }
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let diags = errors
            .iter()
            .map(|e| {
                let message = e.message().trim().replace('\n', "; ");
                Diagnostic::error(e.span(), "", format!("TOML syntax: {message}"))
            })
            .collect();
        return (None, diags);
    }
    let root = Tbl { map: root.get_ref(), span: root.span(), path: String::new() };
    let mut r = Reader {
        diags: Vec::new(),
        params: Vec::new(),
        periods: None,
        covered_pairs: Vec::new(),
        ppy: 12,
        repair_correlations,
        invalid_names: Vec::new(),
    };
    let scenario = r.scenario(&root);
    let mut diags = r.diags;
    diags.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
    (scenario, diags)
}

fn type_name(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("string \"{short}\"")
        }
        DeValue::Integer(i) => format!("integer {i}"),
        DeValue::Float(f) => format!("float {f}"),
        DeValue::Boolean(b) => format!("boolean {b}"),
        other => other.type_str().to_string(),
    }
}

fn to_f64(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(x) => Some(x as f64),
            Err(_) => i.as_str().parse::<f64>().ok(),
        },
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

impl Reader {
    fn error(
        &mut self,
        span: Option<Range<usize>>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(span, path, message));
        self.diags.last_mut().expect("just pushed")
    }

    fn warn(&mut self, span: Option<Range<usize>>, path: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(span, path, message));
    }

    /// Whether an error has been reported so far.
    fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }

    fn add_param(&mut self, path: String, dist: Dist) -> ParamId {
        self.params.push(Param { path, dist });
        ParamId(self.params.len() - 1)
    }

    /// Reports keys of `t` that are not in `allowed`, with the nearest valid key.
    fn check_keys(&mut self, t: &Tbl<'_, '_>, allowed: &[&str]) {
        for (key, _) in t.map.iter() {
            let name: &str = key.get_ref();
            if !allowed.contains(&name) {
                let help = match nearest(name, allowed.iter().copied()) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("expected one of: {}", allowed.join(", ")),
                };
                self.error(Some(key.span()), t.field(name), format!("unknown field `{name}`")).help = Some(help);
            }
        }
    }

    /// Whether `key` of `t` was written misspelt: a key of `t` was reported
    /// unknown with `key` as its nearest valid one. Its "did you mean" then
    /// says all, and `key` is not reported missing as well.
    fn misspelt(&self, t: &Tbl<'_, '_>, key: &str) -> bool {
        let help = format!("did you mean `{key}`?");
        t.map.iter().any(|(k, _)| {
            let path = t.field(k.get_ref());
            self.diags.iter().any(|d| d.path == path && d.help.as_deref() == Some(help.as_str()))
        })
    }

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, what: &str) {
        if self.misspelt(t, key) {
            return;
        }
        let span = t.span.clone();
        self.error(Some(span), t.field(key), format!("missing required field `{key}` ({what})"));
    }

    /// A sub-table; `None` (with an error) if the value is of another type.
    fn table<'a, 'i>(&mut self, v: &'a Val<'i>, path: String) -> Option<Tbl<'a, 'i>> {
        match v.get_ref() {
            DeValue::Table(map) => Some(Tbl { map, span: v.span(), path }),
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), path, format!("expected a table, found {found}"));
                None
            }
        }
    }

    /// An array of tables (`[[name]]`), each with its path `name[i]` (1-based).
    fn table_array<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str) -> Vec<Tbl<'a, 'i>> {
        let Some(v) = t.get(key) else { return Vec::new() };
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if let Some(tbl) = self.table(item, format!("{}[{}]", t.field(key), i + 1)) {
                        out.push(tbl);
                    }
                }
                out
            }
            other => {
                let found = type_name(other);
                self.error(
                    Some(v.span()),
                    t.field(key),
                    format!("expected an array of tables ([[{key}]]), found {found}"),
                );
                Vec::new()
            }
        }
    }

    fn string(&mut self, t: &Tbl<'_, '_>, key: &str, required: bool) -> Option<Spanned<String>> {
        let Some(v) = t.get(key) else {
            if required {
                self.missing(t, key, "a string");
            }
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) => self.text(s, v.span(), t.field(key)).then(|| Spanned::new(v.span(), s.to_string())),
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), t.field(key), format!("expected a string, found {found}"));
                None
            }
        }
    }

    /// Whether a string of the file is text a report can show: at most
    /// [`MAX_TEXT`] characters and no control characters (ESC, BEL, …), which
    /// would otherwise reach the terminal, every chart and the report.
    fn text(&mut self, s: &str, span: Range<usize>, path: String) -> bool {
        let n = s.chars().count();
        if n > MAX_TEXT {
            self.error(Some(span), path, format!("the text is {n} characters long; at most {MAX_TEXT} are allowed"))
                .help = Some("names, labels and the currency are shown in tables and charts: keep them short".into());
            return false;
        }
        if let Some(c) = s.chars().find(|c| c.is_control()) {
            self.error(Some(span), path, format!("the text holds the control character U+{:04X}", c as u32)).help =
                Some("write plain text: no tabs, line breaks or terminal escapes".into());
            return false;
        }
        true
    }

    fn boolean(&mut self, t: &Tbl<'_, '_>, key: &str, default: bool) -> bool {
        let Some(v) = t.get(key) else { return default };
        match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), t.field(key), format!("expected true or false, found {found}"));
                default
            }
        }
    }

    /// A whole number in `[min, max]`.
    fn integer(&mut self, t: &Tbl<'_, '_>, key: &str, required: bool, min: u64, max: u64) -> Option<u64> {
        let Some(v) = t.get(key) else {
            if required {
                self.missing(t, key, &format!("a whole number ≥ {min}"));
            }
            return None;
        };
        self.integer_value(v, t.field(key), min, max)
    }

    fn integer_value(&mut self, v: &Val<'_>, path: String, min: u64, max: u64) -> Option<u64> {
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(x) if x >= min as i64 && (x as u64) <= max => Some(x as u64),
                Ok(x) if x < min as i64 => {
                    self.error(Some(v.span()), path, format!("must be ≥ {min}, found {x}"));
                    None
                }
                _ => {
                    let text = i.to_string();
                    self.error(Some(v.span()), path, format!("must be at most {max}, found {text}"));
                    None
                }
            },
            DeValue::Table(_) => {
                self.error(Some(v.span()), path, "expected a whole number, found a table").help =
                    Some("only uncertain fields accept a distribution table".into());
                None
            }
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), path, format!("expected a whole number, found {found}"));
                None
            }
        }
    }

    /// A plain (certain) finite number in `domain`.
    fn number(&mut self, t: &Tbl<'_, '_>, field: &Field) -> Option<f64> {
        let v = t.get(field.key)?;
        let path = t.field(field.key);
        let x = self.plain_number(v, &path)?;
        let dist = Dist::fixed(x).ok()?;
        self.check_domain(&dist, field, v.span(), &path).then_some(x)
    }

    /// A finite number of any sign (integer or float); a table is refused with a
    /// hint that only uncertain fields take distributions.
    fn plain_number(&mut self, v: &Val<'_>, path: &str) -> Option<f64> {
        match v.get_ref() {
            DeValue::Table(_) => {
                self.error(Some(v.span()), path, "expected a number, found a distribution table").help =
                    Some("only uncertain fields accept a distribution; this one takes a plain number".into());
                None
            }
            other => match to_f64(other) {
                Some(x) if x.is_finite() => Some(x),
                Some(x) => {
                    self.error(Some(v.span()), path, format!("must be a finite number, found {x}"));
                    None
                }
                None => {
                    let found = type_name(other);
                    self.error(Some(v.span()), path, format!("expected a number, found {found}"));
                    None
                }
            },
        }
    }

    /// Checks that the whole support of `dist` lies in the field's domain, and
    /// that it stays within the field's scale up to its 1-in-10¹² upper value.
    fn check_domain(&mut self, dist: &Dist, field: &Field, span: Range<usize>, path: &str) -> bool {
        self.check_sign(dist, field.domain, span.clone(), path) && self.check_scale(dist, field.scale, span, path)
    }

    /// Checks that a distribution's 1-in-10¹² upper value stays within `scale`,
    /// and its lower end above the scale's minimum.
    fn check_scale(&mut self, dist: &Dist, scale: Scale, span: Range<usize>, path: &str) -> bool {
        let (lo, hi) = dist.support();
        let reach = if hi.is_finite() { hi } else { dist.quantile(1.0 - 1e-12) };
        if scale.min() > 0.0 && lo < scale.min() {
            self.error(
                Some(span),
                path,
                format!("must be at least {}, but this can take {}", plain(scale.min()), sci(lo)),
            )
            .help = Some(format!("chancap limits {} to {}–{}", scale.what(), plain(scale.min()), plain(scale.max())));
            return false;
        }
        if reach.is_nan() || reach > scale.max() {
            let value = if dist.as_fixed().is_some() {
                // Exactly: a value just past the limit must not read as the limit.
                let exact = if (1e-3..1e6).contains(&reach.abs()) { format!("{reach}") } else { format!("{reach:e}") };
                format!("found {exact}")
            } else if !reach.is_finite() {
                "this distribution's 1-in-10¹² upper value is beyond floating point".to_string()
            } else {
                format!("this distribution reaches {} once in 10¹² draws", sci(reach))
            };
            self.error(Some(span), path, format!("must stay at most {}, but {value}", sci(scale.max()))).help =
                Some(format!(
                    "chancap limits {} to {}, so that every total over the horizon stays finite; check the \
                     units, and for a distribution its spread (a long right tail reaches far)",
                    scale.what(),
                    sci(scale.max())
                ));
            return false;
        }
        true
    }

    /// Checks that the whole support of `dist` lies in `domain`.
    fn check_sign(&mut self, dist: &Dist, domain: Domain, span: Range<usize>, path: &str) -> bool {
        let (lo, hi) = dist.support();
        let range = |lo: f64, hi: f64| {
            if lo == hi { format!("{lo}") } else { format!("values in [{lo}, {hi}]") }
        };
        match domain {
            Domain::Rate if dist.is_untruncated_normal() => {
                self.error(
                    Some(span),
                    path,
                    "a rate must stay within [0, 1], but a normal distribution is unbounded",
                )
                .help = Some("truncate it with `min` and `max` inside [0, 1], or use `beta` with mean and sd".into());
                false
            }
            Domain::Rate if lo < 0.0 || hi > 1.0 => {
                self.error(
                    Some(span),
                    path,
                    format!("a rate must stay within [0, 1], but this can take {}", range(lo, hi)),
                )
                .help = Some("write rates as shares: 0.25 for 25 %".into());
                false
            }
            Domain::NonNegative | Domain::Positive if lo < 0.0 => {
                let msg = if dist.is_untruncated_normal() {
                    "must be ≥ 0, but an untruncated normal distribution can be negative".to_string()
                } else {
                    format!("must be ≥ 0, but this can take {}", range(lo, hi))
                };
                self.error(Some(span), path, msg).help =
                    Some("truncate a normal with `min = 0`, or use lognormal or gamma".into());
                false
            }
            Domain::Growth if lo <= -1.0 => {
                self.error(
                    Some(span),
                    path,
                    format!("market growth must stay above −1 (−100 %), but this can take {}", range(lo, hi)),
                )
                .help = Some("truncate it with `min`, e.g. min = -0.5".into());
                false
            }
            _ => true,
        }
    }

    /// A required array of finite numbers.
    fn number_list(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<Vec<f64>> {
        let Some(v) = t.get(key) else {
            self.missing(t, key, "an array of numbers");
            return None;
        };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error(Some(v.span()), t.field(key), format!("expected an array of numbers, found {found}"));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match to_f64(item.get_ref()) {
                Some(x) if x.is_finite() => out.push(x),
                Some(x) => {
                    self.error(
                        Some(item.span()),
                        format!("{}[{}]", t.field(key), i + 1),
                        format!("must be a finite number, found {x}"),
                    );
                    ok = false;
                }
                None => {
                    let found = type_name(item.get_ref());
                    self.error(
                        Some(item.span()),
                        format!("{}[{}]", t.field(key), i + 1),
                        format!("expected a number, found {found}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A period number within the horizon.
    fn period(&mut self, v: &Val<'_>, path: String) -> Option<usize> {
        let max = self.periods.unwrap_or(MAX_PERIODS as usize) as u64;
        let p = self.integer_value(v, path.clone(), 1, u64::MAX)?;
        if p > max {
            self.error(Some(v.span()), path, format!("period {p} is outside the horizon of {max} periods")).help =
                Some(format!("periods are numbered 1 to {max}"));
            return None;
        }
        Some(p as usize)
    }

    /// A name that must be an identifier (`[a-z0-9_-]`, up to 64 characters).
    fn identifier(&mut self, name: &Spanned<String>, path: String) -> bool {
        if valid_name(name.get_ref()) {
            return true;
        }
        self.invalid_names.push(name.get_ref().clone());
        let suggestion: String = name
            .get_ref()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
            .take(64)
            .collect();
        self.error(
            Some(name.span()),
            path,
            format!(
                "\"{}\" is not a valid name: use lowercase letters, digits, `_` and `-` (at most 64)",
                name.get_ref()
            ),
        )
        .help = Some(format!("e.g. \"{suggestion}\"; put display text in `label`"));
        false
    }

    /// A name that must refer to one of `names`.
    fn reference(&mut self, name: &Spanned<String>, path: String, what: &str, names: &[&str]) -> Option<usize> {
        if let Some(i) = names.iter().position(|n| *n == name.get_ref()) {
            return Some(i);
        }
        if self.invalid_names.contains(name.get_ref()) {
            // Its declaration was reported as an invalid name already.
            return None;
        }
        let help = match nearest(name.get_ref(), names.iter().copied()) {
            Some(n) => format!("did you mean \"{n}\"?"),
            None => format!("the {what}s are: {}", names.join(", ")),
        };
        self.error(Some(name.span()), path, format!("unknown {what} \"{}\"", name.get_ref())).help = Some(help);
        None
    }

    /// An optional plain number in its field's domain, with a default; `None` only
    /// after an error.
    fn number_or(&mut self, t: &Tbl<'_, '_>, field: &Field, default: f64) -> Option<f64> {
        match t.get(field.key) {
            None => Some(default),
            Some(_) => self.number(t, field),
        }
    }
}

/// A large or small number as a person reads it: `1e15`, `2.50e36`, `8,784`,
/// `4.94e-324`.
fn sci(x: f64) -> String {
    if x == 0.0 || x.is_finite() && (1e-3..1e6).contains(&x.abs()) {
        plain(x)
    } else {
        format!("{x:.2e}").replace(".00e", "e")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzz harness: unclosed inline tables on many lines made the
    /// TOML parser's error recovery overflow the stack.
    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let hostile = "a = {b=c={}\n".repeat(20_000);
        let (scenario, diags) = read(&hostile, "x.toml", false);
        assert!(scenario.is_none());
        assert!(diags[0].message.contains("nested more than 128 deep"), "{}", diags[0].message);
        // Each line nests one deeper: depth 129 at the second `{` of line 128.
        assert_eq!(diags[0].span, Some(12 * 127 + 9..12 * 127 + 10));
        // Brackets in strings and comments do not count; real nesting does.
        let quoted = format!(
            "# {}\nname = \"{}\"\nx = '''{}'''\ny = \"\"\"{}\\\"\"\"\"\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500),
            "{".repeat(500)
        );
        assert_eq!(too_deep(&quoted), None);
        assert_eq!(too_deep(&format!("x = {}{}", "[".repeat(128), "]".repeat(128))), None);
        assert_eq!(too_deep(&format!("x = {}", "[".repeat(129))), Some(4 + 128));
        // The shipped scenarios are far from it.
        let reference = include_str!("../../../scenarios/reference.toml");
        assert_eq!(too_deep(reference), None);
    }

    #[test]
    fn names_are_identifiers() {
        assert!(valid_name("key-accounts_2"));
        assert!(!valid_name("Key"));
        assert!(!valid_name(""));
        assert!(!valid_name("a.b"));
    }
}
