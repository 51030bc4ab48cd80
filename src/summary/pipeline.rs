//! The batch pipeline: simulate a run in batches of bounded memory and summarise
//! each batch while the next is simulated.

use super::accumulate::{Accumulators, Sink};
use crate::model::Scenario;
use crate::results::Results;
use crate::sim::plan::Plan;
use crate::sim::{LHS_MAX, Lhs, RunOptions, Samples, simulate_range, simulate_range_into};

/// Most iterations kept in memory at once. A run of at most one batch is
/// summarised exactly; a longer one batch by batch into bounded accumulators
/// (percentiles from a quantile summary whose rank error is stated:
/// [`crate::summary::sketch`]).
pub const BATCH: u64 = 32_768;

/// Most memory the records of one batch may take.
pub const BATCH_BYTES: u64 = 64 << 20;

/// Iterations per batch for a scenario: [`BATCH`], fewer when its records are
/// long. Depends only on the scenario, never on the machine.
pub fn batch_size(plan: &Plan) -> u64 {
    (BATCH_BYTES / (plan.layout.len().max(1) as u64 * 8)).clamp(1_024, BATCH)
}

/// Runs the scenario and summarises the iterations. `progress` is called with the
/// number of iterations finished since its last call.
pub fn run(s: &Scenario, opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Results {
    run_batched(s, opts, batch_size(&Plan::new(s)), progress).0
}

/// Iterations added at a time by [`run_to_precision`].
pub const PRECISION_STEP: u64 = 1_000;

/// How precise the means of a run are wanted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Largest 95 % half-width of each mean, as a share of the mean (0.005 = 0.5 %).
    pub relative: f64,
    /// Stop here even if the precision is not reached.
    pub max_iterations: u64,
}

/// The outcome of [`run_to_precision`].
#[derive(Debug, Clone)]
pub struct PrecisionRun {
    /// The run's results (exactly those of [`run`] with `iterations`).
    pub results: Results,
    /// Iterations used.
    pub iterations: u64,
    /// The 95 % half-widths reached, as shares of the means (revenue, contribution).
    pub reached: [f64; 2],
    /// Whether the precision was reached (else `max_iterations` stopped it).
    pub met: bool,
}

/// Adds iterations [`PRECISION_STEP`] at a time until the 95 % half-width of the
/// mean revenue and mean contribution are both below `precision.relative` of
/// their means (or `max_iterations`), then returns the run of that many
/// iterations — a pure function of the seed and the final count.
pub fn run_to_precision(
    s: &Scenario,
    seed: u64,
    precision: Precision,
    progress: &(dyn Fn(u64) + Sync),
) -> PrecisionRun {
    use super::Metric;
    let plan = Plan::new(s);
    let metrics = [Metric::Revenue, Metric::Contribution];
    let mut sums = [(0.0f64, 0.0f64); 2];
    let mut n = 0u64;
    let max = precision.max_iterations.max(1);
    let half_width = |(sum, sum2): (f64, f64), n: u64| {
        let k = n as f64;
        let mean = sum / k;
        let var = ((sum2 - k * mean * mean) / (k - 1.0).max(1.0)).max(0.0);
        let hw = 1.96 * (var / k).sqrt();
        if mean != 0.0 {
            hw / mean.abs()
        } else if hw == 0.0 {
            0.0
        } else {
            f64::INFINITY
        }
    };
    let (reached, met) = loop {
        let end = (n + PRECISION_STEP).min(max);
        let samples = simulate_range(s, &plan, seed, n..end, &|_| {});
        for (m, acc) in metrics.iter().zip(sums.iter_mut()) {
            for v in m.values(s, &plan, &samples) {
                acc.0 += v;
                acc.1 += v * v;
            }
        }
        n = end;
        let reached = [half_width(sums[0], n), half_width(sums[1], n)];
        let met = n >= 2 && reached.iter().all(|r| *r <= precision.relative);
        if met || n >= max {
            break (reached, met);
        }
    };
    let results = run(s, &RunOptions { iterations: n, seed }, progress);
    PrecisionRun { results, iterations: n, reached, met }
}

/// [`run`] with a chosen batch size; also returns the largest rank error of any
/// percentile reported, as a share of the iterations (0 when exact).
pub fn run_batched(s: &Scenario, opts: &RunOptions, batch: u64, progress: &(dyn Fn(u64) + Sync)) -> (Results, f64) {
    let mut plan = Plan::new(s);
    if s.sampling == crate::model::Sampling::LatinHypercube {
        plan.lhs = Some(Lhs::new(s, &plan, opts.seed, opts.iterations.min(LHS_MAX)));
    }
    let batch = batch.max(1);
    if opts.iterations <= batch {
        let samples = simulate_range(s, &plan, opts.seed, 0..opts.iterations, progress);
        return (Results::summarize(s, &plan, opts, &samples, &Sink::Exact), 0.0);
    }
    let acc = Accumulators::new(opts.iterations);
    // Batch k is summarised while batch k + 1 is simulated (batches are still fed
    // to the accumulators one at a time, in order).
    let mut start = 0;
    let mut pending: Option<Samples> = None;
    // The records of a summarised batch are reused for the next but one: no
    // fresh pages to fault in, no zeroing (every iteration clears its record).
    let mut spare: Vec<f64> = Vec::new();
    while start < opts.iterations {
        let end = (start + batch).min(opts.iterations);
        let previous = pending.take();
        let buffer = std::mem::take(&mut spare);
        let (samples, used) = rayon::join(
            || simulate_range_into(s, &plan, opts.seed, start..end, buffer, progress),
            || {
                previous.map(|p| {
                    Results::summarize(s, &plan, opts, &p, &Sink::Feed(&acc));
                    p.values
                })
            },
        );
        spare = used.unwrap_or_default();
        pending = Some(samples);
        start = end;
    }
    if let Some(p) = pending {
        Results::summarize(s, &plan, opts, &p, &Sink::Feed(&acc));
    }
    // The accumulators hold everything: read them back through no iterations.
    let none = Samples::empty(plan.layout.clone());
    (Results::summarize(s, &plan, opts, &none, &Sink::Emit(&acc)), acc.worst_rank_error())
}
