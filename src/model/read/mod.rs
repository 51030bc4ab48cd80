//! TOML text → [`Scenario`], collecting every problem at once.
//!
//! The text is parsed into toml's spanned document tree (`toml::de::DeTable`) and
//! walked field by field. A serde derive would stop at the first wrong type or
//! unknown key; walking the tree lets one run report every problem of the file,
//! each with its span, its field path and, for a misspelt key or name, the nearest
//! valid one. Field paths count array elements from 1 (`coverage[3]` is the third
//! `[[coverage]]` block), like periods.

use super::diag::{Diagnostic, nearest};
use super::dist::Dist;
use super::*;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

type Val<'i> = Spanned<DeValue<'i>>;

/// Largest horizon: ten years of weeks.
const MAX_PERIODS: u64 = 520;
/// Largest iteration count a file may ask for.
const MAX_ITERATIONS: u64 = 100_000_000;
/// Largest number of accounts in a segment.
const MAX_ACCOUNTS: u64 = 1_000_000_000;
/// Largest headcount, partner count, hire or recruit batch.
const MAX_HEADS: u64 = 1_000_000;
/// Largest ramp, lag or onboarding, in periods.
const MAX_LAG: u64 = 10_000;
/// Largest expected number of routed opportunities per iteration: every won deal is
/// drawn, so a larger scenario would run for hours per iteration.
const MAX_OPPORTUNITIES: f64 = 50_000_000.0;

const ROOT_KEYS: &[&str] =
    &["scenario", "targets", "capacity", "segments", "channels", "coverage", "campaigns", "correlations", "sweep"];
const SCENARIO_KEYS: &[&str] =
    &["name", "periods", "period", "currency", "iterations", "seed", "market_growth", "seasonality"];
const TARGET_KEYS: &[&str] = &["revenue", "contribution"];
const CAPACITY_KEYS: &[&str] = &["enforce"];
pub(super) const SEGMENT_KEYS: &[&str] =
    &["name", "label", "accounts", "opportunities_per_account", "deal_size", "gross_margin", "seasonality"];
pub(super) const PEOPLE_KEYS: &[&str] = &[
    "kind",
    "headcount",
    "hours_per_fte",
    "cost_per_fte",
    "attrition",
    "backfill",
    "hiring_lag",
    "ramp",
    "hires",
    "cost_per_opportunity",
];
pub(super) const RESELLER_KEYS: &[&str] = &[
    "kind",
    "partners",
    "opportunities_per_partner",
    "partner_margin",
    "incentives",
    "partner_churn",
    "onboarding",
    "recruits",
    "recruit_cost",
    "program_cost",
];
pub(super) const ONLINE_KEYS: &[&str] = &["kind", "fee", "cost_per_order", "platform_cost", "orders_capacity"];
pub(super) const COVERAGE_KEYS: &[&str] = &[
    "segment",
    "channel",
    "share",
    "hit_rate",
    "hours_per_opportunity",
    "contacts_per_account",
    "hours_per_contact",
    "deal_size_factor",
    "gross_margin",
];
const COVERAGE_PEOPLE_KEYS: &[&str] = &["hours_per_opportunity", "contacts_per_account", "hours_per_contact"];
pub(super) const CAMPAIGN_KEYS: &[&str] = &[
    "name",
    "segment",
    "channel",
    "periods",
    "reach",
    "hours_per_call",
    "response",
    "hit_rate",
    "hours_per_opportunity",
];
const DIST_NAMES: &[&str] =
    &["fixed", "uniform", "triangular", "pert", "normal", "lognormal", "beta", "gamma", "discrete"];

/// The keys a distribution table of family `name` accepts.
pub(super) fn dist_keys(name: &str) -> &'static [&'static str] {
    match name {
        "fixed" => &["dist", "value"],
        "uniform" => &["dist", "min", "max"],
        "triangular" | "pert" => &["dist", "min", "mode", "max"],
        "normal" => &["dist", "mean", "sd", "min", "max"],
        "lognormal" => &["dist", "median", "p90", "mean", "sd"],
        "beta" | "gamma" => &["dist", "mean", "sd"],
        _ => &["dist", "values", "weights"],
    }
}

/// The range a value must stay in, over its distribution's whole support.
#[derive(Clone, Copy, PartialEq)]
enum Domain {
    /// [0, 1].
    Rate,
    /// ≥ 0.
    NonNeg,
    /// > −1 (market growth).
    Growth,
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

/// A channel as far as it could be read.
struct ChannelEntry {
    name: Option<String>,
    kind: Option<ChannelKind>,
    channel: Option<Channel>,
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

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, what: &str) {
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
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            other => {
                let found = type_name(other);
                self.error(Some(v.span()), t.field(key), format!("expected a string, found {found}"));
                None
            }
        }
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
    fn number(&mut self, t: &Tbl<'_, '_>, key: &str, domain: Domain) -> Option<f64> {
        let v = t.get(key)?;
        self.number_value(v, t.field(key), domain)
    }

    fn number_value(&mut self, v: &Val<'_>, path: String, domain: Domain) -> Option<f64> {
        let x = self.plain_number(v, &path)?;
        let dist = Dist::fixed(x).ok()?;
        self.check_domain(&dist, domain, v.span(), &path).then_some(x)
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

    /// Checks that the whole support of `dist` lies in `domain`.
    fn check_domain(&mut self, dist: &Dist, domain: Domain, span: Range<usize>, path: &str) -> bool {
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
            Domain::NonNeg if lo < 0.0 => {
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

    /// An uncertain field: a number or a distribution table. Registers it as a
    /// parameter named `param_path`; a missing optional field takes `default`.
    fn uncertain(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        param_path: &str,
        domain: Domain,
        default: Option<f64>,
    ) -> Option<ParamId> {
        let dist = match t.get(key) {
            None => match default {
                Some(x) => Dist::fixed(x).ok()?,
                None => {
                    self.missing(t, key, "a number or a distribution table");
                    return None;
                }
            },
            Some(v) => self.dist(v, t.field(key), domain)?,
        };
        Some(self.add_param(format!("{param_path}.{key}"), dist))
    }

    /// A number or a distribution table, checked against `domain`.
    fn dist(&mut self, v: &Val<'_>, path: String, domain: Domain) -> Option<Dist> {
        let dist = match v.get_ref() {
            DeValue::Table(map) => {
                let t = Tbl { map, span: v.span(), path: path.clone() };
                self.dist_table(&t)?
            }
            _ => {
                let x = self.plain_number(v, &path)?;
                Dist::fixed(x).ok()?
            }
        };
        if self.check_domain(&dist, domain, v.span(), &path) { Some(dist) } else { None }
    }

    fn dist_table(&mut self, t: &Tbl<'_, '_>) -> Option<Dist> {
        let name = match t.get("dist") {
            None => {
                self.error(Some(t.span.clone()), t.field("dist"), "a distribution table needs `dist = \"…\"`").help =
                    Some(format!("one of: {}", DIST_NAMES.join(", ")));
                return None;
            }
            Some(v) => match v.get_ref() {
                DeValue::String(s) if DIST_NAMES.contains(&s.as_ref()) => s.to_string(),
                DeValue::String(s) => {
                    let help = match nearest(s, DIST_NAMES.iter().copied()) {
                        Some(n) => format!("did you mean \"{n}\"?"),
                        None => format!("one of: {}", DIST_NAMES.join(", ")),
                    };
                    self.error(Some(v.span()), t.field("dist"), format!("unknown distribution \"{s}\"")).help =
                        Some(help);
                    return None;
                }
                other => {
                    let found = type_name(other);
                    self.error(Some(v.span()), t.field("dist"), format!("expected a distribution name, found {found}"));
                    return None;
                }
            },
        };
        let keys = dist_keys(&name);
        self.check_keys(t, keys);
        let errors_before = self.diags.len();
        let num = |r: &mut Reader, key: &str, required: bool| -> Option<f64> {
            match t.get(key) {
                None => {
                    if required {
                        r.error(
                            Some(t.span.clone()),
                            t.field(key),
                            format!("missing `{key}` for a {name} distribution"),
                        );
                    }
                    None
                }
                Some(v) => r.plain_number(v, &t.field(key)),
            }
        };
        let built = match name.as_str() {
            "fixed" => num(self, "value", true).map(Dist::fixed),
            "uniform" => match (num(self, "min", true), num(self, "max", true)) {
                (Some(a), Some(b)) => Some(Dist::uniform(a, b)),
                _ => None,
            },
            "triangular" | "pert" => match (num(self, "min", true), num(self, "mode", true), num(self, "max", true)) {
                (Some(a), Some(m), Some(b)) if name == "pert" => Some(Dist::pert(a, m, b)),
                (Some(a), Some(m), Some(b)) => Some(Dist::triangular(a, m, b)),
                _ => None,
            },
            "normal" => {
                let mean = num(self, "mean", true);
                let sd = num(self, "sd", true);
                let min = num(self, "min", false);
                let max = num(self, "max", false);
                match (mean, sd) {
                    (Some(m), Some(s)) => Some(Dist::normal(m, s, min, max)),
                    _ => None,
                }
            }
            "lognormal" => {
                let by_median = t.get("median").is_some() || t.get("p90").is_some();
                let by_mean = t.get("mean").is_some() || t.get("sd").is_some();
                if by_median && by_mean {
                    self.error(
                        Some(t.span.clone()),
                        t.path.clone(),
                        "a lognormal is given either by median and p90 or by mean and sd, not both",
                    );
                    None
                } else if by_mean {
                    match (num(self, "mean", true), num(self, "sd", true)) {
                        (Some(m), Some(s)) => Some(Dist::lognormal_mean_sd(m, s)),
                        _ => None,
                    }
                } else {
                    match (num(self, "median", true), num(self, "p90", true)) {
                        (Some(m), Some(p)) => Some(Dist::lognormal_median_p90(m, p)),
                        _ => None,
                    }
                }
            }
            "beta" | "gamma" => match (num(self, "mean", true), num(self, "sd", true)) {
                (Some(m), Some(s)) if name == "beta" => Some(Dist::beta(m, s)),
                (Some(m), Some(s)) => Some(Dist::gamma(m, s)),
                _ => None,
            },
            _ => {
                let values = self.number_list(t, "values");
                let weights = self.number_list(t, "weights");
                match (values, weights) {
                    (Some(v), Some(w)) => Some(Dist::discrete(v, w)),
                    _ => None,
                }
            }
        };
        if self.diags.len() > errors_before {
            return None;
        }
        match built? {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(Some(t.span.clone()), t.path.clone(), message);
                None
            }
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

    /// A seasonality profile: `periods` or `ppy` non-negative numbers, normalised.
    fn seasonality(&mut self, t: &Tbl<'_, '_>) -> Option<Vec<f64>> {
        let v = t.get("seasonality")?;
        let raw = self.number_list(t, "seasonality")?;
        let path = t.field("seasonality");
        let DeValue::Array(items) = v.get_ref() else { return None };
        let mut ok = true;
        for (i, (x, item)) in raw.iter().zip(items.iter()).enumerate() {
            if *x < 0.0 {
                self.error(Some(item.span()), format!("{path}[{}]", i + 1), format!("must be ≥ 0, found {x}"));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let periods = self.periods?;
        match normalize_season(&raw, periods, self.ppy) {
            Ok(profile) => Some(profile),
            Err(message) => {
                self.error(Some(v.span()), path, message);
                None
            }
        }
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
        let help = match nearest(name.get_ref(), names.iter().copied()) {
            Some(n) => format!("did you mean \"{n}\"?"),
            None => format!("the {what}s are: {}", names.join(", ")),
        };
        self.error(Some(name.span()), path, format!("unknown {what} \"{}\"", name.get_ref())).help = Some(help);
        None
    }

    fn scenario(&mut self, root: &Tbl<'_, '_>) -> Option<Scenario> {
        self.check_keys(root, ROOT_KEYS);

        // [scenario]
        let head = match root.get("scenario") {
            Some(v) => self.table(v, "scenario".into()),
            None => {
                self.error(Some(0..0), "scenario", "missing the [scenario] table").help =
                    Some("start the file with [scenario] and name = \"…\"".into());
                None
            }
        };
        let empty = DeTable::default();
        let head = head.unwrap_or(Tbl { map: &empty, span: 0..0, path: "scenario".into() });
        self.check_keys(&head, SCENARIO_KEYS);
        let name = if root.get("scenario").is_some() { self.string(&head, "name", true) } else { None };
        let periods =
            self.integer(&head, "periods", false, 1, MAX_PERIODS).or(head.get("periods").map_or(Some(12), |_| None));
        let period = match self.string(&head, "period", false) {
            None => Some(PeriodKind::Month),
            Some(p) => match p.get_ref().as_str() {
                "month" => Some(PeriodKind::Month),
                "quarter" => Some(PeriodKind::Quarter),
                "week" => Some(PeriodKind::Week),
                other => {
                    let help = match nearest(other, ["month", "quarter", "week"]) {
                        Some(n) => format!("did you mean \"{n}\"?"),
                        None => "one of: month, quarter, week".into(),
                    };
                    self.error(Some(p.span()), "scenario.period", format!("unknown period length \"{other}\"")).help =
                        Some(help);
                    None
                }
            },
        };
        self.periods = periods.map(|p| p as usize);
        self.ppy = period.unwrap_or(PeriodKind::Month).per_year();
        if period.is_none() {
            self.periods = None;
        }
        let currency = self.string(&head, "currency", false).map_or_else(|| "EUR".to_string(), |s| s.into_inner());
        let iterations = self.integer(&head, "iterations", false, 1, MAX_ITERATIONS).unwrap_or(10_000);
        let seed = self.integer(&head, "seed", false, 0, i64::MAX as u64).unwrap_or(1);
        let market_growth = self.uncertain(&head, "market_growth", "scenario", Domain::Growth, Some(0.0));
        let season = self.seasonality(&head);

        // [targets], [capacity]
        let mut targets = Vec::new();
        if let Some(v) = root.get("targets")
            && let Some(t) = self.table(v, "targets".into())
        {
            self.check_keys(&t, TARGET_KEYS);
            for (key, metric) in [("revenue", TargetMetric::Revenue), ("contribution", TargetMetric::Contribution)] {
                if let Some(value) = self.number(&t, key, Domain::NonNeg) {
                    targets.push(Target { metric, value });
                }
            }
        }
        let mut enforce_capacity = true;
        if let Some(v) = root.get("capacity")
            && let Some(t) = self.table(v, "capacity".into())
        {
            self.check_keys(&t, CAPACITY_KEYS);
            enforce_capacity = self.boolean(&t, "enforce", true);
        }

        let segments = self.segments(root, season.as_deref());
        let channels = self.channels(root);
        let segment_names: Vec<&str> = segments.iter().map(|s| s.0.as_deref().unwrap_or("")).collect();
        let coverage = self.coverage(root, &segment_names, &channels);
        let campaigns = self.campaigns(root, &segment_names, &channels);

        if segments.is_empty() && root.get("segments").is_none() {
            self.error(
                Some(root.span.start..root.span.start),
                "segments",
                "no [[segments]]: the pyramid needs at least one segment",
            );
        }
        if channels.is_empty() && root.get("channels").is_none() {
            self.error(
                Some(root.span.start..root.span.start),
                "channels",
                "no [channels.NAME]: at least one channel is needed",
            );
        }
        if coverage.is_empty()
            && campaigns.is_empty()
            && root.get("coverage").is_none()
            && root.get("campaigns").is_none()
        {
            self.error(
                Some(root.span.start..root.span.start),
                "coverage",
                "no [[coverage]] rows: no channel serves any segment",
            );
        }

        // Everything below needs a fully valid file.
        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        let segments: Vec<Segment> = segments.into_iter().map(|s| s.1.expect("checked: no errors")).collect();
        let channels: Vec<Channel> = channels.into_iter().map(|c| c.channel.expect("checked: no errors")).collect();
        let coverage: Vec<Coverage> = coverage.into_iter().map(|c| c.expect("checked: no errors")).collect();
        let campaigns: Vec<Campaign> = campaigns.into_iter().map(|c| c.expect("checked: no errors")).collect();
        self.size_check(&segments, market_growth?, periods? as usize, root.span.clone());
        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        self.coverage_warnings(&segments, &channels, &coverage, &campaigns);
        let (correlations, copula) = self.correlations(root);
        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return None;
        }
        Some(Scenario {
            origin: String::new(),
            name: name?.into_inner(),
            periods: periods? as usize,
            period: period?,
            currency,
            iterations,
            seed,
            market_growth: market_growth?,
            targets,
            enforce_capacity,
            segments,
            channels,
            coverage,
            campaigns,
            params: std::mem::take(&mut self.params),
            correlations,
            copula,
            sampling: Sampling::MonteCarlo,
            warnings: Vec::new(),
        })
    }

    /// The segments; each with its name when that is valid, even if other fields
    /// are not, so that references to it do not cascade into more errors.
    fn segments(&mut self, root: &Tbl<'_, '_>, season: Option<&[f64]>) -> Vec<(Option<String>, Option<Segment>)> {
        let tables = self.table_array(root, "segments");
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, SEGMENT_KEYS);
            let name = self.string(t, "name", true);
            let name_ok = name.as_ref().is_some_and(|n| self.identifier(n, t.field("name")));
            if let (Some(n), true) = (&name, name_ok) {
                if let Some(first) = seen.get(n.get_ref()) {
                    let first = *first;
                    self.error(
                        Some(n.span()),
                        t.field("name"),
                        format!("duplicate segment name \"{}\"", n.get_ref()),
                    )
                    .help = Some(format!("segments[{first}] has that name already; each segment needs its own"));
                } else {
                    seen.insert(n.get_ref().clone(), out.len() + 1);
                }
            }
            let key = name
                .as_ref()
                .filter(|_| name_ok)
                .map_or_else(|| t.path.clone(), |n| format!("segments.{}", n.get_ref()));
            let label = self.string(t, "label", false);
            let accounts = self.integer(t, "accounts", true, 0, MAX_ACCOUNTS);
            let opa = self.uncertain(t, "opportunities_per_account", &key, Domain::NonNeg, None);
            let deal_size = match t.get("deal_size") {
                None => {
                    self.missing(t, "deal_size", "a number or a distribution table, drawn per won deal");
                    None
                }
                Some(v) => self.dist(v, t.field("deal_size"), Domain::NonNeg),
            };
            let gross_margin = self.uncertain(t, "gross_margin", &key, Domain::Rate, Some(0.0));
            let own_season = self.seasonality(t);
            let profile =
                own_season.or_else(|| season.map(<[f64]>::to_vec)).or_else(|| self.periods.map(|p| vec![1.0; p]));
            let valid_name = name.as_ref().filter(|_| name_ok).map(|n| n.get_ref().clone());
            out.push((
                valid_name,
                (|| {
                    let name = name?.into_inner();
                    Some(Segment {
                        label: label.map_or_else(|| name.clone(), |l| l.into_inner()),
                        name,
                        accounts: accounts?,
                        opportunities_per_account: opa?,
                        deal_size: deal_size?,
                        gross_margin: gross_margin?,
                        season: profile?,
                    })
                })(),
            ));
        }
        out
    }

    /// The channels with their name and kind when those are valid (see `segments`).
    fn channels(&mut self, root: &Tbl<'_, '_>) -> Vec<ChannelEntry> {
        let Some(v) = root.get("channels") else { return Vec::new() };
        let Some(all) = self.table(v, "channels".into()) else { return Vec::new() };
        let mut out = Vec::new();
        for (key, value) in all.map.iter() {
            let name = Spanned::new(key.span(), key.get_ref().to_string());
            let path = format!("channels.{}", name.get_ref());
            let name_ok = self.identifier(&name, path.clone());
            let valid_name = name_ok.then(|| name.get_ref().clone());
            let Some(t) = self.table(value, path.clone()) else {
                out.push(ChannelEntry { name: valid_name, kind: None, channel: None });
                continue;
            };
            let kind = match self.string(&t, "kind", true) {
                None => None,
                Some(k) => match k.get_ref().as_str() {
                    "direct" => Some(ChannelKind::Direct),
                    "telesales" => Some(ChannelKind::Telesales),
                    "reseller" => Some(ChannelKind::Reseller),
                    "online" => Some(ChannelKind::Online),
                    other => {
                        let kinds = ["direct", "telesales", "reseller", "online"];
                        let help = match nearest(other, kinds) {
                            Some(n) => format!("did you mean \"{n}\"?"),
                            None => "one of: direct, telesales, reseller, online".into(),
                        };
                        self.error(Some(k.span()), t.field("kind"), format!("unknown channel kind \"{other}\"")).help =
                            Some(help);
                        None
                    }
                },
            };
            let Some(kind) = kind else {
                out.push(ChannelEntry { name: valid_name, kind: None, channel: None });
                continue;
            };
            let allowed = match kind {
                ChannelKind::Direct | ChannelKind::Telesales => PEOPLE_KEYS,
                ChannelKind::Reseller => RESELLER_KEYS,
                ChannelKind::Online => ONLINE_KEYS,
            };
            self.channel_keys(&t, kind, allowed);
            let model = match kind {
                ChannelKind::Direct | ChannelKind::Telesales => self.people(&t, &path).map(ChannelModel::People),
                ChannelKind::Reseller => self.reseller(&t, &path).map(ChannelModel::Reseller),
                ChannelKind::Online => self.online(&t, &path).map(ChannelModel::Online),
            };
            let channel = match (model, name_ok) {
                (Some(model), true) => Some(Channel { name: name.into_inner(), kind, model }),
                _ => None,
            };
            out.push(ChannelEntry { name: valid_name, kind: Some(kind), channel });
        }
        if out.is_empty() {
            self.error(Some(v.span()), "channels", "no channels: add at least one [channels.NAME] table");
        }
        out
    }

    /// Unknown keys of a channel; a key of another kind gets a specific message.
    fn channel_keys(&mut self, t: &Tbl<'_, '_>, kind: ChannelKind, allowed: &[&str]) {
        for (key, _) in t.map.iter() {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            let owner = [(PEOPLE_KEYS, "direct and telesales"), (RESELLER_KEYS, "reseller"), (ONLINE_KEYS, "online")]
                .into_iter()
                .find(|(keys, _)| keys.contains(&name));
            let d = match owner {
                Some((_, owner)) => {
                    let d = self.error(
                        Some(key.span()),
                        t.field(name),
                        format!(
                            "`{name}` is a field of {owner} channels, but this channel is kind = \"{}\"",
                            kind.as_str()
                        ),
                    );
                    d.help = Some(format!("a {} channel takes: {}", kind.as_str(), allowed[1..].join(", ")));
                    continue;
                }
                None => self.error(Some(key.span()), t.field(name), format!("unknown field `{name}`")),
            };
            d.help = Some(match nearest(name, allowed.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("a {} channel takes: {}", kind.as_str(), allowed[1..].join(", ")),
            });
        }
    }

    /// `hires` / `recruits`: an array of `{ period, <count_key> }` tables.
    fn additions(&mut self, t: &Tbl<'_, '_>, key: &str, count_key: &str) -> Option<Vec<Addition>> {
        let Some(v) = t.get(key) else { return Some(Vec::new()) };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error(
                Some(v.span()),
                t.field(key),
                format!("expected an array like [{{ period = 7, {count_key} = 2 }}], found {found}"),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{}]", t.field(key), i + 1);
            let Some(row) = self.table(item, path) else {
                ok = false;
                continue;
            };
            self.check_keys(&row, &["period", count_key]);
            let period = match row.get("period") {
                Some(p) => self.period(p, row.field("period")),
                None => {
                    self.missing(&row, "period", "the period they join");
                    None
                }
            };
            let count = self.integer(&row, count_key, true, 0, MAX_HEADS);
            match (period, count) {
                (Some(period), Some(count)) => out.push(Addition { period, count }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn people(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<People> {
        let headcount = self.integer(t, "headcount", true, 0, MAX_HEADS);
        let hours_per_fte = match t.get("hours_per_fte") {
            None => {
                self.missing(t, "hours_per_fte", "productive selling hours per FTE per year");
                None
            }
            Some(_) => match self.number(t, "hours_per_fte", Domain::NonNeg) {
                Some(h) if h > 0.0 => Some(h),
                Some(_) => {
                    let span = t.get("hours_per_fte").map(Spanned::span);
                    self.error(
                        span,
                        t.field("hours_per_fte"),
                        "must be > 0: a person with no selling hours adds no capacity",
                    )
                    .help = Some("typical values are 1,200 to 1,600 hours per year".into());
                    None
                }
                None => None,
            },
        };
        let cost_per_fte = match t.get("cost_per_fte") {
            None => {
                self.missing(t, "cost_per_fte", "fully loaded cost per FTE per year");
                None
            }
            Some(_) => self.number(t, "cost_per_fte", Domain::NonNeg),
        };
        let attrition = self.uncertain(t, "attrition", path, Domain::Rate, Some(0.0));
        let backfill = self.boolean(t, "backfill", false);
        let hiring_lag = self.integer(t, "hiring_lag", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let ramp = self.integer(t, "ramp", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let hires = self.additions(t, "hires", "headcount");
        let cost_per_opportunity = self.number_or(t, "cost_per_opportunity", 0.0);
        Some(People {
            headcount: headcount?,
            hours_per_fte: hours_per_fte?,
            cost_per_fte: cost_per_fte?,
            attrition: attrition?,
            backfill,
            hiring_lag,
            ramp,
            hires: hires?,
            cost_per_opportunity: cost_per_opportunity?,
        })
    }

    /// An optional plain number ≥ 0 with a default; `None` only after an error.
    fn number_or(&mut self, t: &Tbl<'_, '_>, key: &str, default: f64) -> Option<f64> {
        match t.get(key) {
            None => Some(default),
            Some(_) => self.number(t, key, Domain::NonNeg),
        }
    }

    fn reseller(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<Reseller> {
        let partners = self.integer(t, "partners", true, 0, MAX_HEADS);
        let opp = self.uncertain(t, "opportunities_per_partner", path, Domain::NonNeg, None);
        let margin = self.uncertain(t, "partner_margin", path, Domain::Rate, Some(0.0));
        let incentives = self.uncertain(t, "incentives", path, Domain::Rate, Some(0.0));
        let churn = self.uncertain(t, "partner_churn", path, Domain::Rate, Some(0.0));
        let onboarding = self.integer(t, "onboarding", false, 0, MAX_LAG).unwrap_or(0) as usize;
        let recruits = self.additions(t, "recruits", "partners");
        let recruit_cost = self.number_or(t, "recruit_cost", 0.0);
        let program_cost = self.number_or(t, "program_cost", 0.0);
        Some(Reseller {
            partners: partners?,
            opportunities_per_partner: opp?,
            partner_margin: margin?,
            incentives: incentives?,
            partner_churn: churn?,
            onboarding,
            recruits: recruits?,
            recruit_cost: recruit_cost?,
            program_cost: program_cost?,
        })
    }

    fn online(&mut self, t: &Tbl<'_, '_>, path: &str) -> Option<Online> {
        let fee = self.uncertain(t, "fee", path, Domain::Rate, Some(0.0));
        let cost_per_order = self.number_or(t, "cost_per_order", 0.0);
        let platform_cost = self.number_or(t, "platform_cost", 0.0);
        let capacity = self.number_or(t, "orders_capacity", 0.0);
        Some(Online {
            fee: fee?,
            cost_per_order: cost_per_order?,
            platform_cost: platform_cost?,
            orders_capacity: capacity.map(|c| (c > 0.0).then_some(c))?,
        })
    }

    /// Coverage rows; checks pairs given twice and shares of a segment above 1.
    fn coverage(
        &mut self,
        root: &Tbl<'_, '_>,
        segment_names: &[&str],
        channels: &[ChannelEntry],
    ) -> Vec<Option<Coverage>> {
        let tables = self.table_array(root, "coverage");
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_deref().unwrap_or("")).collect();
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        let mut shares: Vec<Vec<(f64, Range<usize>, String)>> = vec![Vec::new(); segment_names.len()];
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, COVERAGE_KEYS);
            let seg_name = self.string(t, "segment", true);
            let ch_name = self.string(t, "channel", true);
            let segment =
                seg_name.as_ref().and_then(|n| self.reference(n, t.field("segment"), "segment", segment_names));
            let channel =
                ch_name.as_ref().and_then(|n| self.reference(n, t.field("channel"), "channel", &channel_names));
            let key = match (&seg_name, &ch_name) {
                (Some(s), Some(c)) => format!("coverage.{}.{}", s.get_ref(), c.get_ref()),
                _ => t.path.clone(),
            };
            if let (Some(s), Some(c)) = (segment, channel) {
                self.covered_pairs.push((s, c));
                if let Some(first) = seen.get(&(s, c)) {
                    self.error(
                        ch_name.as_ref().map(Spanned::span),
                        t.path.clone(),
                        format!(
                            "segment \"{}\" and channel \"{}\" are paired twice",
                            segment_names[s], channel_names[c]
                        ),
                    )
                    .help = Some(format!("merge this row with coverage[{first}]"));
                } else {
                    seen.insert((s, c), out.len() + 1);
                }
            }
            let kind = channel.and_then(|c| channels[c].kind);
            let people = kind.is_none_or(ChannelKind::is_people);
            if !people {
                for field in COVERAGE_PEOPLE_KEYS {
                    if let Some((k, _)) = t.map.get_key_value(*field) {
                        self.error(
                            Some(k.span()),
                            t.field(field),
                            format!(
                                "`{field}` applies to direct and telesales channels; \"{}\" is kind = \"{}\"",
                                channel_names[channel.unwrap_or(0)],
                                kind.map_or("?", ChannelKind::as_str)
                            ),
                        )
                        .help = Some(
                            "reseller capacity is in opportunities per partner; online capacity is orders_capacity"
                                .into(),
                        );
                    }
                }
            }
            let share = match t.get("share") {
                None => {
                    self.missing(t, "share", "the share of the segment's opportunities routed here, 0 to 1");
                    None
                }
                Some(_) => self.number(t, "share", Domain::Rate),
            };
            if let (Some(s), Some(x)) = (segment, share) {
                let span = t.get("share").map_or(t.span.clone(), Spanned::span);
                shares[s].push((x, span, t.path.clone()));
            }
            let hit_rate = self.uncertain(t, "hit_rate", &key, Domain::Rate, None);
            let hpo = if people { self.number_or(t, "hours_per_opportunity", 0.0) } else { Some(0.0) };
            let cpa = if people { self.number_or(t, "contacts_per_account", 0.0) } else { Some(0.0) };
            let hpc = if people { self.number_or(t, "hours_per_contact", 0.0) } else { Some(0.0) };
            let dsf = self.uncertain(t, "deal_size_factor", &key, Domain::NonNeg, Some(1.0));
            let gm = match t.get("gross_margin") {
                None => Some(None),
                Some(_) => self.uncertain(t, "gross_margin", &key, Domain::Rate, None).map(Some),
            };
            out.push((|| {
                Some(Coverage {
                    segment: segment?,
                    channel: channel?,
                    share: share?,
                    hit_rate: hit_rate?,
                    hours_per_opportunity: hpo?,
                    contacts_per_account: cpa?,
                    hours_per_contact: hpc?,
                    deal_size_factor: dsf?,
                    gross_margin: gm?,
                })
            })());
        }
        for (s, rows) in shares.iter().enumerate() {
            let total: f64 = rows.iter().map(|r| r.0).sum();
            if total > 1.0 + 1e-9 {
                let parts: Vec<String> = rows.iter().map(|(x, _, p)| format!("{p}: {x}")).collect();
                let span = rows.last().map(|r| r.1.clone());
                self.error(
                    span,
                    format!("segments.{}", segment_names[s]),
                    format!(
                        "the shares of segment \"{}\" add up to {}, more than 1",
                        segment_names[s],
                        crate::model::text::plain(total)
                    ),
                )
                .help = Some(format!(
                    "{}; lower them so they sum to at most 1 (the rest is uncovered demand)",
                    parts.join(", ")
                ));
            }
        }
        out
    }

    fn campaigns(
        &mut self,
        root: &Tbl<'_, '_>,
        segment_names: &[&str],
        channels: &[ChannelEntry],
    ) -> Vec<Option<Campaign>> {
        let tables = self.table_array(root, "campaigns");
        let channel_names: Vec<&str> = channels.iter().map(|c| c.name.as_deref().unwrap_or("")).collect();
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut out = Vec::new();
        for t in &tables {
            self.check_keys(t, CAMPAIGN_KEYS);
            let name = self.string(t, "name", true);
            let name_ok = name.as_ref().is_some_and(|n| self.identifier(n, t.field("name")));
            if let (Some(n), true) = (&name, name_ok)
                && seen.insert(n.get_ref().clone(), ()).is_some()
            {
                self.error(Some(n.span()), t.field("name"), format!("duplicate campaign name \"{}\"", n.get_ref()));
            }
            let key = name
                .as_ref()
                .filter(|_| name_ok)
                .map_or_else(|| t.path.clone(), |n| format!("campaigns.{}", n.get_ref()));
            let seg_name = self.string(t, "segment", true);
            let ch_name = self.string(t, "channel", true);
            let segment =
                seg_name.as_ref().and_then(|n| self.reference(n, t.field("segment"), "segment", segment_names));
            let mut channel =
                ch_name.as_ref().and_then(|n| self.reference(n, t.field("channel"), "channel", &channel_names));
            if let (Some(c), Some(n)) = (channel, &ch_name)
                && let Some(kind) = channels[c].kind.filter(|k| !k.is_people())
            {
                self.error(
                    Some(n.span()),
                    t.field("channel"),
                    format!(
                        "campaigns run on direct or telesales channels; \"{}\" is kind = \"{}\"",
                        n.get_ref(),
                        kind.as_str()
                    ),
                );
                channel = None;
            }
            let periods = self.campaign_periods(t);
            let reach = self.uncertain(t, "reach", &key, Domain::Rate, None);
            let hours_per_call = match t.get("hours_per_call") {
                None => {
                    self.missing(t, "hours_per_call", "hours per call");
                    None
                }
                Some(_) => self.number(t, "hours_per_call", Domain::NonNeg),
            };
            let response = self.uncertain(t, "response", &key, Domain::Rate, None);
            let covered = match (segment, channel) {
                (Some(s), Some(c)) => self.covered_pairs.contains(&(s, c)),
                _ => true,
            };
            let hit_rate = match t.get("hit_rate") {
                Some(_) => self.uncertain(t, "hit_rate", &key, Domain::Rate, None).map(Some),
                None if !covered => {
                    self.error(
                        Some(t.span.clone()),
                        t.field("hit_rate"),
                        format!(
                            "missing `hit_rate`: no coverage row pairs segment \"{}\" with channel \"{}\" to take it from",
                            segment_names[segment.unwrap_or(0)],
                            channel_names[channel.unwrap_or(0)]
                        ),
                    )
                    .help = Some("give the campaign its own hit_rate".into());
                    None
                }
                None => Some(None),
            };
            let hpo = match t.get("hours_per_opportunity") {
                None => Some(None),
                Some(_) => self.number(t, "hours_per_opportunity", Domain::NonNeg).map(Some),
            };
            out.push((|| {
                Some(Campaign {
                    name: name?.into_inner(),
                    segment: segment?,
                    channel: channel?,
                    periods: periods?,
                    reach: reach?,
                    hours_per_call: hours_per_call?,
                    response: response?,
                    hit_rate: hit_rate?,
                    hours_per_opportunity: hpo?,
                })
            })());
        }
        out
    }

    fn campaign_periods(&mut self, t: &Tbl<'_, '_>) -> Option<Vec<usize>> {
        let Some(v) = t.get("periods") else {
            self.missing(t, "periods", "the periods it calls in, e.g. [3, 4]");
            return None;
        };
        let DeValue::Array(items) = v.get_ref() else {
            let found = type_name(v.get_ref());
            self.error(
                Some(v.span()),
                t.field("periods"),
                format!("expected an array of period numbers like [3, 4], found {found}"),
            );
            return None;
        };
        if items.is_empty() {
            self.error(Some(v.span()), t.field("periods"), "a campaign needs at least one period");
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.period(item, format!("{}[{}]", t.field("periods"), i + 1)) {
                Some(p) if out.contains(&p) => {
                    self.error(
                        Some(item.span()),
                        format!("{}[{}]", t.field("periods"), i + 1),
                        format!("period {p} is listed twice"),
                    );
                    ok = false;
                }
                Some(p) => out.push(p),
                None => ok = false,
            }
        }
        out.sort_unstable();
        ok.then_some(out)
    }

    /// Refuses scenarios whose expected demand would take hours per iteration.
    fn size_check(&mut self, segments: &[Segment], growth: ParamId, periods: usize, span: Range<usize>) {
        let g = 1.0 + self.params[growth.0].dist.mean();
        let years = periods as f64 / self.ppy as f64;
        let total: f64 = segments
            .iter()
            .map(|s| s.accounts as f64 * self.params[s.opportunities_per_account.0].dist.mean() * g * years)
            .sum();
        if total > MAX_OPPORTUNITIES {
            self.error(
                Some(span.start..span.start),
                "segments",
                format!(
                    "the segments expect about {} opportunities per iteration; chancap draws every deal and is limited to {}",
                    crate::model::text::count(total),
                    crate::model::text::count(MAX_OPPORTUNITIES)
                ),
            )
            .help = Some("model accounts in thousands, or a shorter horizon".into());
        }
    }

    fn coverage_warnings(
        &mut self,
        segments: &[Segment],
        channels: &[Channel],
        coverage: &[Coverage],
        campaigns: &[Campaign],
    ) {
        for (i, s) in segments.iter().enumerate() {
            let served =
                coverage.iter().any(|c| c.segment == i && c.share > 0.0) || campaigns.iter().any(|c| c.segment == i);
            if !served {
                self.warn(
                    None,
                    format!("segments.{}", s.name),
                    format!("segment \"{}\" is served by no channel: all its demand is uncovered", s.name),
                );
            }
        }
        for (i, c) in channels.iter().enumerate() {
            let used = coverage.iter().any(|r| r.channel == i) || campaigns.iter().any(|r| r.channel == i);
            if !used {
                self.warn(
                    None,
                    format!("channels.{}", c.name),
                    format!("channel \"{}\" serves no segment; its fixed costs still count", c.name),
                );
            }
        }
    }
}

/// Normalises a seasonality profile to mean 1 over the horizon.
///
/// A profile of `periods` numbers is divided by its mean. A profile of `ppy`
/// numbers (one year) is divided by its mean over the year, then repeated or cut to
/// the horizon. Values must be non-negative and not all zero.
pub fn normalize_season(raw: &[f64], periods: usize, ppy: usize) -> Result<Vec<f64>, String> {
    if raw.len() != periods && raw.len() != ppy {
        return Err(if periods == ppy {
            format!("expected {periods} values (one per period), found {}", raw.len())
        } else {
            format!("expected {periods} values (one per period) or {ppy} (one year, repeated), found {}", raw.len())
        });
    }
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    if mean.is_nan() || mean <= 0.0 {
        return Err("a seasonality profile must not be all zero".into());
    }
    Ok((0..periods).map(|t| raw[t % raw.len()] / mean).collect())
}

impl Reader {
    /// `[[correlations]]`: pairs of uncertain fields and their rank correlation,
    /// checked one by one, then as a whole (the matrix must be a correlation
    /// matrix), and factored for the Gaussian copula.
    fn correlations(&mut self, root: &Tbl<'_, '_>) -> (Vec<Correlation>, Option<Copula>) {
        let tables = self.table_array(root, "correlations");
        let paths: Vec<String> = self.params.iter().map(|p| p.path.clone()).collect();
        let uncertain: Vec<&str> =
            self.params.iter().filter(|p| p.dist.as_fixed().is_none()).map(|p| p.path.as_str()).collect();
        let uncertain: Vec<String> = uncertain.into_iter().map(String::from).collect();
        let mut out: Vec<Correlation> = Vec::new();
        let mut spans: Vec<Range<usize>> = Vec::new();
        for t in &tables {
            self.check_keys(t, &["between", "rank"]);
            let mut ids = Vec::new();
            match t.get("between") {
                None => self.missing(
                    t,
                    "between",
                    "two field paths, e.g. [\"scenario.market_growth\", \"coverage.key.direct.hit_rate\"]",
                ),
                Some(v) => match v.get_ref() {
                    DeValue::Array(items) if items.len() == 2 => {
                        for (i, item) in items.iter().enumerate() {
                            let field = format!("{}[{}]", t.field("between"), i + 1);
                            let DeValue::String(path) = item.get_ref() else {
                                self.error(Some(item.span()), field, "expected a field path (a string)");
                                continue;
                            };
                            match paths.iter().position(|p| p == path.as_ref()) {
                                Some(k) if self.params[k].dist.as_fixed().is_some() => {
                                    self.error(
                                        Some(item.span()),
                                        field,
                                        format!("`{path}` is a fixed number in the file; only uncertain fields can be correlated"),
                                    )
                                    .help = Some("give it a distribution, or drop this correlation".into());
                                }
                                Some(k) => ids.push((ParamId(k), item.span())),
                                None => {
                                    let help = if path.ends_with(".deal_size") {
                                        "deal sizes are drawn once per deal, not once per year, so they cannot be correlated".to_string()
                                    } else {
                                        match nearest(path, uncertain.iter().map(String::as_str)) {
                                            Some(n) => format!("did you mean `{n}`?"),
                                            None => "correlations name uncertain fields by their path, e.g. `coverage.key.direct.hit_rate`".into(),
                                        }
                                    };
                                    self.error(
                                        Some(item.span()),
                                        field,
                                        format!("`{path}` is not an uncertain field of this scenario"),
                                    )
                                    .help = Some(help);
                                }
                            }
                        }
                    }
                    other => {
                        let found = match other {
                            DeValue::Array(items) => format!("an array of {} items", items.len()),
                            o => type_name(o),
                        };
                        self.error(
                            Some(v.span()),
                            t.field("between"),
                            format!("expected two field paths, found {found}"),
                        );
                    }
                },
            }
            let rank = match t.get("rank") {
                None => {
                    self.missing(t, "rank", "a rank correlation between −1 and 1");
                    None
                }
                Some(v) => match self.plain_number(v, &t.field("rank")) {
                    Some(r) if (-1.0..=1.0).contains(&r) => Some(r),
                    Some(r) => {
                        self.error(
                            Some(v.span()),
                            t.field("rank"),
                            format!("a rank correlation lies between −1 and 1, found {r}"),
                        );
                        None
                    }
                    None => None,
                },
            };
            if let ([(a, sa), (b, _)], Some(rank)) = (ids.as_slice(), rank) {
                if a == b {
                    self.error(Some(sa.clone()), t.field("between"), "a field cannot be correlated with itself");
                    continue;
                }
                if let Some(k) = out.iter().position(|c| (c.a == *a && c.b == *b) || (c.a == *b && c.b == *a)) {
                    let first = spans[k].clone();
                    self.error(
                        Some(t.span.clone()),
                        t.field("between"),
                        format!("the pair {} – {} is correlated twice", paths[a.0], paths[b.0]),
                    )
                    .help = Some(format!("keep one of the two entries (the first is at byte {})", first.start));
                    continue;
                }
                out.push(Correlation { a: *a, b: *b, rank });
                spans.push(t.span.clone());
            }
        }
        if out.is_empty() || self.diags.iter().any(|d| d.severity == Severity::Error) {
            return (out, None);
        }
        // The matrix of the fields involved, in order of first mention.
        let mut members: Vec<ParamId> = Vec::new();
        for c in &out {
            for id in [c.a, c.b] {
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        let n = members.len();
        let at = |id: ParamId| members.iter().position(|m| *m == id).expect("member");
        let mut m = nalgebra::DMatrix::<f64>::identity(n, n);
        for c in &out {
            // Spearman's ρ of a Gaussian copula with correlation r is (6/π)·asin(r/2).
            let r = 2.0 * (std::f64::consts::PI * c.rank / 6.0).sin();
            let (i, j) = (at(c.a), at(c.b));
            m[(i, j)] = r;
            m[(j, i)] = r;
        }
        let eigen = nalgebra::SymmetricEigen::new(m.clone());
        let (k_min, lambda_min) = eigen
            .eigenvalues
            .iter()
            .enumerate()
            .fold((0, f64::INFINITY), |acc, (k, l)| if *l < acc.1 { (k, *l) } else { acc });
        let span = spans[0].clone();
        if lambda_min < -1e-9 {
            let v = eigen.eigenvectors.column(k_min);
            let involved: Vec<String> = out
                .iter()
                .filter(|c| v[at(c.a)].abs() > 0.2 && v[at(c.b)].abs() > 0.2)
                .map(|c| format!("{} – {} ({})", paths[c.a.0], paths[c.b.0], c.rank))
                .collect();
            if !self.repair_correlations {
                self.error(
                    Some(span),
                    "correlations",
                    format!(
                        "these correlations cannot all hold at once (their matrix is not positive semi-definite): {}",
                        involved.join(", ")
                    ),
                )
                .help = Some(
                    "loosen one of them, or run with --repair-correlations to use the nearest valid matrix".into(),
                );
                return (out, None);
            }
            // Nearest valid matrix: clip the negative eigenvalues, rescale to a unit diagonal.
            let clipped = eigen.eigenvalues.map(|l| l.max(1e-6));
            let a = &eigen.eigenvectors * nalgebra::DMatrix::from_diagonal(&clipped) * eigen.eigenvectors.transpose();
            let d: Vec<f64> = (0..n).map(|i| a[(i, i)].sqrt()).collect();
            m = nalgebra::DMatrix::from_fn(n, n, |i, j| a[(i, j)] / (d[i] * d[j]));
            let mut moves = Vec::new();
            for c in out.iter_mut() {
                let r = m[(at(c.a), at(c.b))];
                let repaired = 6.0 / std::f64::consts::PI * (r / 2.0).asin();
                moves.push(format!("{} – {}: {:.3} → {:.3}", paths[c.a.0], paths[c.b.0], c.rank, repaired));
                c.rank = repaired;
            }
            self.warn(
                Some(span),
                "correlations",
                format!("the correlations were inconsistent; using the nearest valid matrix: {}", moves.join("; ")),
            );
        }
        // Factor: Cholesky where positive definite, else (a rank ±1 makes the
        // matrix singular) from the eigen-decomposition.
        let factor = match nalgebra::Cholesky::new(m.clone()) {
            Some(ch) => ch.l(),
            None => {
                let e = nalgebra::SymmetricEigen::new(m);
                &e.eigenvectors * nalgebra::DMatrix::from_diagonal(&e.eigenvalues.map(|l| l.max(0.0).sqrt()))
            }
        };
        let factor = (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| factor[(i, j)]).collect();
        (out, Some(Copula { params: members, factor }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_of_horizon_length_has_mean_one() {
        let p = normalize_season(&[1.0, 2.0, 3.0], 3, 12).unwrap();
        assert_eq!(p, vec![0.5, 1.0, 1.5]);
    }

    #[test]
    fn yearly_season_is_normalised_over_the_year_then_repeated_or_cut() {
        let year = [2.0, 2.0, 4.0, 0.0];
        // 6 quarters: the year repeated and cut.
        let p = normalize_season(&year, 6, 4).unwrap();
        assert_eq!(p, vec![1.0, 1.0, 2.0, 0.0, 1.0, 1.0]);
        // 2 quarters: cut; the mean over the horizon is not forced to 1.
        let p = normalize_season(&year, 2, 4).unwrap();
        assert_eq!(p, vec![1.0, 1.0]);
    }

    #[test]
    fn season_of_wrong_length_or_all_zero_is_refused() {
        assert!(normalize_season(&[1.0; 5], 12, 12).unwrap_err().contains("expected 12 values"));
        assert!(normalize_season(&[1.0; 5], 6, 12).unwrap_err().contains("or 12"));
        assert!(normalize_season(&[0.0; 4], 4, 4).unwrap_err().contains("all zero"));
    }

    #[test]
    fn names_are_identifiers() {
        assert!(valid_name("key-accounts_2"));
        assert!(!valid_name("Key"));
        assert!(!valid_name(""));
        assert!(!valid_name("a.b"));
    }
}
