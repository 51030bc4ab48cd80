//! The optimiser behind `chancap optimise` (issue 13): the best plan on a grid
//! of decisions, for one key figure, subject to constraints on others.
//!
//! - **Common random numbers.** Every candidate runs the same iterations of the
//!   same named streams (one seed), so the objective the search sees is a
//!   deterministic function of the plan: sample average approximation.
//! - **Search.** A grid no larger than the budget is evaluated whole. A larger
//!   one is searched by compass (generalised pattern) search on the integer
//!   lattice of grid indices, with restarts: poll the 2·d neighbours at the
//!   current step in parallel, move to the best improvement, halve the steps
//!   when none improves, and restart from a fresh random grid point once the
//!   steps are 1 and nothing improves, until the budget of distinct candidates
//!   is spent. Pattern search converges to a local optimum on the lattice
//!   without gradients (Torczon 1997; Kolda, Lewis & Torczon 2003), needs no
//!   tuning and is deterministic; the restarts make it global in the limit.
//! - **Ranking.** A feasible plan beats an infeasible one; feasible plans rank
//!   by the objective; infeasible ones by their total relative violation; ties
//!   by grid index. Candidates whose validation fails are infeasible and
//!   counted, never an error.
//! - **Chance constraints with confidence.** A probability (`p_target_…`,
//!   `…_p_shortfall`) is judged on its one-sided Wilson score bound at the
//!   confidence asked for: `p ≤ x` holds when the upper bound is ≤ x. When the
//!   two-sided interval straddles the limit, the candidate is run again with 4×
//!   and then 16× the iterations (the same streams extended) before it is
//!   judged. Other metrics are judged on their estimate.
//! - **The winner, honestly.** The search's own figures are optimistically
//!   biased (the best of many noisy estimates). The best few feasible plans and
//!   the starting plan are run again on a fresh seed with more iterations; the
//!   plan chosen is the best of those fresh figures, reported with paired
//!   differences to the start and the runner-up (95 % intervals) and the share
//!   of fresh iterations in which it beats each finalist.

use crate::analysis::sweep::{Sweep, SweepError};
use crate::model::Scenario;
use crate::model::paths::Document;
use crate::results::{KeyFigures, Results, Stat};
use crate::sim::RunOptions;
use crate::summary;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Candidates simulated during the search when `--budget` is not given.
pub const DEFAULT_BUDGET: usize = 300;

/// Finalists run again on fresh random numbers.
pub const FINALISTS: usize = 5;

/// Maximise or minimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sense {
    /// Larger is better.
    Maximise,
    /// Smaller is better.
    Minimise,
}

/// What to optimise: a column of `sweep.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// The metric.
    pub metric: String,
    /// Its direction.
    pub sense: Sense,
}

/// `≤` or `≥`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    /// `METRIC <= X`
    #[serde(rename = "<=")]
    AtMost,
    /// `METRIC >= X`
    #[serde(rename = ">=")]
    AtLeast,
}

/// `METRIC <= X` or `METRIC >= X`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    /// The metric.
    pub metric: String,
    /// The relation.
    pub relation: Relation,
    /// The limit.
    pub limit: f64,
}

/// Why an optimisation cannot start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimiseError {
    /// A constraint is not `METRIC <= X` or `METRIC >= X`.
    #[error("constraint {0:?}: expected \"METRIC <= X\" or \"METRIC >= X\", e.g. \"telesales_p_shortfall <= 0.05\"")]
    Constraint(String),
    /// A metric is not a column of the key figures.
    #[error("unknown metric `{metric}`{hint}")]
    Metric {
        /// The name given.
        metric: String,
        /// ` (did you mean …?)` or the list.
        hint: String,
    },
    /// The grid definition is wrong.
    #[error(transparent)]
    Grid(#[from] SweepError),
    /// The `[optimise]` table of the file is malformed.
    #[error("[optimise] in the file: {0}")]
    Table(String),
    /// Neither --maximise nor --minimise, nor a goal in the file.
    #[error("no goal: give --maximise METRIC or --minimise METRIC (or maximise = \"…\" in [optimise])")]
    NoGoal,
    /// Nothing to vary.
    #[error("nothing to vary: give --vary PATH=VALUES or an [optimise.vary] table in the file")]
    NoDecisions,
    /// The grid has more plans than the optimiser searches.
    #[error("the decisions make {points} plans; chancap optimise searches at most {limit}: coarsen a step")]
    TooLarge {
        /// Plans in the grid.
        points: usize,
        /// The limit.
        limit: usize,
    },
    /// The file as written is invalid.
    #[error("the starting plan (the file as written) is invalid: {0}")]
    Start(String),
}

/// Parses `METRIC <= X` / `METRIC >= X`.
pub fn parse_constraint(text: &str) -> Result<Constraint, OptimiseError> {
    let fail = || OptimiseError::Constraint(text.to_string());
    let (metric, relation, limit) = if let Some((m, x)) = text.split_once("<=") {
        (m, Relation::AtMost, x)
    } else if let Some((m, x)) = text.split_once(">=") {
        (m, Relation::AtLeast, x)
    } else {
        return Err(fail());
    };
    let metric = metric.trim();
    let limit: f64 = limit.trim().parse().map_err(|_| fail())?;
    if metric.is_empty() || !limit.is_finite() {
        return Err(fail());
    }
    Ok(Constraint { metric: metric.to_string(), relation, limit })
}

/// The `[optimise]` table of a scenario file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileDefinition {
    /// `[optimise.vary]`: `PATH = VALUES` pairs.
    pub vary: Vec<(String, String)>,
    /// `maximise = "METRIC"` (or `maximize`).
    pub maximise: Option<String>,
    /// `minimise = "METRIC"` (or `minimize`).
    pub minimise: Option<String>,
    /// `constraints = ["METRIC <= X", …]`.
    pub constraints: Vec<String>,
    /// `budget = K`.
    pub budget: Option<usize>,
}

/// Reads the `[optimise]` table of a scenario file (all empty without one).
pub fn from_file(doc_text: &str) -> Result<FileDefinition, OptimiseError> {
    let bad = |m: String| OptimiseError::Table(m);
    let root: toml::Table = doc_text.parse().map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
    let Some(table) = root.get("optimise") else { return Ok(FileDefinition::default()) };
    let table = table.as_table().ok_or_else(|| bad("`optimise` must be a table".into()))?;
    let mut out = FileDefinition::default();
    let text = |key: &str, v: &toml::Value| {
        v.as_str().map(str::to_string).ok_or_else(|| bad(format!("`{key}` must be a metric name in quotes")))
    };
    for (key, v) in table {
        match key.as_str() {
            "maximise" | "maximize" => out.maximise = Some(text(key, v)?),
            "minimise" | "minimize" => out.minimise = Some(text(key, v)?),
            "constraints" => {
                let items = v.as_array().ok_or_else(|| bad("`constraints` must be a list of strings".into()))?;
                for item in items {
                    out.constraints.push(text("constraints", item)?);
                }
            }
            "budget" => {
                let k = v
                    .as_integer()
                    .filter(|k| *k >= 1)
                    .ok_or_else(|| bad("`budget` must be a whole number ≥ 1".into()))?;
                out.budget = Some(k as usize);
            }
            "vary" => {
                let vary = v.as_table().ok_or_else(|| bad("`vary` must be a table of PATH = VALUES".into()))?;
                out.vary = crate::analysis::sweep::sets_of(vary.iter()).map_err(bad)?;
            }
            other => {
                let keys = ["maximise", "minimise", "constraints", "budget", "vary"];
                let hint = crate::model::diag::nearest(other, keys)
                    .map_or(String::new(), |n| format!("; did you mean `{n}`?"));
                return Err(bad(format!("unknown key `{other}`{hint}")));
            }
        }
    }
    Ok(out)
}

/// Checks that `metric` is one of `names`, suggesting the nearest.
pub fn check_metric(metric: &str, names: &[String]) -> Result<(), OptimiseError> {
    if names.iter().any(|n| n == metric) {
        return Ok(());
    }
    let hint = match crate::model::diag::nearest(metric, names.iter().map(String::as_str)) {
        Some(n) => format!(" (did you mean `{n}`?)"),
        None => format!("; the metrics are: {}", names.join(", ")),
    };
    Err(OptimiseError::Metric { metric: metric.to_string(), hint })
}

/// Whether a metric is a probability, judged with a confidence bound.
pub fn is_probability(metric: &str) -> bool {
    metric.starts_with("p_") || metric.ends_with("_p_shortfall")
}

/// The one-sided Wilson score bound of a proportion `p` of `n` at normal
/// quantile `z`: the upper one for `upper`, else the lower one.
pub fn wilson(p: f64, n: f64, z: f64, upper: bool) -> f64 {
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let bound = if upper { centre + half } else { centre - half } / (1.0 + z2 / n);
    bound.clamp(0.0, 1.0)
}

/// How one constraint fares for one candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    /// The metric's estimate.
    pub estimate: Option<f64>,
    /// The bound it is judged on (the estimate, or the Wilson bound of a
    /// probability).
    pub bound: Option<f64>,
    /// Whether it holds.
    pub holds: bool,
}

/// The problem: the grid, the goal and how hard to look.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The decisions: one axis per varied path (a full grid).
    pub grid: Sweep,
    /// What to optimise.
    pub objective: Objective,
    /// What must hold.
    pub constraints: Vec<Constraint>,
    /// Iterations per candidate during the search.
    pub iterations: u64,
    /// Seed of the search (the finalists run on one derived from it).
    pub seed: u64,
    /// Distinct candidates the search may simulate.
    pub budget: usize,
    /// One-sided confidence of the probability constraints' bounds.
    pub confidence: f64,
}

/// Where a candidate was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// During the search, on the search's random numbers.
    Search,
    /// Again as a finalist, on fresh random numbers.
    Final,
}

/// One evaluated candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Grid point number (as in `sweep`); `None` for the plan as written.
    pub point: Option<usize>,
    /// The decisions' values, in axis order.
    pub values: Vec<f64>,
    /// The stage.
    pub stage: Stage,
    /// Iterations it ran.
    pub iterations: u64,
    /// Its key figures (`metrics` in the file); `None` when the plan is invalid.
    #[serde(rename = "metrics")]
    pub figures: Option<KeyFigures>,
    /// Why the plan is invalid, when it is.
    pub invalid: Option<String>,
    /// The objective's estimate.
    pub objective: Option<f64>,
    /// Each constraint, in order.
    pub constraints: Vec<Judged>,
    /// Valid and every constraint holds.
    pub feasible: bool,
    /// Σ relative violation of the constraints that fail (0 when feasible).
    pub violation: f64,
}

/// A paired comparison of the chosen plan with another on the fresh random
/// numbers: differences (chosen − other) per iteration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// The other plan's grid point (`None`: the plan as written).
    pub point: Option<usize>,
    /// Mean contribution difference.
    pub contribution: f64,
    /// Half-width of its 95 % interval.
    pub contribution_95: f64,
    /// Mean revenue difference.
    pub revenue: f64,
    /// Half-width of its 95 % interval.
    pub revenue_95: f64,
    /// Objective difference (chosen − other), in the objective's direction
    /// positive when the chosen plan is better.
    pub objective_gain: Option<f64>,
    /// Share of fresh iterations in which the chosen plan's contribution
    /// exceeds the other's.
    pub p_beats: f64,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The starting plan (the file as written), on the fresh random numbers.
    pub start: Candidate,
    /// The chosen plan, on the fresh random numbers; `None` if no finalist is
    /// feasible.
    pub best: Option<Candidate>,
    /// The least-violating plan when none is feasible.
    pub closest: Option<Candidate>,
    /// The finalists on the fresh random numbers, best first.
    pub finalists: Vec<Candidate>,
    /// The chosen plan against the start, then against each other finalist
    /// (the runner-up first).
    pub versus: Vec<Paired>,
    /// Distinct plans simulated during the search.
    pub candidates: usize,
    /// How many of them were invalid.
    pub invalid: usize,
    /// Whether the whole grid was evaluated.
    pub exhaustive: bool,
    /// Every search evaluation, in the order the search made them.
    pub trail: Vec<Candidate>,
    /// The seed of the fresh random numbers.
    pub final_seed: u64,
    /// Iterations of each finalist.
    pub final_iterations: u64,
}

/// The metric value named `metric` in `figures`.
pub fn metric(figures: &KeyFigures, metric: &str) -> Option<f64> {
    figures.columns().into_iter().find(|(n, _)| n == metric).and_then(|(_, v)| v)
}

/// The evaluator: the problem with the document and the names it needs.
struct Eval<'a> {
    problem: &'a Problem,
    doc: &'a Document,
    z: f64,
}

impl Eval<'_> {
    /// Runs `scenario` (or records why it is invalid) and judges it.
    fn judge(
        &self,
        point: Option<usize>,
        values: Vec<f64>,
        scenario: Result<Scenario, String>,
        stage: Stage,
        seed: u64,
        iterations: u64,
    ) -> (Candidate, Option<Results>) {
        let mut c = Candidate {
            point,
            values,
            stage,
            iterations,
            figures: None,
            invalid: None,
            objective: None,
            constraints: Vec::new(),
            feasible: false,
            // Invalid plans rank by their validity, not by this.
            violation: 0.0,
        };
        let scenario = match scenario {
            Ok(s) => s,
            Err(why) => {
                c.invalid = Some(why);
                return (c, None);
            }
        };
        let mut n = iterations;
        loop {
            let results = summary::run(&scenario, &RunOptions { iterations: n, seed }, &|_| {});
            let figures = KeyFigures::of(&results);
            let (judged, ambiguous) = self.constraints(&figures, n);
            // Near a probability limit: more iterations rather than a coin flip.
            if ambiguous && n < iterations * 16 {
                n *= 4;
                continue;
            }
            c.iterations = n;
            c.objective = metric(&figures, &self.problem.objective.metric);
            c.violation = self
                .problem
                .constraints
                .iter()
                .zip(&judged)
                .filter(|(_, j)| !j.holds)
                .map(|(k, j)| {
                    // An undefined metric violates by a large, finite amount
                    // (saved files must read back).
                    j.bound.map_or(1e12, |v| (v - k.limit).abs() / k.limit.abs().max(1e-9))
                })
                .sum();
            c.feasible = judged.iter().all(|j| j.holds) && c.objective.is_some();
            c.constraints = judged;
            c.figures = Some(figures);
            return (c, Some(results));
        }
    }

    /// Each constraint judged on `figures` of `n` iterations, and whether a
    /// probability's interval straddles its limit.
    fn constraints(&self, figures: &KeyFigures, n: u64) -> (Vec<Judged>, bool) {
        let mut ambiguous = false;
        let judged = self
            .problem
            .constraints
            .iter()
            .map(|k| {
                let estimate = metric(figures, &k.metric);
                let upper = k.relation == Relation::AtMost;
                let bound =
                    estimate.map(|p| if is_probability(&k.metric) { wilson(p, n as f64, self.z, upper) } else { p });
                if let Some(p) = estimate.filter(|_| is_probability(&k.metric)) {
                    let (lo, hi) = (wilson(p, n as f64, self.z, false), wilson(p, n as f64, self.z, true));
                    ambiguous |= lo < k.limit && k.limit < hi;
                }
                let holds = bound.is_some_and(|b| if upper { b <= k.limit } else { b >= k.limit });
                Judged { estimate, bound, holds }
            })
            .collect();
        (judged, ambiguous)
    }

    /// Evaluates grid point `point` during the search.
    fn point(&self, point: usize, stage: Stage, seed: u64, iterations: u64) -> (Candidate, Option<Results>) {
        let scenario = self.problem.grid.scenario(self.doc, point).map_err(|e| e.to_string());
        self.judge(Some(point), self.problem.grid.point(point), scenario, stage, seed, iterations)
    }

    /// The decisions' values in the plan as written (`NaN` where the file has
    /// no plain number).
    fn start_values(&self) -> Vec<f64> {
        self.problem.grid.axes.iter().map(|a| self.doc.get(&a.path).unwrap_or(f64::NAN)).collect()
    }

    /// Evaluates the plan as written (`scenario`, validated from the document).
    fn start(&self, scenario: Scenario, seed: u64, iterations: u64) -> (Candidate, Results) {
        let (c, r) = self.judge(None, self.start_values(), Ok(scenario), Stage::Final, seed, iterations);
        (c, r.expect("a valid plan runs"))
    }
}

/// How `a` and `b` rank: feasible first, then by objective, then by
/// violation, then by grid point.
fn rank_order(a: &Candidate, b: &Candidate, sense: Sense) -> std::cmp::Ordering {
    rank_key(a, sense).partial_cmp(&rank_key(b, sense)).unwrap_or(std::cmp::Ordering::Equal)
}

/// `a` ranks before `b`.
fn better(a: &Candidate, b: &Candidate, sense: Sense) -> bool {
    rank_order(a, b, sense) == std::cmp::Ordering::Less
}

fn rank_key(c: &Candidate, sense: Sense) -> (u8, f64, f64, usize) {
    let objective = c.objective.unwrap_or(f64::NAN);
    let oriented = match sense {
        Sense::Maximise => -objective,
        Sense::Minimise => objective,
    };
    let oriented = if oriented.is_nan() { f64::INFINITY } else { oriented };
    if c.feasible {
        (0, oriented, 0.0, c.point.unwrap_or(usize::MAX))
    } else if c.invalid.is_none() {
        (1, c.violation, oriented, c.point.unwrap_or(usize::MAX))
    } else {
        (2, 0.0, 0.0, c.point.unwrap_or(usize::MAX))
    }
}

/// The grid indices of point `p` (non-zipped grid: last axis fastest).
fn indices(grid: &Sweep, mut p: usize) -> Vec<usize> {
    let mut out = vec![0; grid.axes.len()];
    for (k, axis) in grid.axes.iter().enumerate().rev() {
        out[k] = p % axis.values.len();
        p /= axis.values.len();
    }
    out
}

fn point_of(grid: &Sweep, idx: &[usize]) -> usize {
    grid.axes.iter().zip(idx).fold(0, |p, (a, i)| p * a.values.len() + i)
}

/// The grid point nearest to `values` (axis by axis).
fn nearest_point(grid: &Sweep, values: &[f64]) -> usize {
    let idx: Vec<usize> = grid
        .axes
        .iter()
        .zip(values)
        .map(|(a, v)| {
            (0..a.values.len())
                .min_by(|&i, &j| (a.values[i] - v).abs().total_cmp(&(a.values[j] - v).abs()))
                .unwrap_or(0)
        })
        .collect();
    point_of(grid, &idx)
}

/// What an earlier, interrupted run of the same problem evaluated (`--resume`),
/// and who hears of each new evaluation (to save it).
pub struct Resume<'a> {
    /// Search evaluations by grid point.
    pub known: &'a BTreeMap<usize, Candidate>,
    /// Called with each new search evaluation, from any thread.
    pub done: &'a (dyn Fn(&Candidate) + Sync),
}

/// The search's memory: every distinct point evaluated, in order.
struct Memory<'r> {
    seen: BTreeMap<usize, Candidate>,
    trail: Vec<Candidate>,
    resume: &'r Resume<'r>,
}

impl Memory<'_> {
    /// Distinct plans simulated: the valid ones seen (an invalid plan is not
    /// run, so it does not use the budget).
    fn simulated(&self) -> usize {
        self.seen.values().filter(|c| c.invalid.is_none()).count()
    }

    /// Whether the search may go on: budget left, and at most ten invalid
    /// plans looked at per plan of the budget (a grid that is mostly invalid
    /// still ends).
    fn open(&self, budget: usize) -> bool {
        self.simulated() < budget && self.seen.len() < budget.saturating_mul(10)
    }

    /// Evaluates the points not yet seen (in parallel, at most what the budget
    /// leaves), in the order given; an evaluation an interrupted run saved is
    /// taken as it is (the same seed gives the same figures).
    fn evaluate(&mut self, eval: &Eval<'_>, points: &[usize], budget: usize, progress: &(dyn Fn(u64) + Sync)) {
        let mut fresh: Vec<usize> = Vec::new();
        for &p in points {
            if !self.seen.contains_key(&p) && !fresh.contains(&p) && self.simulated() + fresh.len() < budget {
                fresh.push(p);
            }
        }
        let problem = eval.problem;
        let done: Vec<Candidate> = fresh
            .par_iter()
            .map(|&p| {
                if let Some(c) = self.resume.known.get(&p) {
                    return c.clone();
                }
                let c = eval.point(p, Stage::Search, problem.seed, problem.iterations).0;
                (self.resume.done)(&c);
                progress(c.iterations);
                c
            })
            .collect();
        for c in done {
            self.trail.push(c.clone());
            self.seen.insert(c.point.expect("a grid point"), c);
        }
    }
}

/// Searches the grid (see the module documentation) and returns the seen
/// candidates' memory.
fn search<'r>(
    eval: &Eval<'_>,
    start: usize,
    resume: &'r Resume<'r>,
    progress: &(dyn Fn(u64) + Sync),
) -> (Memory<'r>, bool) {
    let problem = eval.problem;
    let grid = &problem.grid;
    let size = grid.len();
    let mut memory = Memory { seen: BTreeMap::new(), trail: Vec::new(), resume };
    if size <= problem.budget {
        let all: Vec<usize> = (0..size).collect();
        memory.evaluate(eval, &all, problem.budget, progress);
        return (memory, true);
    }
    let sense = problem.objective.sense;
    let lens: Vec<usize> = grid.axes.iter().map(|a| a.values.len()).collect();
    let initial_steps = || lens.iter().map(|&n| (n / 4).max(1)).collect::<Vec<usize>>();
    let mut rng_state = problem.seed ^ 0x6f70_7469_6d69_7365; // "optimise"
    let mut x = start;
    let mut steps = initial_steps();
    memory.evaluate(eval, &[x], problem.budget, progress);
    while memory.open(problem.budget) {
        let here = indices(grid, x);
        let mut polls = Vec::new();
        for (j, &step) in steps.iter().enumerate() {
            for up in [false, true] {
                let mut y = here.clone();
                y[j] = if up { (here[j] + step).min(lens[j] - 1) } else { here[j].saturating_sub(step) };
                if y != here {
                    polls.push(point_of(grid, &y));
                }
            }
        }
        memory.evaluate(eval, &polls, problem.budget, progress);
        let best = polls
            .iter()
            .filter_map(|p| memory.seen.get(p))
            .fold(&memory.seen[&x], |b, c| if better(c, b, sense) { c } else { b });
        let best = best.point.expect("a grid point");
        if best != x {
            x = best;
        } else if steps.iter().any(|&s| s > 1) {
            steps.iter_mut().for_each(|s| *s = (*s / 2).max(1));
        } else {
            // A local optimum on the lattice: restart from a random unseen
            // point (after 64 draws that all hit seen ones, the first unseen
            // one after the last draw: the budget is below the grid size, so
            // one exists).
            let mut p = 0;
            for tries in 0..64 {
                rng_state = crate::random::rng::stream_key(rng_state, tries, 1);
                p = (rng_state % size as u64) as usize;
                if !memory.seen.contains_key(&p) {
                    break;
                }
            }
            while memory.seen.contains_key(&p) {
                p = (p + 1) % size;
            }
            x = p;
            steps = initial_steps();
            memory.evaluate(eval, &[x], problem.budget, progress);
            if !memory.seen.contains_key(&x) {
                break;
            }
        }
    }
    (memory, false)
}

fn paired(chosen: (&Candidate, &Results), other: (&Candidate, &Results), sense: Sense) -> Paired {
    let diff = |a: &[f64], b: &[f64]| {
        let mut d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Stat::from_values(&mut d).map_or((0.0, 0.0), |s| (s.mean, 1.96 * s.se))
    };
    let (a, b) = (&chosen.1.distributions, &other.1.distributions);
    let (contribution, contribution_95) = diff(&a.contribution_values, &b.contribution_values);
    let (revenue, revenue_95) = diff(&a.revenue_values, &b.revenue_values);
    // Plans run near a probability limit may have more iterations; the pairs
    // are the first ones, which share their random numbers.
    let pairs = a.contribution_values.len().min(b.contribution_values.len());
    let wins = a.contribution_values.iter().zip(&b.contribution_values).filter(|(x, y)| x > y).count();
    let objective_gain = chosen.0.objective.zip(other.0.objective).map(|(x, y)| match sense {
        Sense::Maximise => x - y,
        Sense::Minimise => y - x,
    });
    Paired {
        point: other.0.point,
        contribution,
        contribution_95,
        revenue,
        revenue_95,
        objective_gain,
        p_beats: wins as f64 / pairs.max(1) as f64,
    }
}

/// Runs the optimisation: the search, then the finalists on fresh random
/// numbers with `final_iterations` each.
pub fn optimise(
    problem: &Problem,
    doc: &Document,
    final_iterations: u64,
    resume: &Resume<'_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome, OptimiseError> {
    let z = crate::model::dist::normal_quantile(problem.confidence);
    let eval = Eval { problem, doc, z };
    let sense = problem.objective.sense;
    // The plan as written must be valid; the search starts at the grid point
    // nearest to it.
    let start_scenario = doc.scenario().map_err(|d| OptimiseError::Start(d.to_string()))?;
    let start_point = nearest_point(&problem.grid, &eval.start_values());
    let (memory, exhaustive) = search(&eval, start_point, resume, progress);

    let mut ranked: Vec<&Candidate> = memory.seen.values().collect();
    ranked.sort_by(|a, b| rank_order(a, b, sense));
    let finalists: Vec<usize> = ranked.iter().filter(|c| c.feasible).take(FINALISTS).filter_map(|c| c.point).collect();
    let final_seed = crate::random::rng::stream_key(problem.seed, 0, crate::random::rng::stream_id("optimise final"));
    let fresh: Vec<(Candidate, Results)> = finalists
        .par_iter()
        .filter_map(|&p| {
            let (c, r) = eval.point(p, Stage::Final, final_seed, final_iterations);
            r.map(|r| (c, r))
        })
        .collect();
    let (start, start_results) = eval.start(start_scenario, final_seed, final_iterations);
    let mut order: Vec<usize> = (0..fresh.len()).collect();
    order.sort_by(|&i, &j| rank_order(&fresh[i].0, &fresh[j].0, sense));
    let chosen = order.first().copied().filter(|&i| fresh[i].0.feasible);
    // The plan as written may lie off the grid and beat every plan on it.
    let start_wins = start.feasible && chosen.is_none_or(|i| better(&start, &fresh[i].0, sense));
    let mut versus = Vec::new();
    if start_wins {
        for &j in &order {
            versus.push(paired((&start, &start_results), (&fresh[j].0, &fresh[j].1), sense));
        }
    } else if let Some(i) = chosen {
        let c = (&fresh[i].0, &fresh[i].1);
        versus.push(paired(c, (&start, &start_results), sense));
        // Against every other finalist, the runner-up first.
        for &j in &order[1..] {
            versus.push(paired(c, (&fresh[j].0, &fresh[j].1), sense));
        }
    }
    let best = if start_wins { Some(start.clone()) } else { chosen.map(|i| fresh[i].0.clone()) };
    // Nothing feasible on the fresh numbers: the least violating of them.
    let closest = if best.is_none() {
        order.first().map(|&i| fresh[i].0.clone()).or_else(|| ranked.first().map(|c| (*c).clone()))
    } else {
        None
    };
    Ok(Outcome {
        best,
        closest,
        finalists: order.iter().map(|&i| fresh[i].0.clone()).collect(),
        start,
        versus,
        candidates: memory.simulated(),
        invalid: memory.seen.values().filter(|c| c.invalid.is_some()).count(),
        exhaustive,
        trail: memory.trail,
        final_seed,
        final_iterations,
    })
}

#[cfg(test)]
mod tests;
