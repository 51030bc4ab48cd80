//! Which assumption matters most: a tornado of swings and rank correlations.
//!
//! For a chosen metric (total revenue, contribution, or a channel's shortfall or
//! required FTE):
//!
//! - **Tornado**: each uncertain input is held at its own P10 and then at its P90
//!   while every other input varies as usual; the swing is the difference of the
//!   metric's mean between the two runs. Runs share their random streams (common
//!   random numbers), so the swing is the input's effect, not noise.
//! - **Rank correlation**: Spearman's ρ between each input's values and the
//!   metric over the iterations of one ordinary run, and the share of variance
//!   each explains, ρ² / Σρ² — a fair split only when the inputs are independent
//!   (with `[[correlations]]`, correlated inputs share credit).

use crate::model::{Dist, Scenario};
use crate::sim::{self, RunOptions, plan::Plan};
pub use crate::summary::Metric;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Iterations per run when none are asked for: the `sensitivity` command's
/// default, and what the report's "What matters most" runs, so the two agree.
pub const DEFAULT_ITERATIONS: u64 = 2_000;

/// One input's effect on the metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputEffect {
    /// The input's path.
    pub input: String,
    /// Its distribution as written.
    pub distribution: String,
    /// Its P10 and P90.
    pub p10: f64,
    /// Its P90.
    pub p90: f64,
    /// Mean of the metric with the input held at its P10.
    pub metric_at_p10: f64,
    /// Mean of the metric with the input held at its P90.
    pub metric_at_p90: f64,
    /// |metric_at_p90 − metric_at_p10|.
    pub swing: f64,
    /// Spearman's rank correlation of the input with the metric.
    pub rank_correlation: f64,
    /// ρ² / Σρ²: the share of the variance it explains (independent inputs).
    pub variance_share: f64,
}

/// The sensitivity of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The metric.
    pub metric: String,
    /// Its unit.
    pub unit: String,
    /// Mean of the metric in the ordinary run.
    pub base_mean: f64,
    /// Iterations of every run.
    pub iterations: u64,
    /// Seed of every run.
    pub seed: u64,
    /// True when the file correlates inputs (rank shares then overlap).
    pub correlated_inputs: bool,
    /// The scenario's content fingerprint (`Scenario::content_hash`), so that a
    /// report can tell whether an earlier analysis is of its scenario; empty in
    /// files written before it was recorded.
    #[serde(default)]
    pub scenario_hash: String,
    /// Every uncertain input, largest swing first.
    pub inputs: Vec<InputEffect>,
}

/// Ranks (0-based, ties averaged).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|a, b| v[*a].total_cmp(&v[*b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for k in &idx[i..=j] {
            out[*k] = avg;
        }
        i = j + 1;
    }
    out
}

/// Spearman's ρ: the correlation of the ranks (0 when either side is constant).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx) * (a - mx)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my) * (b - my)).sum();
    if vx <= 0.0 || vy <= 0.0 { 0.0 } else { cov / (vx * vy).sqrt() }
}

fn mean_of(s: &Scenario, plan: &Plan, opts: &RunOptions, metric: &Metric) -> f64 {
    let samples = sim::simulate(s, plan, opts, &|_| {});
    let v = metric.values(s, plan, &samples);
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Measures the sensitivity of `metric`: one ordinary run for the rank
/// correlations and two runs per uncertain input for the tornado, all with
/// `opts` (at most one batch of iterations is kept in memory per run).
pub fn analyse(s: &Scenario, metric: &Metric, opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Sensitivity {
    let plan = Plan::new(s);
    let samples = sim::simulate(s, &plan, opts, progress);
    let y = metric.values(s, &plan, &samples);
    let base_mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let uncertain: Vec<usize> = (0..s.params.len()).filter(|p| s.params[*p].dist.as_fixed().is_none()).collect();

    // The inputs of every iteration, exactly as the run drew them.
    let mut thetas = vec![Vec::with_capacity(y.len()); s.params.len()];
    let mut theta = vec![0.0; s.params.len()];
    for i in 0..y.len() as u64 {
        sim::draw_params(s, &plan, opts.seed, i, &mut theta);
        for p in &uncertain {
            thetas[*p].push(theta[*p]);
        }
    }
    let rhos: Vec<f64> = uncertain.par_iter().map(|p| spearman(&thetas[*p], &y)).collect();
    let total: f64 = rhos.iter().map(|r| r * r).sum();

    let mut inputs: Vec<InputEffect> = uncertain
        .par_iter()
        .zip(&rhos)
        .map(|(p, rho)| {
            let param = &s.params[*p];
            let (lo, hi) = (param.dist.quantile(0.10), param.dist.quantile(0.90));
            let held = |value: f64| {
                let mut t = s.clone();
                t.params[*p].dist = Dist::fixed(value).expect("a quantile is finite");
                let plan = Plan::new(&t);
                let m = mean_of(&t, &plan, opts, metric);
                progress(opts.iterations);
                m
            };
            let (at_lo, at_hi) = (held(lo), held(hi));
            InputEffect {
                input: param.path.clone(),
                distribution: param.dist.to_string(),
                p10: lo,
                p90: hi,
                metric_at_p10: at_lo,
                metric_at_p90: at_hi,
                swing: (at_hi - at_lo).abs(),
                rank_correlation: *rho,
                variance_share: if total > 0.0 { rho * rho / total } else { 0.0 },
            }
        })
        .collect();
    inputs.sort_by(|a, b| b.swing.total_cmp(&a.swing).then_with(|| a.input.cmp(&b.input)));
    Sensitivity {
        metric: metric.name(s),
        unit: metric.unit(s),
        base_mean,
        iterations: opts.iterations,
        seed: opts.seed,
        correlated_inputs: !s.correlations.is_empty(),
        scenario_hash: s.content_hash(),
        inputs,
    }
}

/// Runs needed by [`analyse`]: one ordinary run and two per uncertain input.
pub fn runs(s: &Scenario) -> u64 {
    1 + 2 * s.params.iter().filter(|p| p.dist.as_fixed().is_none()).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_known_cases() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&x, &[2.0, 4.0, 6.0, 8.0, 100.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&x, &[1.0; 5]), 0.0);
        assert_eq!(ranks(&[3.0, 1.0, 3.0]), [1.5, 0.0, 1.5]);
    }
}
