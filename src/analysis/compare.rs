//! Comparing scenarios: the same seed and iteration count for every scenario, and
//! paired differences to the first.
//!
//! Random streams are named by model element, so iteration i of every scenario
//! draws the same numbers for every element the scenarios share (common random
//! numbers). The difference of two scenarios in iteration i is then the effect of
//! the plan with most of the noise cancelled, and the probability that a scenario
//! beats the first is the share of iterations in which its contribution is
//! higher (ties do not count as beating).

use crate::model::Scenario;
use crate::results::Results;
use crate::results::Stat;
use crate::results::{Band, KeyFigures};
use crate::sim::RunOptions;
use crate::summary;
use serde::{Deserialize, Serialize};

/// A scenario's figures and how it compares with the first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Scenario name.
    pub name: String,
    /// Scenario file.
    pub file: String,
    /// Its key figures.
    pub figures: KeyFigures,
    /// Against the first scenario; `None` for the first itself.
    pub versus_first: Option<Versus>,
}

/// Paired differences to the first scenario, iteration by iteration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    /// Revenue of this scenario − revenue of the first, per iteration.
    pub revenue_difference: Band,
    /// Standard error of the mean revenue difference.
    pub revenue_difference_se: f64,
    /// Contribution of this scenario − contribution of the first, per iteration.
    pub contribution_difference: Band,
    /// Standard error of the mean contribution difference.
    pub contribution_difference_se: f64,
    /// Share of iterations in which this scenario's contribution is higher.
    pub p_beats_first: f64,
}

/// A comparison of scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Seed of every run.
    pub seed: u64,
    /// Iterations of every run.
    pub iterations: u64,
    /// Currency of the first scenario.
    pub currency: String,
    /// The scenarios in the order given.
    pub scenarios: Vec<Entry>,
    /// Every run's results (not serialised; for tables and charts).
    #[serde(skip)]
    pub results: Vec<Results>,
}

fn paired(a: &[f64], b: &[f64]) -> Stat {
    let mut d: Vec<f64> = b.iter().zip(a).map(|(x, y)| x - y).collect();
    Stat::from_values(&mut d).expect("at least one iteration")
}

/// Why `scenarios` cannot be compared, if they cannot: paired differences and
/// P(beats) mean something only between plans counted in the same currency over
/// the same horizon (period length and number of periods). Names each
/// difference with the files that differ from the first.
pub fn incomparable(scenarios: &[Scenario]) -> Option<String> {
    let first = scenarios.first()?;
    let file = |s: &Scenario| {
        std::path::Path::new(&s.origin).file_name().map_or(s.origin.clone(), |f| f.to_string_lossy().into_owned())
    };
    let horizon = |s: &Scenario| format!("{} {}s", s.periods, s.period.as_str());
    let mut differences = Vec::new();
    for other in &scenarios[1..] {
        if !other.currency.eq_ignore_ascii_case(&first.currency) {
            differences.push(format!(
                "currency: {} in {}, {} in {}",
                first.currency,
                file(first),
                other.currency,
                file(other)
            ));
        }
        if other.period != first.period || other.periods != first.periods {
            differences.push(format!(
                "horizon: {} in {}, {} in {}",
                horizon(first),
                file(first),
                horizon(other),
                file(other)
            ));
        }
    }
    (!differences.is_empty()).then(|| {
        format!(
            "these scenarios cannot be compared: their figures are not in the same units\n  {}\n\
             help: compare plans with the same currency, period length and number of periods\n      \
             (`currency`, `period` and `periods` in [scenario])",
            differences.join("\n  ")
        )
    })
}

/// The name scenario `i` goes by in a comparison: its own, or, when another
/// scenario has the same name, its name with its file's name ("Plan
/// (plan-b.toml)"), so that columns and legends can be told apart.
fn distinct_name(scenarios: &[Scenario], i: usize) -> String {
    let s = &scenarios[i];
    if scenarios.iter().filter(|o| o.name == s.name).count() < 2 {
        return s.name.clone();
    }
    let file =
        std::path::Path::new(&s.origin).file_name().map_or(s.origin.clone(), |f| f.to_string_lossy().into_owned());
    format!("{} ({file})", s.name)
}

/// Runs every scenario with `opts` and compares each with the first.
pub fn compare(scenarios: &[Scenario], opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Comparison {
    let results: Vec<Results> = scenarios.iter().map(|s| summary::run(s, opts, progress)).collect();
    let first = &results[0].distributions;
    let entries = scenarios
        .iter()
        .zip(&results)
        .enumerate()
        .map(|(i, (s, r))| {
            let versus_first = (i > 0).then(|| {
                let d = &r.distributions;
                let contribution = paired(&first.contribution_values, &d.contribution_values);
                let wins = d.contribution_values.iter().zip(&first.contribution_values).filter(|(b, a)| b > a).count();
                let revenue = paired(&first.revenue_values, &d.revenue_values);
                Versus {
                    revenue_difference: (&revenue).into(),
                    revenue_difference_se: revenue.se,
                    contribution_difference: (&contribution).into(),
                    contribution_difference_se: contribution.se,
                    p_beats_first: wins as f64 / d.contribution_values.len().max(1) as f64,
                }
            });
            Entry {
                name: distinct_name(scenarios, i),
                file: s.origin.clone(),
                figures: KeyFigures::of(r),
                versus_first,
            }
        })
        .collect();
    Comparison {
        seed: opts.seed,
        iterations: opts.iterations,
        currency: scenarios[0].currency.clone(),
        scenarios: entries,
        results,
    }
}
