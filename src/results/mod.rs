//! The results of a run: every figure chancap reports, as a distribution.
//!
//! These types are the `summary.json` interface (spec §6); their field names are
//! fixed. Every metric is summed over the horizon within an iteration, then
//! summarised across iterations as a [`Stat`]. Ratios (hit rate, cost-to-serve,
//! utilisation) are computed per iteration and summarised over the iterations where
//! they are defined; a ratio that is never defined is `null`.

mod key_figures;
mod stat;

pub use key_figures::{Band, ChannelFigures, KeyFigures, TargetFigure};
use serde::{Deserialize, Serialize};
pub use stat::Stat;

/// Everything a run reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// What was run.
    pub scenario: RunInfo,
    /// Whole-business figures.
    pub totals: Totals,
    /// P(metric ≥ target) for each target.
    #[serde(default)]
    pub targets: Vec<TargetResult>,
    /// One entry per (segment, channel) cell, segments top first.
    #[serde(default)]
    pub cells: Vec<CellResult>,
    /// One entry per segment, top first.
    #[serde(default)]
    pub segments: Vec<SegmentResult>,
    /// One entry per channel, in file order.
    #[serde(default)]
    pub channels: Vec<ChannelResult>,
    /// Binned outcomes for the charts; not part of `summary.json` (written beside
    /// it as `distributions.json`).
    #[serde(skip)]
    pub distributions: Distributions,
}

/// How the headline outcomes are distributed over the iterations, binned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Distributions {
    /// Total revenue over the horizon, in currency.
    pub revenue: Histogram,
    /// Total contribution over the horizon, in currency.
    pub contribution: Histogram,
    /// Running mean of revenue: `[iterations, mean, 95 % half-width]` at up to
    /// 400 points along the run.
    #[serde(default)]
    pub revenue_convergence: Vec<[f64; 3]>,
    /// Running mean of contribution, likewise.
    #[serde(default)]
    pub contribution_convergence: Vec<[f64; 3]>,
    /// Revenue of every iteration, in iteration order (in memory only: for
    /// paired comparisons of scenarios).
    #[serde(skip)]
    pub revenue_values: Vec<f64>,
    /// Contribution of every iteration, in iteration order (in memory only).
    #[serde(skip)]
    pub contribution_values: Vec<f64>,
}

/// Equal-width bins from `lo` to `hi`; `counts[k]` iterations fell in bin k.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// Iterations per bin.
    #[serde(default)]
    pub counts: Vec<u64>,
}

/// Bins in an outcome histogram.
pub const HISTOGRAM_BINS: usize = 60;

impl Histogram {
    /// Width of one bin.
    pub fn width(&self) -> f64 {
        if self.counts.is_empty() { 0.0 } else { (self.hi - self.lo) / self.counts.len() as f64 }
    }
}

/// Identification of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Scenario name.
    pub name: String,
    /// Scenario file.
    pub file: String,
    /// Seed used.
    pub seed: u64,
    /// Iterations run.
    pub iterations: u64,
    /// Number of periods.
    pub periods: usize,
    /// Period length: month, quarter or week.
    pub period: String,
    /// Currency label.
    pub currency: String,
    /// How the uncertain inputs were sampled: `mc` (plain Monte Carlo) or
    /// `lhs` (Latin hypercube); `mc` in files written before it was recorded.
    #[serde(default = "plain_sampling")]
    pub sampling: String,
    /// The scenario's content fingerprint (`Scenario::content_hash`); empty in
    /// files written before it was recorded.
    #[serde(default)]
    pub scenario_hash: String,
}

fn plain_sampling() -> String {
    "mc".to_string()
}

/// Whole-business totals over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Routed opportunities incl. campaign opportunities (uncovered excluded).
    pub opportunities: Stat,
    /// Opportunities no channel covers.
    pub uncovered: Stat,
    /// Opportunities served.
    pub served: Stat,
    /// Opportunities (or online orders) lost for lack of capacity.
    pub lost_to_capacity: Stat,
    /// Won deals.
    pub wins: Stat,
    /// Revenue, in currency.
    pub revenue: Stat,
    /// Gross margin (revenue × product margin), in currency.
    pub gross_margin: Stat,
    /// All channel cost, including fixed cost not allocated to any cell.
    pub channel_cost: Stat,
    /// Gross margin − channel cost.
    pub contribution: Stat,
    /// Expected revenue of the opportunities lost to capacity, in currency;
    /// absent in files written before it was reported.
    #[serde(default)]
    pub lost_revenue: Option<Stat>,
    /// Expected contribution of the opportunities lost to capacity, in currency.
    #[serde(default)]
    pub lost_contribution: Option<Stat>,
}

/// The probability of reaching a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// `revenue` or `contribution`.
    pub metric: String,
    /// The target, in currency.
    pub value: f64,
    /// Share of iterations with metric ≥ value.
    pub probability: f64,
}

/// The cell metrics, shared by cells, segments and channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Routed opportunities incl. campaigns.
    pub opportunities: Stat,
    /// Opportunities served.
    pub served: Stat,
    /// Lost for lack of capacity.
    pub lost_to_capacity: Stat,
    /// Won deals.
    pub wins: Stat,
    /// Wins / served, over iterations with served > 0.
    #[serde(default)]
    pub hit_rate: Option<Stat>,
    /// Revenue, in currency.
    pub revenue: Stat,
    /// Gross margin, in currency.
    pub gross_margin: Stat,
    /// Channel cost, in currency.
    pub channel_cost: Stat,
    /// Gross margin − channel cost, in currency.
    pub contribution: Stat,
    /// Expected revenue of the opportunities lost to capacity, in currency
    /// (lost × hit rate × mean deal size); absent in files written before it
    /// was reported.
    #[serde(default)]
    pub lost_revenue: Option<Stat>,
    /// Expected contribution of the opportunities lost to capacity, in currency.
    #[serde(default)]
    pub lost_contribution: Option<Stat>,
    /// Channel cost / revenue, over iterations with revenue > 0.
    #[serde(default)]
    pub cost_to_serve: Option<Stat>,
}

/// One (segment, channel) cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// Segment name.
    pub segment: String,
    /// Channel name.
    pub channel: String,
    /// Its figures.
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// One segment: its cells summed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentResult {
    /// Segment name.
    pub segment: String,
    /// Display label.
    pub label: String,
    /// Its cells' figures summed.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Opportunities of the segment that no channel covers.
    pub uncovered: Stat,
}

/// One channel: its cells summed, plus its unallocated fixed cost and capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelResult {
    /// Channel name.
    pub channel: String,
    /// Display label; empty in files written before channels had labels.
    #[serde(default)]
    pub label: String,
    /// direct, telesales, reseller or online.
    pub kind: String,
    /// Its cells' figures summed; `channel_cost` and `contribution` include the
    /// unallocated fixed cost.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Fixed cost of periods in which the channel had nothing to allocate it to.
    pub unallocated_cost: Stat,
    /// Required vs available capacity; `null` for online without an order limit.
    #[serde(default)]
    pub capacity: Option<Capacity>,
}

/// Required vs available capacity of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// `hours`, `opportunities` or `orders`.
    pub unit: String,
    /// Required capacity over the horizon.
    pub required: Stat,
    /// Available capacity over the horizon.
    pub available: Stat,
    /// Required / available over the horizon.
    #[serde(default)]
    pub utilization: Option<Stat>,
    /// Σ over periods of max(0, required − available).
    pub shortfall: Stat,
    /// Required hours in FTE (people channels), averaged over the horizon.
    #[serde(default)]
    pub required_fte: Option<Stat>,
    /// Available hours in FTE (people channels), averaged over the horizon.
    #[serde(default)]
    pub available_fte: Option<Stat>,
    /// P(required > available in at least one period).
    pub p_shortfall: f64,
    /// Period by period.
    #[serde(default)]
    pub periods: Vec<PeriodCapacity>,
}

/// Capacity of a channel in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodCapacity {
    /// Period number, from 1.
    pub period: usize,
    /// Required capacity.
    pub required: Stat,
    /// Available capacity.
    pub available: Stat,
    /// Required / available, over iterations with available > 0.
    #[serde(default)]
    pub utilization: Option<Stat>,
    /// max(0, required − available).
    pub shortfall: Stat,
    /// Required in FTE (people channels).
    #[serde(default)]
    pub required_fte: Option<Stat>,
    /// Available in FTE (people channels).
    #[serde(default)]
    pub available_fte: Option<Stat>,
    /// Shortfall in FTE (people channels): the extra people needed that period.
    #[serde(default)]
    pub shortfall_fte: Option<Stat>,
    /// P(required > available) in this period.
    pub p_shortfall: f64,
}
