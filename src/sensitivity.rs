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

use crate::engine::{self, RunOptions, Samples, plan::Plan};
use crate::scenario::{ChannelModel, Dist, Scenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What the sensitivity is measured on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// Total revenue.
    Revenue,
    /// Total contribution.
    Contribution,
    /// A channel's shortfall over the horizon (its capacity unit).
    Shortfall(usize),
    /// A people channel's required FTE, averaged over the horizon.
    RequiredFte(usize),
}

impl Metric {
    /// Reads `revenue`, `contribution`, `CHANNEL.shortfall` or `CHANNEL.required_fte`.
    pub fn parse(s: &Scenario, text: &str) -> Result<Metric, String> {
        match text {
            "revenue" => return Ok(Metric::Revenue),
            "contribution" => return Ok(Metric::Contribution),
            _ => {}
        }
        let valid = || {
            let mut v = vec!["revenue".to_string(), "contribution".to_string()];
            for ch in &s.channels {
                if !matches!(&ch.model, ChannelModel::Online(o) if o.orders_capacity.is_none()) {
                    v.push(format!("{}.shortfall", ch.name));
                }
                if ch.kind.is_people() {
                    v.push(format!("{}.required_fte", ch.name));
                }
            }
            v
        };
        let found = text.split_once('.').and_then(|(name, what)| {
            let c = s.channels.iter().position(|ch| ch.name == name)?;
            match what {
                "shortfall" if valid().contains(&text.to_string()) => Some(Metric::Shortfall(c)),
                "required_fte" if s.channels[c].kind.is_people() => Some(Metric::RequiredFte(c)),
                _ => None,
            }
        });
        found.ok_or_else(|| format!("unknown metric `{text}`; choose one of: {}", valid().join(", ")))
    }

    /// How the metric is named in output.
    pub fn name(&self, s: &Scenario) -> String {
        match self {
            Metric::Revenue => "revenue".into(),
            Metric::Contribution => "contribution".into(),
            Metric::Shortfall(c) => format!("{}.shortfall", s.channels[*c].name),
            Metric::RequiredFte(c) => format!("{}.required_fte", s.channels[*c].name),
        }
    }

    /// Its unit.
    pub fn unit(&self, s: &Scenario) -> String {
        match self {
            Metric::Revenue | Metric::Contribution => s.currency.clone(),
            Metric::Shortfall(c) => s.channels[*c].kind.capacity_unit().to_string(),
            Metric::RequiredFte(_) => "FTE".into(),
        }
    }

    /// The metric in each iteration of a run's records.
    pub fn values(&self, s: &Scenario, plan: &Plan, samples: &Samples) -> Vec<f64> {
        let layout = &plan.layout;
        match self {
            Metric::Revenue => samples.derive(|b, out| layout.revenue(b, out)),
            Metric::Contribution => samples.derive(|b, out| layout.contribution(b, out)),
            Metric::Shortfall(c) => samples.derive(|b, out| {
                for t in 0..s.periods {
                    let (r, a) = (b.field(layout.required(*c, t)), b.field(layout.available(*c, t)));
                    for ((o, r), a) in out.iter_mut().zip(r).zip(a) {
                        *o += (r - a).max(0.0);
                    }
                }
            }),
            Metric::RequiredFte(c) => {
                let hours_per_fte = match &s.channels[*c].model {
                    ChannelModel::People(p) => p.hours_per_fte,
                    _ => f64::NAN,
                };
                let fields: Vec<usize> = (0..s.periods).map(|t| layout.required(*c, t)).collect();
                let mut hours = samples.sum_of_fields(&fields);
                for h in &mut hours {
                    *h = *h * s.ppy() as f64 / hours_per_fte / s.periods as f64;
                }
                hours
            }
        }
    }
}

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
    let samples = engine::simulate(s, plan, opts, &|_| {});
    let v = metric.values(s, plan, &samples);
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Measures the sensitivity of `metric`: one ordinary run for the rank
/// correlations and two runs per uncertain input for the tornado, all with
/// `opts` (at most one batch of iterations is kept in memory per run).
pub fn analyse(s: &Scenario, metric: &Metric, opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Sensitivity {
    let plan = Plan::new(s);
    let samples = engine::simulate(s, &plan, opts, progress);
    let y = metric.values(s, &plan, &samples);
    let base_mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let uncertain: Vec<usize> = (0..s.params.len()).filter(|p| s.params[*p].dist.as_fixed().is_none()).collect();

    // The inputs of every iteration, exactly as the run drew them.
    let mut thetas = vec![Vec::with_capacity(y.len()); s.params.len()];
    let mut theta = vec![0.0; s.params.len()];
    for i in 0..y.len() as u64 {
        engine::draw_params(s, &plan, opts.seed, i, &mut theta);
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
