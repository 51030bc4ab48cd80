//! Parameter sweeps: one scenario run at many settings of a few of its numbers.
//!
//! A sweep has axes — a [parameter path](crate::model::paths) and its values,
//! a list (`0,0.1,0.2`) or an inclusive range (`6..14:2`) — combined as the full
//! grid (default) or paired by position (`zip`). Every point is the scenario file
//! with those numbers set, validated like a file before anything runs, then run
//! with the same seed and iteration count: the random streams are named by model
//! element, so points share their random numbers wherever they share an element
//! (common random numbers) and differences between points are the plan's, not
//! noise.
//!
//! Points are numbered in grid order (the last axis varies fastest). A shard
//! `K/N` is every point whose number is K modulo N, so shards can run anywhere
//! (a Slurm array job) and [`SweepOutput`] from their points is identical to a
//! sweep run in one go; [`shard`] holds the shard and point files as data and the
//! checks of merging shards.

pub mod shard;

use crate::model::paths::{Document, FieldPath, PathError};
use crate::results::KeyFigures;
use crate::sim::RunOptions;
use crate::summary;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Largest grid run without `--max-points`.
pub const DEFAULT_MAX_POINTS: usize = 10_000;

/// A problem with a sweep definition.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// A value list or range cannot be read.
    #[error("{path}: {message}")]
    Values {
        /// The parameter path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A path does not name a number of the file.
    #[error(transparent)]
    Path(#[from] PathError),
    /// The `[sweep]` table of the file is malformed.
    #[error("[sweep] in the file: {0}")]
    Table(String),
    /// No parameter to sweep.
    #[error("nothing to sweep: give --set PATH=VALUES or a [sweep] table in the file")]
    Empty,
    /// `zip` with axes of different lengths.
    #[error("--zip pairs values by position, but the axes have {0} values")]
    ZipLengths(String),
    /// The grid is larger than allowed.
    #[error("the sweep has {points} points, more than the limit of {limit}; raise it with --max-points {points}")]
    TooMany {
        /// Points in the sweep.
        points: usize,
        /// The limit.
        limit: usize,
    },
    /// The same path twice.
    #[error("{0} is swept twice; give each parameter once")]
    Duplicate(String),
    /// A point makes an invalid scenario.
    #[error("{invalid} of {of} points make the scenario invalid; the first, point {index} ({values}):\n{problems}")]
    InvalidPoint {
        /// Point number.
        index: usize,
        /// `path=value, …`
        values: String,
        /// The validation messages.
        problems: String,
        /// How many points are invalid.
        invalid: usize,
        /// Out of how many.
        of: usize,
    },
}

/// One swept parameter and its values.
#[derive(Debug, Clone)]
pub struct Axis {
    /// What is set.
    pub path: FieldPath,
    /// The values it takes.
    pub values: Vec<f64>,
}

/// Rounds away the binary noise of repeated addition (`0.1 + 0.2`), keeping 12
/// significant digits.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 12 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    (x * scale).round() / scale
}

/// Reads `a,b,c`, `from..to:step` (both ends included when on the step) or one
/// number.
pub fn parse_values(path: &str, text: &str) -> Result<Vec<f64>, SweepError> {
    let err = |message: String| SweepError::Values { path: path.to_string(), message };
    let number = |s: &str| -> Result<f64, SweepError> {
        let s = s.trim().replace('_', "");
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(err(format!("`{s}` is not a number"))),
        }
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(err("no values; write a list `0,0.1,0.2` or a range `6..14:2`".into()));
    }
    if let Some((from, rest)) = text.split_once("..") {
        let (to, step) = match rest.split_once(':') {
            Some((to, step)) => (number(to)?, number(step)?),
            None => return Err(err(format!("range `{text}` has no step; write `{from}..{rest}:STEP`"))),
        };
        let from = number(from)?;
        if step <= 0.0 {
            return Err(err(format!("range `{text}`: the step must be positive, found {step}")));
        }
        if to < from {
            return Err(err(format!("range `{text}` is empty: it ends ({to}) before it starts ({from})")));
        }
        let count = ((to - from) / step + 1e-9).floor() + 1.0;
        if count > 1e6 {
            return Err(err(format!("range `{text}` has {count} values; that is not a sweep")));
        }
        return Ok((0..count as usize).map(|i| tidy(from + i as f64 * step)).collect());
    }
    text.split(',').map(number).collect()
}

/// A sweep: its axes and how they combine.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The swept parameters.
    pub axes: Vec<Axis>,
    /// Pair values by position instead of taking the full grid.
    pub zip: bool,
}

/// `--set PATH=VALUES` as given on the command line.
pub fn parse_set(text: &str) -> Result<(String, String), SweepError> {
    match text.split_once('=') {
        Some((p, v)) if !p.trim().is_empty() => Ok((p.trim().to_string(), v.trim().to_string())),
        _ => Err(SweepError::Values {
            path: text.to_string(),
            message: "expected PATH=VALUES, e.g. channels.telesales.headcount=6..14:2".into(),
        }),
    }
}

/// The `[sweep]` table of a scenario file: `"PATH" = "6..14:2"` or `= [0, 0.1]`,
/// and `zip = true`.
pub fn from_file(doc_text: &str) -> Result<(Vec<(String, String)>, bool), SweepError> {
    let root: toml::Table =
        doc_text.parse().map_err(|e: toml::de::Error| SweepError::Table(e.message().to_string()))?;
    let Some(table) = root.get("sweep") else { return Ok((Vec::new(), false)) };
    let table = table.as_table().ok_or_else(|| SweepError::Table("`sweep` must be a table".into()))?;
    let zip = match table.get("zip") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(_) => return Err(SweepError::Table("`zip` must be true or false".into())),
    };
    let sets = sets_of(table.iter().filter(|(k, _)| *k != "zip")).map_err(SweepError::Table)?;
    Ok((sets, zip))
}

/// `PATH = VALUES` pairs of a TOML table (a string range, a list of numbers or
/// one number each), as `--set` takes them.
pub fn sets_of<'a>(
    entries: impl Iterator<Item = (&'a String, &'a toml::Value)>,
) -> Result<Vec<(String, String)>, String> {
    let mut sets = Vec::new();
    for (path, value) in entries {
        match value {
            toml::Value::String(s) => sets.push((path.to_string(), s.clone())),
            toml::Value::Array(items) => {
                let mut parts = Vec::new();
                for item in items {
                    match item {
                        toml::Value::Integer(i) => parts.push(i.to_string()),
                        toml::Value::Float(f) => parts.push(f.to_string()),
                        _ => return Err(format!("`{path}`: the list must hold numbers only")),
                    }
                }
                sets.push((path.to_string(), parts.join(",")));
            }
            toml::Value::Integer(i) => sets.push((path.to_string(), i.to_string())),
            toml::Value::Float(f) => sets.push((path.to_string(), f.to_string())),
            _ => return Err(format!("`{path}`: expected a list of numbers or a range string like \"6..14:2\"")),
        }
    }
    Ok(sets)
}

impl Sweep {
    /// Builds a sweep on `doc` from `PATH=VALUES` pairs: every path checked, every
    /// value list read, the size checked against `max_points`.
    pub fn new(doc: &Document, sets: &[(String, String)], zip: bool, max_points: usize) -> Result<Sweep, SweepError> {
        if sets.is_empty() {
            return Err(SweepError::Empty);
        }
        let mut axes: Vec<Axis> = Vec::new();
        for (path, values) in sets {
            let path = doc.resolve(path)?;
            if axes.iter().any(|a| a.path == path) {
                return Err(SweepError::Duplicate(path.to_string()));
            }
            let values = parse_values(path.as_str(), values)?;
            axes.push(Axis { path, values });
        }
        if zip && axes.iter().any(|a| a.values.len() != axes[0].values.len()) {
            let lens: Vec<String> = axes.iter().map(|a| format!("{}: {}", a.path, a.values.len())).collect();
            return Err(SweepError::ZipLengths(lens.join(", ")));
        }
        let sweep = Sweep { axes, zip };
        let points = sweep.len();
        if points > max_points {
            return Err(SweepError::TooMany { points, limit: max_points });
        }
        Ok(sweep)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        if self.zip {
            self.axes.first().map_or(0, |a| a.values.len())
        } else {
            self.axes.iter().map(|a| a.values.len()).fold(1usize, |n, k| n.saturating_mul(k))
        }
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `index`, one per axis.
    pub fn point(&self, index: usize) -> Vec<f64> {
        if self.zip {
            return self.axes.iter().map(|a| a.values[index]).collect();
        }
        let mut rest = index;
        let mut out = vec![0.0; self.axes.len()];
        for (k, axis) in self.axes.iter().enumerate().rev() {
            out[k] = axis.values[rest % axis.values.len()];
            rest /= axis.values.len();
        }
        out
    }

    /// `path=value, …` of a point.
    pub fn describe(&self, values: &[f64]) -> String {
        self.axes
            .iter()
            .zip(values)
            .map(|(a, v)| format!("{}={}", a.path, crate::model::text::plain(*v).replace(',', "")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A canonical text of the definition, for the sweep hash.
    pub fn canonical(&self, opts: &RunOptions) -> String {
        let mut out = format!("zip={};iterations={};seed={}", self.zip, opts.iterations, opts.seed);
        for a in &self.axes {
            out.push_str(&format!(";{}=", a.path));
            let values: Vec<String> = a.values.iter().map(|v| format!("{v:?}")).collect();
            out.push_str(&values.join(","));
        }
        out
    }

    /// The scenario of point `index`: the document with the point's values set,
    /// read and validated.
    pub fn scenario(&self, doc: &Document, index: usize) -> Result<crate::model::Scenario, SweepError> {
        let values = self.point(index);
        let mut d = doc.clone();
        for (axis, v) in self.axes.iter().zip(&values) {
            d.set(&axis.path, *v);
        }
        d.scenario().map_err(|diags| SweepError::InvalidPoint {
            index,
            values: self.describe(&values),
            problems: diags
                .items
                .iter()
                .filter(|i| i.severity == crate::model::Severity::Error)
                .map(|i| {
                    let path = if i.path.is_empty() { String::new() } else { format!("{}: ", i.path) };
                    format!("  {path}{}", i.message)
                })
                .collect::<Vec<_>>()
                .join("\n"),
            invalid: 1,
            of: 1,
        })
    }

    /// Validates the scenario of every point in `indices` before anything runs,
    /// keeping none of them (memory does not grow with the point count): the
    /// first invalid point, with the number of invalid ones, or nothing.
    pub fn validate(&self, doc: &Document, indices: &[usize]) -> Result<(), SweepError> {
        let first_of = |a: Option<SweepError>, b: Option<SweepError>| match (a, b) {
            (Some(SweepError::InvalidPoint { index: i, .. }), Some(b @ SweepError::InvalidPoint { index: j, .. }))
                if j < i =>
            {
                Some(b)
            }
            (Some(a), _) => Some(a),
            (None, b) => b,
        };
        let (invalid, first) = indices
            .par_iter()
            .map(|&index| match self.scenario(doc, index) {
                Ok(_) => (0usize, None),
                Err(e) => (1, Some(e)),
            })
            .reduce(|| (0, None), |(n, a), (m, b)| (n + m, first_of(a, b)));
        match first {
            None => Ok(()),
            Some(SweepError::InvalidPoint { index, values, problems, .. }) => {
                Err(SweepError::InvalidPoint { index, values, problems, invalid, of: indices.len() })
            }
            Some(other) => Err(other),
        }
    }
}

/// One finished point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    /// Point number in grid order, from 0.
    pub index: usize,
    /// The swept values, in axis order.
    pub values: Vec<f64>,
    /// Its key figures.
    pub figures: KeyFigures,
}

/// Runs the given points, in parallel across points and iterations, making
/// each point's scenario as it starts (so memory does not grow with the point
/// count); `done` is called once per finished point (from any thread),
/// `progress` with finished iterations. A point whose scenario is invalid
/// stops the run with its error ([`Sweep::validate`] finds them all first).
pub fn run_points(
    sweep: &Sweep,
    doc: &Document,
    indices: &[usize],
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    done: &(dyn Fn(&PointResult) + Sync),
) -> Result<Vec<PointResult>, SweepError> {
    indices
        .par_iter()
        .map(|&index| {
            let s = sweep.scenario(doc, index)?;
            let results = summary::run(&s, opts, progress);
            drop(s);
            let point = PointResult { index, values: sweep.point(index), figures: KeyFigures::of(&results) };
            done(&point);
            Ok(point)
        })
        .collect()
}

/// What a sweep writes: the same bytes however its points were run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepOutput {
    /// Scenario name.
    pub scenario: String,
    /// Scenario file name.
    pub file: String,
    /// Hash of the scenario file's text.
    pub scenario_hash: String,
    /// Hash of the sweep definition with iterations and seed.
    pub sweep_hash: String,
    /// Iterations per point.
    pub iterations: u64,
    /// Seed of every point.
    pub seed: u64,
    /// Values paired by position instead of the grid.
    pub zip: bool,
    /// The swept paths, in axis order.
    pub parameters: Vec<String>,
    /// The display labels of the scenario's segments and channels by name, so
    /// that charts of a merged sweep read as the single run's; empty in files
    /// written before they were recorded.
    #[serde(default)]
    pub labels: SweepLabels,
    /// Every point, in grid order.
    pub points: Vec<PointResult>,
}

/// Segment and channel labels of a sweep's scenario, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepLabels {
    /// Segment name → label.
    pub segments: std::collections::BTreeMap<String, String>,
    /// Channel name → label.
    pub channels: std::collections::BTreeMap<String, String>,
    /// The currency money is in; empty in files written before it was recorded.
    #[serde(default)]
    pub currency: String,
}

impl SweepLabels {
    /// The labels of `s`.
    pub fn of(s: &crate::model::Scenario) -> SweepLabels {
        SweepLabels {
            segments: s.segments.iter().map(|x| (x.name.clone(), x.label.clone())).collect(),
            channels: s.channels.iter().map(|x| (x.name.clone(), x.label.clone())).collect(),
            currency: s.currency.clone(),
        }
    }
}

/// A stable hash as 16 hex digits (FNV-1a, as for the random streams).
pub fn hash(text: &str) -> String {
    format!("{:016x}", crate::random::rng::stream_id(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_lists_and_ranges() {
        assert_eq!(parse_values("p", "6..14:2").unwrap(), [6.0, 8.0, 10.0, 12.0, 14.0]);
        assert_eq!(parse_values("p", "0..0.3:0.1").unwrap(), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(parse_values("p", "0, 0.1,0.2").unwrap(), [0.0, 0.1, 0.2]);
        assert_eq!(parse_values("p", "1..2:0.3").unwrap(), [1.0, 1.3, 1.6, 1.9]);
        assert_eq!(parse_values("p", "5").unwrap(), [5.0]);
        assert_eq!(parse_values("p", "1_000").unwrap(), [1000.0]);
        for (bad, says) in [
            ("3..1:1", "is empty"),
            ("1..3:0", "must be positive"),
            ("1..3", "no step"),
            ("a,b", "not a number"),
            ("", "no values"),
            ("0..1e9:1", "not a sweep"),
        ] {
            let e = parse_values("p", bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn set_arguments() {
        assert_eq!(parse_set("a.b=1,2").unwrap(), ("a.b".to_string(), "1,2".to_string()));
        assert!(parse_set("a.b").is_err());
        assert!(parse_set("=1").is_err());
    }

    #[test]
    fn sweep_table_in_the_file() {
        let text = "[sweep]\nzip = true\n\"channels.x.headcount\" = \"1..3:1\"\n\"coverage.a.b.share\" = [0, 0.5, 1]\n";
        let (sets, zip) = from_file(text).unwrap();
        assert!(zip);
        assert_eq!(sets[0], ("channels.x.headcount".to_string(), "1..3:1".to_string()));
        assert_eq!(sets[1].1, "0,0.5,1");
        assert!(from_file("[sweep]\n\"a.b\" = true\n").is_err());
    }
}
