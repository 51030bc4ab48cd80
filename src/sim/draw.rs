//! The uncertain inputs of an iteration: θ, each input drawn once per iteration
//! from its own stream — plainly, by Latin hypercube strata, or through the
//! scenario's Gaussian copula.

use super::plan::Plan;
use crate::model::dist::{Dist, Kind};
use crate::model::{ParamId, Scenario};
use crate::random::lanes::LaneRng;
use crate::random::rng::{StreamRng, stream};
use rand::Rng;
use rand_distr::{Distribution, StandardUniform};
use rayon::prelude::*;

/// Drawing from a distribution: its parameters live in the model, the draws here.
impl Dist {
    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self.kind() {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, max } => {
                let u: f64 = StandardUniform.sample(rng);
                min + (max - min) * u
            }
            Kind::Triangular { sampler, .. } => sampler.sample(rng),
            Kind::Pert { sampler, .. } => sampler.sample(rng),
            Kind::Normal { min, max, sampler, truncated, .. } => {
                let mut x = sampler.sample(rng);
                if *truncated {
                    // Redraw until inside the window. Validation guarantees the window
                    // holds at least 0.1 % of the mass, so this ends quickly; the cap
                    // only guards against a hang on pathological floating point.
                    let mut tries = 0u32;
                    while (x < *min || x > *max) && tries < 10_000_000 {
                        x = sampler.sample(rng);
                        tries += 1;
                    }
                    x = x.clamp(*min, *max);
                }
                x
            }
            Kind::LogNormal { sampler, .. } => sampler.sample(rng),
            Kind::Beta { sampler, .. } => sampler.sample(rng),
            Kind::Gamma { sampler, .. } => sampler.sample(rng),
            Kind::Discrete { values, index, .. } => values[index.sample(rng)],
        }
    }

    /// Sums of independent draws from the random numbers of one cell's deals:
    /// `sums[j]` adds up `counts[j]` draws. Lognormal sums are drawn in bulk
    /// ([`crate::random::lognormal`]): the same distribution as drawing one by
    /// one, several times faster.
    pub fn sums_of(&self, rng: &mut LaneRng, counts: &[u64], sums: &mut [f64]) {
        match self.kind() {
            Kind::LogNormal { mu, sigma, .. } => {
                crate::random::lognormal::lognormal_sums(rng, *mu, *sigma, counts, sums)
            }
            _ => {
                for (sum, count) in sums.iter_mut().zip(counts) {
                    *sum = match *self.kind() {
                        Kind::Fixed(v) => v * *count as f64,
                        _ => (0..*count).map(|_| self.sample(rng)).sum(),
                    };
                }
            }
        }
    }
}

/// Latin hypercube strata: for each uncertain input, a random order of the N
/// strata (iteration i draws from stratum `order[i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Lhs {
    /// Iterations of the run.
    pub n: u64,
    /// Per parameter (empty for fixed ones): the stratum of each iteration.
    pub order: Vec<Vec<u32>>,
}

/// Most iterations a Latin hypercube run takes (its strata are held in memory).
pub const LHS_MAX: u64 = 1_000_000;

impl Lhs {
    /// The strata of a run of `n` iterations with `seed`: one Fisher–Yates shuffle
    /// per input, from a stream named by the input and `n`.
    pub fn new(s: &Scenario, plan: &Plan, seed: u64, n: u64) -> Lhs {
        let order = s
            .params
            .par_iter()
            .enumerate()
            .map(|(p, param)| {
                if param.dist.as_fixed().is_some() {
                    return Vec::new();
                }
                let mut rng = stream(seed, u64::MAX - n, plan.param_streams[p]);
                let mut v: Vec<u32> = (0..n as u32).collect();
                for i in (1..v.len()).rev() {
                    let j = rand::RngExt::random_range(&mut rng, 0..=i);
                    v.swap(i, j);
                }
                v
            })
            .collect();
        Lhs { n, order }
    }

    /// The uniform of input `p` in iteration `i`: a random point of its stratum.
    fn uniform(&self, p: usize, i: u64, rng: &mut StreamRng) -> f64 {
        let v: f64 = rand::RngExt::random(rng);
        match self.order[p].get(i as usize) {
            Some(stratum) => (*stratum as f64 + v) / self.n as f64,
            // Beyond the strata (a run longer than LHS_MAX): plain sampling.
            None => v,
        }
    }
}

/// θ: every uncertain input of iteration `i`, once per iteration, each from its
/// own stream; the correlated ones through the scenario's Gaussian copula (one
/// standard normal from each field's stream, mixed by the factor, then Φ and the
/// field's inverse distribution function), so every marginal stays exact.
pub fn draw_params(s: &Scenario, plan: &Plan, seed: u64, i: u64, theta: &mut [f64]) {
    let copula = s.copula.as_ref();
    for (p, param) in s.params.iter().enumerate() {
        if copula.is_some_and(|c| c.params.contains(&ParamId(p))) {
            continue;
        }
        theta[p] = match (param.dist.as_fixed(), &plan.lhs) {
            (Some(v), _) => v,
            (None, Some(lhs)) => param.dist.quantile(lhs.uniform(p, i, &mut stream(seed, i, plan.param_streams[p]))),
            (None, None) => param.dist.sample(&mut stream(seed, i, plan.param_streams[p])),
        };
    }
    if let Some(c) = copula {
        let n = c.params.len();
        let z: Vec<f64> = c
            .params
            .iter()
            .map(|id| {
                rand_distr::Distribution::sample(
                    &rand_distr::StandardNormal,
                    &mut stream(seed, i, plan.param_streams[id.0]),
                )
            })
            .collect();
        for (row, id) in c.params.iter().enumerate() {
            let x: f64 = (0..n).map(|k| c.factor[row * n + k] * z[k]).sum();
            theta[id.0] = s.param(*id).dist.quantile(crate::model::dist::normal_cdf(x));
        }
    }
}
