//! Parameter paths: one number of a scenario file, named by the names the file uses.
//!
//! ```text
//! scenario.market_growth              targets.revenue
//! segments.key.accounts               channels.telesales.headcount
//! coverage.medium.direct.share        campaigns.spring-call.reach
//! coverage.key.direct.hit_rate.mean   (one parameter of a distribution)
//! ```
//!
//! A path on an uncertain field either replaces its distribution by a number
//! (`coverage.key.direct.hit_rate`) or sets one of the distribution's parameters
//! (`coverage.key.direct.hit_rate.mean`). Sweeps (and later correlations and
//! sensitivity) use these paths. Edits are made on the file's TOML values and the
//! edited file is validated again like any scenario file, so an edited scenario is
//! exactly as trustworthy as a written one.

use super::ChannelKind;
use super::schema::{self, Family};
use super::{Diagnostics, Scenario};
use toml::{Table, Value};

/// A path that does not name a number of the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}{}", .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The nearest valid path, if one is close.
    pub suggestion: Option<String>,
}

/// Where a path points in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Scenario,
    Targets,
    Segment(String),
    Channel(String),
    Coverage(String, String),
    Campaign(String),
}

/// A checked path: it names a number (or a distribution's parameter) the file has
/// or may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    text: String,
    place: Place,
    key: String,
    param: Option<String>,
}

impl FieldPath {
    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A scenario file as TOML values, to be edited by path and validated again.
#[derive(Debug, Clone)]
pub struct Document {
    root: Table,
    origin: String,
    load: super::LoadOptions,
}

fn str_of<'a>(t: &'a Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(Value::as_str)
}

fn tables<'a>(root: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    root.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_table)
}

fn tables_mut<'a>(root: &'a mut Table, key: &str) -> impl Iterator<Item = &'a mut Table> {
    root.get_mut(key).and_then(Value::as_array_mut).into_iter().flatten().filter_map(Value::as_table_mut)
}

impl Document {
    /// Reads the text of a scenario that is already known to be valid.
    pub fn parse(text: &str, origin: &str) -> Result<Document, toml::de::Error> {
        Ok(Document { root: text.parse::<Table>()?, origin: origin.to_string(), load: super::LoadOptions::default() })
    }

    /// Validates edited versions with these options (e.g. repairing correlations).
    pub fn with_load_options(mut self, load: super::LoadOptions) -> Document {
        self.load = load;
        self
    }

    /// The table a place points at, if the file has it.
    fn table(&self, place: &Place) -> Option<&Table> {
        match place {
            Place::Scenario => self.root.get("scenario").and_then(Value::as_table),
            Place::Targets => self.root.get("targets").and_then(Value::as_table),
            Place::Segment(n) => tables(&self.root, "segments").find(|t| str_of(t, "name") == Some(n)),
            Place::Channel(n) => self.root.get("channels").and_then(Value::as_table)?.get(n)?.as_table(),
            Place::Coverage(s, c) => tables(&self.root, "coverage")
                .find(|t| str_of(t, "segment") == Some(s) && str_of(t, "channel") == Some(c)),
            Place::Campaign(n) => tables(&self.root, "campaigns").find(|t| str_of(t, "name") == Some(n)),
        }
    }

    fn table_mut(&mut self, place: &Place) -> Option<&mut Table> {
        match place {
            Place::Scenario | Place::Targets => {
                let key = if *place == Place::Scenario { "scenario" } else { "targets" };
                self.root.entry(key).or_insert_with(|| Value::Table(Table::new())).as_table_mut()
            }
            Place::Segment(n) => tables_mut(&mut self.root, "segments").find(|t| str_of(t, "name") == Some(n)),
            Place::Channel(n) => self.root.get_mut("channels")?.as_table_mut()?.get_mut(n)?.as_table_mut(),
            Place::Coverage(s, c) => tables_mut(&mut self.root, "coverage")
                .find(|t| str_of(t, "segment") == Some(s) && str_of(t, "channel") == Some(c)),
            Place::Campaign(n) => tables_mut(&mut self.root, "campaigns").find(|t| str_of(t, "name") == Some(n)),
        }
    }

    /// The number keys a place may have, whether or not the file writes them.
    fn keys_of(&self, place: &Place) -> Vec<&'static str> {
        let section = match place {
            // Of the [scenario] table's numbers only the model's own is a
            // parameter; periods, iterations and seed shape the run.
            Place::Scenario => return vec!["market_growth"],
            Place::Targets => &schema::TARGETS,
            Place::Segment(_) => &schema::SEGMENT,
            // A channel of an unknown kind (which the reader refuses) has none.
            Place::Channel(_) => match self.table(place).and_then(|t| str_of(t, "kind")).and_then(ChannelKind::parse) {
                Some(kind) => kind.section(),
                None => return Vec::new(),
            },
            Place::Coverage(..) => &schema::COVERAGE,
            Place::Campaign(_) => &schema::CAMPAIGN,
        };
        section.fields.iter().filter(|f| f.is_number()).map(|f| f.key).collect()
    }

    /// Every place of the file.
    fn places(&self) -> Vec<(String, Place)> {
        let mut out = vec![("scenario".to_string(), Place::Scenario), ("targets".to_string(), Place::Targets)];
        for t in tables(&self.root, "segments") {
            if let Some(n) = str_of(t, "name") {
                out.push((format!("segments.{n}"), Place::Segment(n.into())));
            }
        }
        if let Some(chs) = self.root.get("channels").and_then(Value::as_table) {
            for n in chs.keys() {
                out.push((format!("channels.{n}"), Place::Channel(n.clone())));
            }
        }
        for t in tables(&self.root, "coverage") {
            if let (Some(s), Some(c)) = (str_of(t, "segment"), str_of(t, "channel")) {
                out.push((format!("coverage.{s}.{c}"), Place::Coverage(s.into(), c.into())));
            }
        }
        for t in tables(&self.root, "campaigns") {
            if let Some(n) = str_of(t, "name") {
                out.push((format!("campaigns.{n}"), Place::Campaign(n.into())));
            }
        }
        out
    }

    /// Every path that names a number of this file, including the parameters of
    /// the distributions it writes.
    pub fn valid_paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (prefix, place) in self.places() {
            for key in self.keys_of(&place) {
                out.push(format!("{prefix}.{key}"));
                if let Some(dist) = self.table(&place).and_then(|t| t.get(key)).and_then(Value::as_table) {
                    let keys = str_of(dist, "dist").and_then(Family::parse).map_or(&[][..], Family::keys);
                    for p in keys.iter().filter(|p| **p != "dist" && dist.contains_key(**p)) {
                        out.push(format!("{prefix}.{key}.{p}"));
                    }
                }
            }
        }
        out
    }

    fn fail(&self, path: &str, message: impl Into<String>) -> PathError {
        let valid = self.valid_paths();
        let suggestion = valid
            .iter()
            .map(|v| (strsim::jaro_winkler(path, v), v))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, v)| v.clone());
        PathError { path: path.to_string(), message: message.into(), suggestion }
    }

    /// Checks that `path` names a number of this file.
    pub fn resolve(&self, path: &str) -> Result<FieldPath, PathError> {
        let parts: Vec<&str> = path.split('.').collect();
        let names = match parts[0] {
            "scenario" | "targets" => 0,
            "segments" | "channels" | "campaigns" => 1,
            "coverage" => 2,
            other => {
                return Err(self.fail(
                    path,
                    format!(
                        "`{path}`: unknown section `{other}`; a path starts with scenario, targets, segments, \
                         channels, coverage or campaigns"
                    ),
                ));
            }
        };
        if parts.len() < names + 2 || parts.len() > names + 3 {
            return Err(self.fail(
                path,
                format!(
                    "`{path}` is not a path to a number: expected {}",
                    match parts[0] {
                        "coverage" => "coverage.SEGMENT.CHANNEL.FIELD[.PARAMETER]",
                        "scenario" | "targets" => "SECTION.FIELD[.PARAMETER]",
                        _ => "SECTION.NAME.FIELD[.PARAMETER]",
                    }
                ),
            ));
        }
        let place = match parts[0] {
            "scenario" => Place::Scenario,
            "targets" => Place::Targets,
            "segments" => Place::Segment(parts[1].into()),
            "channels" => Place::Channel(parts[1].into()),
            "campaigns" => Place::Campaign(parts[1].into()),
            _ => Place::Coverage(parts[1].into(), parts[2].into()),
        };
        let prefix = parts[..=names].join(".");
        if !matches!(place, Place::Scenario | Place::Targets) && self.table(&place).is_none() {
            return Err(self.fail(path, format!("`{path}`: the file has no `{prefix}`")));
        }
        let key = parts[names + 1];
        let keys = self.keys_of(&place);
        if !keys.contains(&key) {
            return Err(self.fail(
                path,
                format!(
                    "`{path}`: `{key}` is not a number field of `{prefix}`; its number fields are {}",
                    keys.join(", ")
                ),
            ));
        }
        let param = parts.get(names + 2).map(|p| p.to_string());
        if let Some(p) = &param {
            let current = self.table(&place).and_then(|t| t.get(key));
            match current.and_then(Value::as_table) {
                Some(dist) => {
                    let name = str_of(dist, "dist").unwrap_or("");
                    let keys = Family::parse(name).map_or(&[][..], Family::keys);
                    let accepted: Vec<&str> = keys.iter().copied().filter(|k| *k != "dist").collect();
                    if !accepted.contains(&p.as_str()) {
                        return Err(self.fail(
                            path,
                            format!(
                                "`{path}`: a {name} distribution has no parameter `{p}`; it has {}",
                                accepted.join(", ")
                            ),
                        ));
                    }
                }
                None => {
                    return Err(self.fail(
                        path,
                        format!(
                            "`{path}`: `{prefix}.{key}` is not a distribution in the file, so it has no `{p}`; \
                             set `{prefix}.{key}` itself"
                        ),
                    ));
                }
            }
        }
        Ok(FieldPath { text: path.to_string(), place, key: key.to_string(), param })
    }

    /// The number a path names as the file has it, if it is a plain number
    /// (absent or a distribution: `None`).
    pub fn get(&self, path: &FieldPath) -> Option<f64> {
        let table = self.table(&path.place)?;
        let value = match &path.param {
            None => table.get(&path.key)?,
            Some(p) => table.get(&path.key)?.as_table()?.get(p)?,
        };
        match value {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Sets the number a path names. A whole number is written as a TOML integer,
    /// so it also fits fields that take whole numbers (headcount, accounts).
    pub fn set(&mut self, path: &FieldPath, value: f64) {
        let v = if value.fract() == 0.0 && value.abs() < 9.0e15 {
            Value::Integer(value as i64)
        } else {
            Value::Float(value)
        };
        let Some(table) = self.table_mut(&path.place) else { return };
        match &path.param {
            None => {
                table.insert(path.key.clone(), v);
            }
            Some(p) => {
                if let Some(dist) = table.get_mut(&path.key).and_then(Value::as_table_mut) {
                    dist.insert(p.clone(), v);
                }
            }
        }
    }

    /// The edited file as TOML text.
    pub fn to_text(&self) -> String {
        toml::to_string(&self.root).expect("a table of TOML values serialises")
    }

    /// Validates the edited file like a scenario file.
    pub fn scenario(&self) -> Result<Scenario, Box<Diagnostics>> {
        Scenario::from_toml_str_with(&self.to_text(), &self.origin, self.load)
    }
}

/// The text of a scenario file with the numbers at `values` set, and every
/// other byte as the person wrote it (comments, order, layout): what `chancap
/// optimise` writes as `best.toml`.
pub fn with_values(text: &str, values: &[(FieldPath, f64)]) -> Result<String, String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, value};
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    // The position of the `[[key]]` table whose fields match `want`.
    let position = |tables: &ArrayOfTables, want: &[(&str, &str)]| {
        tables.iter().position(|t| want.iter().all(|(k, v)| t.get(k).and_then(Item::as_str) == Some(*v)))
    };
    for (path, x) in values {
        let number = if x.fract() == 0.0 && x.abs() < 9.0e15 { value(*x as i64) } else { value(*x) };
        let missing = || format!("{} is not in the file", path.text);
        let (array, want): (&str, Vec<(&str, &str)>) = match &path.place {
            Place::Segment(n) => ("segments", vec![("name", n)]),
            Place::Coverage(seg, ch) => ("coverage", vec![("segment", seg), ("channel", ch)]),
            Place::Campaign(n) => ("campaigns", vec![("name", n)]),
            Place::Scenario | Place::Targets | Place::Channel(_) => ("", Vec::new()),
        };
        let table: &mut dyn toml_edit::TableLike = if array.is_empty() {
            let item = match &path.place {
                Place::Scenario => doc.get_mut("scenario"),
                Place::Targets => doc.get_mut("targets"),
                Place::Channel(n) => doc.get_mut("channels").and_then(|c| c.get_mut(n)),
                _ => None,
            };
            // A table or an inline one (`telesales = { kind = … }` under `[channels]`).
            item.and_then(Item::as_table_like_mut).ok_or_else(missing)?
        } else {
            let tables = doc.get_mut(array).and_then(Item::as_array_of_tables_mut).ok_or_else(missing)?;
            let k = position(tables, &want).ok_or_else(missing)?;
            tables.get_mut(k).ok_or_else(missing)?
        };
        let same = |item: Option<&Item>| {
            item.and_then(|i| i.as_float().or_else(|| i.as_integer().map(|n| n as f64))) == Some(*x)
        };
        match &path.param {
            None => {
                // A value the file already has is left as written (`1_800`).
                if same(table.get(&path.key)) {
                    continue;
                }
                // Keep the decoration (a trailing comment) of the value replaced.
                let decor = table.get(&path.key).and_then(Item::as_value).map(|v| v.decor().clone());
                let mut new = number;
                if let (Some(decor), Some(v)) = (decor, new.as_value_mut()) {
                    *v.decor_mut() = decor;
                }
                table.insert(&path.key, new);
            }
            Some(p) => {
                let t = table.get_mut(&path.key).and_then(Item::as_table_like_mut).ok_or_else(missing)?;
                if same(t.get(p)) {
                    continue;
                }
                let mut new = number;
                if let (Some(decor), Some(v)) =
                    (t.get(p).and_then(Item::as_value).map(|v| v.decor().clone()), new.as_value_mut())
                {
                    *v.decor_mut() = decor;
                }
                t.insert(p, new);
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[scenario]
name = "t"
periods = 12

[[segments]]
name = "key"
accounts = 40
opportunities_per_account = { dist = "triangular", min = 10, mode = 12, max = 15 }
deal_size = 40000

[channels.direct]
kind = "direct"
headcount = 4
hours_per_fte = 1400
cost_per_fte = 100000

[[coverage]]
segment = "key"
channel = "direct"
share = 0.6
hit_rate = { dist = "beta", mean = 0.4, sd = 0.05 }
"#;

    fn doc() -> Document {
        Document::parse(TEXT, "t.toml").unwrap()
    }

    #[test]
    fn paths_name_numbers_by_the_files_names() {
        let d = doc();
        for p in [
            "scenario.market_growth",
            "targets.revenue",
            "segments.key.accounts",
            "segments.key.opportunities_per_account.mode",
            "channels.direct.headcount",
            "channels.direct.attrition",
            "coverage.key.direct.share",
            "coverage.key.direct.hit_rate",
            "coverage.key.direct.hit_rate.mean",
        ] {
            assert!(d.resolve(p).is_ok(), "{p}: {:?}", d.resolve(p));
            assert!(d.valid_paths().contains(&p.to_string()), "{p} listed");
        }
    }

    /// A channel of a kind that does not exist has no fields (it used to be given
    /// the people fields), and a distribution of an unknown family no parameters
    /// (it used to be read as discrete).
    #[test]
    fn unknown_kinds_and_families_name_nothing() {
        let text =
            TEXT.replace("kind = \"direct\"", "kind = \"people\"").replace("dist = \"beta\"", "dist = \"betta\"");
        let d = Document::parse(&text, "t.toml").unwrap();
        let paths = d.valid_paths();
        assert!(!paths.iter().any(|p| p.starts_with("channels.direct")), "{paths:?}");
        assert!(paths.contains(&"coverage.key.direct.hit_rate".to_string()));
        assert!(!paths.iter().any(|p| p.starts_with("coverage.key.direct.hit_rate.")), "{paths:?}");
        assert!(d.resolve("channels.direct.headcount").is_err());
        assert!(d.resolve("coverage.key.direct.hit_rate.values").is_err());
    }

    #[test]
    fn bad_paths_say_why_and_suggest_the_nearest() {
        let d = doc();
        let e = d.resolve("channels.direct.headcont").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("channels.direct.headcount"), "{e}");
        assert!(e.message.contains("not a number field"), "{e}");
        let e = d.resolve("channels.drect.headcount").unwrap_err();
        assert!(e.message.contains("no `channels.drect`"), "{e}");
        assert_eq!(e.suggestion.as_deref(), Some("channels.direct.headcount"));
        assert!(d.resolve("segments.key.name").unwrap_err().message.contains("not a number field"));
        assert!(d.resolve("coverage.key.direct.share.mean").unwrap_err().message.contains("not a distribution"));
        assert!(d.resolve("coverage.key.direct.hit_rate.mode").unwrap_err().message.contains("has no parameter"));
        assert!(d.resolve("pricing.x").unwrap_err().message.contains("unknown section"));
        assert!(d.resolve("coverage.key").unwrap_err().message.contains("coverage.SEGMENT.CHANNEL.FIELD"));
    }

    #[test]
    fn setting_a_number_or_a_parameter_gives_a_valid_scenario() {
        let mut d = doc();
        d.set(&d.resolve("channels.direct.headcount").unwrap(), 7.0);
        d.set(&d.resolve("coverage.key.direct.hit_rate.mean").unwrap(), 0.3);
        d.set(&d.resolve("segments.key.opportunities_per_account").unwrap(), 11.5);
        let s = d.scenario().unwrap();
        let super::super::ChannelModel::People(p) = &s.channels[0].model else { panic!() };
        assert_eq!(p.headcount, 7);
        let hit = &s.param(s.coverage[0].hit_rate).dist;
        assert!((hit.mean() - 0.3).abs() < 1e-12);
        assert_eq!(s.param(s.segments[0].opportunities_per_account).dist.as_fixed(), Some(11.5));
    }

    #[test]
    fn an_invalid_value_is_caught_by_validation() {
        let mut d = doc();
        d.set(&d.resolve("coverage.key.direct.share").unwrap(), 1.5);
        let e = d.scenario().unwrap_err();
        assert!(e.items.iter().any(|i| i.path.contains("share")), "{e}");
        let mut d = doc();
        d.set(&d.resolve("channels.direct.headcount").unwrap(), 2.5);
        assert!(d.scenario().is_err(), "a fractional headcount is refused");
    }

    /// `best.toml`: the numbers set, everything else as written, also for a
    /// channel written as an inline table and a distribution's parameter; a
    /// value the file already has keeps its spelling.
    #[test]
    fn values_are_written_into_the_text_as_written() {
        let text = "# plan\n[scenario]\nname = \"t\" # n\n\n[channels]\ntele = { kind = \"telesales\", headcount = 4 }\n\n\
                    [[segments]]\nname = \"key\"\naccounts = 1_800 # a comment\ndeal_size = { dist = \"lognormal\", median = 40_000, p90 = 9e4 }\n";
        let doc = Document::parse(text, "t.toml").unwrap();
        let path = |p: &str| doc.resolve(p).unwrap();
        let out = with_values(
            text,
            &[
                (path("channels.tele.headcount"), 6.0),
                (path("segments.key.accounts"), 1800.0),
                (path("segments.key.deal_size.median"), 45_000.0),
            ],
        )
        .unwrap();
        assert!(out.contains("tele = { kind = \"telesales\", headcount = 6 }"), "{out}");
        assert!(out.contains("accounts = 1_800 # a comment"), "{out}");
        assert!(out.contains("median = 45000"), "{out}");
        assert!(out.starts_with("# plan\n[scenario]\nname = \"t\" # n\n"), "{out}");
    }
}
