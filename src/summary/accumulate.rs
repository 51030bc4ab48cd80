//! Where the summary of a run's iterations goes: straight into a [`Stat`] when
//! every iteration is in memory, or into bounded per-column accumulators when a
//! long run is summarised batch by batch.
//!
//! [`Results::summarize`](crate::results::Results::summarize) names every
//! column it summarises by a typed [`ColumnId`] (cell 3's revenue, channel 1's
//! required capacity in period 7, …) and hands its values of the current batch
//! to a [`Sink`]. With [`Sink::Exact`] the values are
//! the whole run and the Stat is exact. With [`Sink::Feed`] each batch is added
//! to the column's accumulator (mean and variance combined exactly, min and max,
//! a [`Summary`] for the percentiles); a final pass with [`Sink::Emit`] reads the
//! accumulated figures back in the same shape. Batches are fixed ranges of
//! iterations fed in order, so the result never depends on the thread count.

use crate::results::Histogram;
use crate::results::Stat;
use crate::summary::sketch::Summary;
use crate::summary::stats::{Moments, moments};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Whose figure a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole plan.
    Total,
    /// One segment × channel cell.
    Cell(usize),
    /// One segment.
    Segment(usize),
    /// One channel's money and counts.
    Channel(usize),
    /// One channel's capacity over the horizon.
    Capacity(usize),
    /// One channel's capacity in one period.
    Period {
        /// The channel.
        channel: usize,
        /// The period (from 0).
        period: usize,
    },
    /// One target of the scenario.
    Target(usize),
    /// Every value of a column, kept in iteration order.
    Kept,
}

/// Which figure of its scope a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    /// Wins ÷ served.
    HitRate,
    /// Channel cost ÷ revenue.
    CostToServe,
    /// Opportunities routed.
    Opportunities,
    /// Opportunities served.
    Served,
    /// Opportunities lost to capacity.
    Lost,
    /// Deals won.
    Wins,
    /// Revenue.
    Revenue,
    /// Gross margin.
    GrossMargin,
    /// Channel cost.
    ChannelCost,
    /// Gross margin − channel cost.
    Contribution,
    /// Expected revenue of opportunities lost to capacity.
    LostRevenue,
    /// Expected contribution of opportunities lost to capacity.
    LostContribution,
    /// Opportunities no channel covers.
    Uncovered,
    /// Fixed cost no cell carries.
    Unallocated,
    /// Capacity required.
    Required,
    /// Capacity available.
    Available,
    /// Required − available, where positive.
    Shortfall,
    /// Required ÷ available.
    Utilization,
    /// Share of iterations short of capacity.
    PShortfall,
    /// Share of iterations reaching a target.
    Reached,
}

/// A summarised column: a figure of a scope.
pub type ColumnId = (Scope, Figure);

/// One column's figures over the batches fed so far.
#[derive(Debug, Default)]
struct Column {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    summary: Summary,
    /// Iterations counted by `share`.
    count: u64,
    /// Every value, for the columns kept whole (revenue and contribution).
    kept: Vec<f64>,
}

impl Column {
    fn add(&mut self, values: &mut [f64]) {
        let nb = values.len() as u64;
        if nb == 0 {
            return;
        }
        let Moments { mean: mean_b, m2: m2_b, min: lo, max: hi } = moments(values);
        if self.n == 0 {
            (self.mean, self.m2, self.min, self.max) = (mean_b, m2_b, lo, hi);
        } else {
            // Chan, Golub & LeVeque's pairwise update.
            let n = self.n + nb;
            let delta = mean_b - self.mean;
            self.mean += delta * nb as f64 / n as f64;
            self.m2 += m2_b + delta * delta * self.n as f64 * nb as f64 / n as f64;
            self.min = self.min.min(lo);
            self.max = self.max.max(hi);
        }
        self.n += nb;
        self.summary.add_batch(values);
    }

    fn stat(&self) -> Option<Stat> {
        if self.n == 0 {
            return None;
        }
        let sd = if self.n > 1 { (self.m2 / (self.n - 1) as f64).sqrt() } else { 0.0 };
        let q = |p| self.summary.quantile(p).expect("not empty");
        Some(Stat {
            mean: self.mean,
            sd,
            se: sd / (self.n as f64).sqrt(),
            p5: q(0.05),
            p10: q(0.10),
            p50: q(0.50),
            p90: q(0.90),
            p95: q(0.95),
            min: self.min,
            max: self.max,
        })
    }
}

/// Per-column accumulators of a run summarised batch by batch.
#[derive(Debug, Default)]
pub struct Accumulators {
    columns: Mutex<HashMap<ColumnId, Arc<Mutex<Column>>>>,
    /// Iterations of the whole run.
    total: u64,
}

impl Accumulators {
    /// Accumulators for a run of `total` iterations.
    pub fn new(total: u64) -> Accumulators {
        Accumulators { columns: Mutex::new(HashMap::new()), total }
    }

    fn column(&self, key: ColumnId) -> Arc<Mutex<Column>> {
        let mut map = self.columns.lock().expect("no panic while holding the lock");
        map.entry(key).or_default().clone()
    }

    /// The largest stated rank error of any percentile reported, as a share of
    /// the iterations (0 for a run summarised exactly).
    pub fn worst_rank_error(&self) -> f64 {
        let map = self.columns.lock().expect("no panic while holding the lock");
        map.values()
            .map(|c| {
                let c = c.lock().expect("no panic while holding the lock");
                [0.05, 0.10, 0.50, 0.90, 0.95].iter().map(|p| c.summary.rank_error(*p)).fold(0.0, f64::max)
            })
            .fold(0.0, f64::max)
    }
}

/// Values of a kept column beyond this many are dropped (memory); comparisons
/// that pair iterations need them all.
pub const KEEP_LIMIT: usize = 4_000_000;

/// The smallest denominator a ratio is defined on: a millionth of a currency
/// unit of revenue, of an hour or of an order. Every count (served
/// opportunities) is 0 or at least 1; every total is at most about 10³⁰ (the
/// reader's scales), so every ratio stays below 10³⁶ and its variance finite.
pub const MIN_DENOMINATOR: f64 = 1e-6;

/// Where summarised columns go.
pub enum Sink<'a> {
    /// The values are the whole run: compute exactly.
    Exact,
    /// Add this batch to the accumulators; the figures returned are placeholders.
    Feed(&'a Accumulators),
    /// Read the accumulated figures; the values passed are ignored.
    Emit(&'a Accumulators),
}

const ZERO: Stat =
    Stat { mean: 0.0, sd: 0.0, se: 0.0, p5: 0.0, p10: 0.0, p50: 0.0, p90: 0.0, p95: 0.0, min: 0.0, max: 0.0 };

impl Sink<'_> {
    /// Stat of a column defined in every iteration (all zeros when there are none).
    pub fn stat(&self, key: ColumnId, values: Vec<f64>) -> Stat {
        self.maybe_stat(key, values).unwrap_or(ZERO)
    }

    /// Stat of the values given, `None` when there are none in the whole run.
    pub fn maybe_stat(&self, key: ColumnId, mut values: Vec<f64>) -> Option<Stat> {
        // The scales the reader enforces keep every total finite (issue 15).
        debug_assert!(values.iter().all(|v| v.is_finite()), "a non-finite figure in column {key:?}");
        match self {
            Sink::Exact => Stat::from_values(&mut values),
            Sink::Feed(acc) => {
                acc.column(key).lock().expect("no panic while holding the lock").add(&mut values);
                None
            }
            Sink::Emit(acc) => acc.column(key).lock().expect("no panic while holding the lock").stat(),
        }
    }

    /// Histogram of a column also summarised with [`Sink::stat`] under `key`:
    /// exact from the values, or from the accumulated summary (bin counts then
    /// within the summary's rank error).
    pub fn histogram(&self, key: ColumnId, values: &[f64]) -> Histogram {
        match self {
            Sink::Exact => Histogram::of(values),
            Sink::Feed(_) => Histogram::default(),
            Sink::Emit(acc) => {
                let col = acc.column(key);
                let c = col.lock().expect("no panic while holding the lock");
                if c.n == 0 {
                    return Histogram::default();
                }
                let bins = crate::results::HISTOGRAM_BINS;
                let width = (c.max - c.min) / bins as f64;
                let edge =
                    |k: usize| if k == bins { c.n as f64 } else { c.summary.count_at_most(c.min + k as f64 * width) };
                let mut counts = Vec::with_capacity(bins);
                let mut below = 0u64;
                for k in 1..=bins {
                    let upto = (edge(k).round() as u64).clamp(below, c.n);
                    counts.push(upto - below);
                    below = upto;
                }
                Histogram { lo: c.min, hi: c.max, counts }
            }
        }
    }

    /// Stat of num / den over the iterations where den > 0. A den below
    /// [`MIN_DENOMINATOR`] counts as none: a revenue of 10⁻³⁰⁰ (from deal
    /// sizes that small, which the reader accepts) made cost-to-serve 10³⁰⁰ and
    /// its variance infinite (found by the fuzz harness).
    pub fn ratio(&self, key: ColumnId, num: &[f64], den: &[f64]) -> Option<Stat> {
        let values: Vec<f64> = match self {
            Sink::Emit(_) => Vec::new(),
            _ => num.iter().zip(den).filter(|(_, d)| **d >= MIN_DENOMINATOR).map(|(n, d)| n / d).collect(),
        };
        self.maybe_stat(key, values)
    }

    /// The share of the run's iterations counted: `count` of this batch's `n`.
    pub fn share(&self, key: ColumnId, count: usize, n: usize) -> f64 {
        match self {
            Sink::Exact => count as f64 / n.max(1) as f64,
            Sink::Feed(acc) => {
                acc.column(key).lock().expect("no panic while holding the lock").count += count as u64;
                0.0
            }
            Sink::Emit(acc) => {
                acc.column(key).lock().expect("no panic while holding the lock").count as f64 / acc.total.max(1) as f64
            }
        }
    }

    /// Every value of the run, in iteration order; empty for a run of more than
    /// [`KEEP_LIMIT`] iterations.
    pub fn keep(&self, key: ColumnId, values: Vec<f64>) -> Vec<f64> {
        match self {
            Sink::Exact => values,
            Sink::Feed(acc) => {
                if acc.total <= KEEP_LIMIT as u64 {
                    acc.column(key).lock().expect("no panic while holding the lock").kept.extend(values);
                }
                Vec::new()
            }
            Sink::Emit(acc) => {
                std::mem::take(&mut acc.column(key).lock().expect("no panic while holding the lock").kept)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column that never varies comes back exactly, with no spread, however
    /// many batches it is fed in.
    #[test]
    fn a_constant_column_is_exact() {
        let mut col = Column::default();
        for _ in 0..3 {
            col.add(&mut vec![1_866.666_666_666_666_7; 32_768]);
        }
        let s = col.stat().unwrap();
        assert_eq!(
            (s.mean, s.sd, s.p50, s.min, s.max),
            (1_866.666_666_666_666_7, 0.0, 1_866.666_666_666_666_7, 1_866.666_666_666_666_7, 1_866.666_666_666_666_7)
        );
    }
}
