//! The results of a run: every figure chancap reports, as a distribution.
//!
//! These types are the `summary.json` interface (spec §6); their field names are
//! fixed. Every metric is summed over the horizon within an iteration, then
//! summarised across iterations as a [`Stat`]. Ratios (hit rate, cost-to-serve,
//! utilisation) are computed per iteration and summarised over the iterations where
//! they are defined; a ratio that is never defined is `null`.

use crate::accumulate::Sink;
use crate::engine::plan::{Layout, Plan, cell_metric as m};
use crate::engine::{Block, RunOptions, Samples};
use crate::scenario::{ChannelModel, Scenario, TargetMetric};
use crate::stats::Stat;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything a run reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// What was run.
    pub scenario: RunInfo,
    /// Whole-business figures.
    pub totals: Totals,
    /// P(metric ≥ target) for each target.
    pub targets: Vec<TargetResult>,
    /// One entry per (segment, channel) cell, segments top first.
    pub cells: Vec<CellResult>,
    /// One entry per segment, top first.
    pub segments: Vec<SegmentResult>,
    /// One entry per channel, in file order.
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
    pub counts: Vec<u64>,
}

/// The running mean of `values` and its 95 % half-width (1.96 standard errors)
/// at up to 400 points, spaced on a square-root scale so the early part shows.
pub fn convergence(values: &[f64]) -> Vec<[f64; 3]> {
    let n = values.len();
    let mut marks: Vec<usize> = (1..=400).map(|k| ((k as f64 / 400.0).powi(2) * n as f64).ceil() as usize).collect();
    marks.retain(|m| *m >= 2);
    marks.dedup();
    let (mut sum, mut sum2, mut next) = (0.0, 0.0, 0);
    let mut points = Vec::with_capacity(marks.len());
    for (i, x) in values.iter().enumerate() {
        sum += x;
        sum2 += x * x;
        if next < marks.len() && i + 1 == marks[next] {
            let k = (i + 1) as f64;
            let mean = sum / k;
            let var = ((sum2 - k * mean * mean) / (k - 1.0)).max(0.0);
            points.push([k, mean, 1.96 * (var / k).sqrt()]);
            next += 1;
        }
    }
    points
}

/// Bins in an outcome histogram.
pub const HISTOGRAM_BINS: usize = 60;

impl Histogram {
    /// Bins `values` into [`HISTOGRAM_BINS`] equal bins between their minimum and
    /// maximum (the maximum falls in the last bin).
    pub fn of(values: &[f64]) -> Histogram {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if lo > hi {
            return Histogram::default();
        }
        let mut counts = vec![0; HISTOGRAM_BINS];
        let width = (hi - lo) / HISTOGRAM_BINS as f64;
        for v in values.iter().filter(|v| v.is_finite()) {
            let k = if width > 0.0 { ((v - lo) / width) as usize } else { 0 };
            counts[k.min(HISTOGRAM_BINS - 1)] += 1;
        }
        Histogram { lo, hi, counts }
    }

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
    pub hit_rate: Option<Stat>,
    /// Revenue, in currency.
    pub revenue: Stat,
    /// Gross margin, in currency.
    pub gross_margin: Stat,
    /// Channel cost, in currency.
    pub channel_cost: Stat,
    /// Gross margin − channel cost, in currency.
    pub contribution: Stat,
    /// Channel cost / revenue, over iterations with revenue > 0.
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
    /// direct, telesales, reseller or online.
    pub kind: String,
    /// Its cells' figures summed; `channel_cost` and `contribution` include the
    /// unallocated fixed cost.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Fixed cost of periods in which the channel had nothing to allocate it to.
    pub unallocated_cost: Stat,
    /// Required vs available capacity; `null` for online without an order limit.
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
    pub utilization: Option<Stat>,
    /// Σ over periods of max(0, required − available).
    pub shortfall: Stat,
    /// Required hours in FTE (people channels), averaged over the horizon.
    pub required_fte: Option<Stat>,
    /// Available hours in FTE (people channels), averaged over the horizon.
    pub available_fte: Option<Stat>,
    /// P(required > available in at least one period).
    pub p_shortfall: f64,
    /// Period by period.
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
    pub utilization: Option<Stat>,
    /// max(0, required − available).
    pub shortfall: Stat,
    /// Required in FTE (people channels).
    pub required_fte: Option<Stat>,
    /// Available in FTE (people channels).
    pub available_fte: Option<Stat>,
    /// Shortfall in FTE (people channels): the extra people needed that period.
    pub shortfall_fte: Option<Stat>,
    /// P(required > available) in this period.
    pub p_shortfall: f64,
}

/// Sums of the raw cell metrics over `cells` per iteration, plus `extra_cost`
/// (unallocated fixed cost) columns added to the channel cost.
fn metrics(
    sink: &Sink,
    key: &str,
    samples: &Samples,
    layout: &Layout,
    cells: &[usize],
    extra_cost: &[usize],
) -> Metrics {
    let k = |name: &str| format!("{key}/{name}");
    let sum = |metric: usize| {
        let fields: Vec<usize> = cells.iter().map(|k| layout.cell(*k, metric)).collect();
        samples.sum_of_fields(&fields)
    };
    let opportunities = sum(m::OPPORTUNITIES);
    let served = sum(m::SERVED);
    let wins = sum(m::WINS);
    let revenue = sum(m::REVENUE);
    let gross_margin = sum(m::GROSS_MARGIN);
    let mut cost = sum(m::CHANNEL_COST);
    if !extra_cost.is_empty() {
        for (c, extra) in cost.iter_mut().zip(samples.sum_of_fields(extra_cost)) {
            *c += extra;
        }
    }
    let contribution: Vec<f64> = gross_margin.iter().zip(&cost).map(|(g, c)| g - c).collect();
    Metrics {
        hit_rate: sink.ratio(&k("hit_rate"), &wins, &served),
        cost_to_serve: sink.ratio(&k("cost_to_serve"), &cost, &revenue),
        opportunities: sink.stat(&k("opportunities"), opportunities),
        served: sink.stat(&k("served"), served),
        lost_to_capacity: sink.stat(&k("lost"), sum(m::LOST)),
        wins: sink.stat(&k("wins"), wins),
        revenue: sink.stat(&k("revenue"), revenue),
        gross_margin: sink.stat(&k("gross_margin"), gross_margin),
        channel_cost: sink.stat(&k("channel_cost"), cost),
        contribution: sink.stat(&k("contribution"), contribution),
    }
}

/// The required and the available capacity of each period, in a block.
fn required_and_available<'a>(
    b: Block<'a>,
    required: &'a [usize],
    available: &'a [usize],
) -> impl Iterator<Item = (&'a [f64], &'a [f64])> + 'a {
    required.iter().zip(available).map(move |(r, a)| (b.field(*r), b.field(*a)))
}

fn capacity(sink: &Sink, s: &Scenario, samples: &Samples, layout: &Layout, c: usize) -> Option<Capacity> {
    let channel = &s.channels[c];
    let fte_per_unit = match &channel.model {
        ChannelModel::People(p) => Some(s.ppy() as f64 / p.hours_per_fte),
        ChannelModel::Online(o) if o.orders_capacity.is_none() => return None,
        _ => None,
    };
    let periods = s.periods;
    let required_fields: Vec<usize> = (0..periods).map(|t| layout.required(c, t)).collect();
    let available_fields: Vec<usize> = (0..periods).map(|t| layout.available(c, t)).collect();
    let required = samples.sum_of_fields(&required_fields);
    let available = samples.sum_of_fields(&available_fields);
    let shortfall = samples.derive(|b, out| {
        for period in required_and_available(b, &required_fields, &available_fields) {
            for ((o, r), a) in out.iter_mut().zip(period.0).zip(period.1) {
                *o += (r - a).max(0.0);
            }
        }
    });
    // 1.0 where some period is short.
    let short_somewhere = samples.derive(|b, out| {
        out.fill(0.0);
        for period in required_and_available(b, &required_fields, &available_fields) {
            for ((o, r), a) in out.iter_mut().zip(period.0).zip(period.1) {
                if r > a {
                    *o = 1.0;
                }
            }
        }
    });
    let n = samples.iterations();
    let short_any =
        sink.share(&format!("cap/{c}/p_shortfall"), short_somewhere.iter().filter(|x| **x > 0.0).count(), n);
    let period_entries = (0..periods)
        .into_par_iter()
        .map(|t| {
            let req = samples.field(layout.required(c, t));
            let avail = samples.field(layout.available(c, t));
            let short: Vec<f64> = req.iter().zip(&avail).map(|(r, a)| (r - a).max(0.0)).collect();
            let key = |name: &str| format!("cap/{c}/{t}/{name}");
            let p_short = sink.share(&key("p_shortfall"), req.iter().zip(&avail).filter(|(r, a)| r > a).count(), n);
            let utilization = sink.ratio(&key("utilization"), &req, &avail);
            let (required, available, shortfall) = (
                sink.stat(&key("required"), req),
                sink.stat(&key("available"), avail),
                sink.stat(&key("shortfall"), short),
            );
            PeriodCapacity {
                period: t + 1,
                required_fte: fte_per_unit.map(|f| required.scaled(f)),
                available_fte: fte_per_unit.map(|f| available.scaled(f)),
                shortfall_fte: fte_per_unit.map(|f| shortfall.scaled(f)),
                required,
                available,
                utilization,
                shortfall,
                p_shortfall: p_short,
            }
        })
        .collect();
    let utilization = sink.ratio(&format!("cap/{c}/utilization"), &required, &available);
    let (required, available) =
        (sink.stat(&format!("cap/{c}/required"), required), sink.stat(&format!("cap/{c}/available"), available));
    // FTE averaged over the horizon: hours per period ÷ (hours per FTE per period).
    let horizon_fte = fte_per_unit.map(|f| f / periods as f64);
    Some(Capacity {
        unit: channel.kind.capacity_unit().to_string(),
        required_fte: horizon_fte.map(|f| required.scaled(f)),
        available_fte: horizon_fte.map(|f| available.scaled(f)),
        required,
        available,
        utilization,
        shortfall: sink.stat(&format!("cap/{c}/shortfall"), shortfall),
        p_shortfall: short_any,
        periods: period_entries,
    })
}

impl Results {
    /// Summarises the raw records of a run (all of it, with [`Sink::Exact`]), or
    /// feeds one batch of it to accumulators, or reads them back (see
    /// [`crate::accumulate`]).
    pub fn summarize(s: &Scenario, plan: &Plan, opts: &RunOptions, samples: &Samples, sink: &Sink) -> Results {
        let layout = &plan.layout;
        let all_cells: Vec<usize> = (0..plan.cells.len()).collect();
        let all_unallocated: Vec<usize> = (0..s.channels.len()).map(|c| layout.unallocated(c)).collect();

        let cells = plan
            .cells
            .par_iter()
            .enumerate()
            .map(|(k, cell)| CellResult {
                segment: s.segments[cell.segment].name.clone(),
                channel: s.channels[cell.channel].name.clone(),
                metrics: metrics(sink, &format!("cell/{k}"), samples, layout, &[k], &[]),
            })
            .collect();
        let segments = s
            .segments
            .par_iter()
            .enumerate()
            .map(|(x, seg)| {
                let of_segment: Vec<usize> = (0..plan.cells.len()).filter(|k| plan.cells[*k].segment == x).collect();
                SegmentResult {
                    segment: seg.name.clone(),
                    label: seg.label.clone(),
                    metrics: metrics(sink, &format!("segment/{x}"), samples, layout, &of_segment, &[]),
                    uncovered: sink.stat(&format!("segment/{x}/uncovered"), samples.field(layout.uncovered(x))),
                }
            })
            .collect();
        let channels = s
            .channels
            .par_iter()
            .enumerate()
            .map(|(c, ch)| ChannelResult {
                channel: ch.name.clone(),
                kind: ch.kind.as_str().to_string(),
                metrics: metrics(
                    sink,
                    &format!("channel/{c}"),
                    samples,
                    layout,
                    &plan.channel_cells[c],
                    &[layout.unallocated(c)],
                ),
                unallocated_cost: sink.stat(&format!("channel/{c}/unallocated"), samples.field(layout.unallocated(c))),
                capacity: capacity(sink, s, samples, layout, c),
            })
            .collect();

        let all = metrics(sink, "total", samples, layout, &all_cells, &all_unallocated);
        let uncovered_fields: Vec<usize> = (0..s.segments.len()).map(|x| layout.uncovered(x)).collect();
        let uncovered = samples.sum_of_fields(&uncovered_fields);
        let revenue = samples.derive(|b, out| layout.revenue(b, out));
        let contribution = samples.derive(|b, out| layout.contribution(b, out));
        let n = samples.iterations();
        let targets = s
            .targets
            .iter()
            .enumerate()
            .map(|(i, target)| {
                let values = match target.metric {
                    TargetMetric::Revenue => &revenue,
                    TargetMetric::Contribution => &contribution,
                };
                let reached = values.iter().filter(|v| **v >= target.value).count();
                TargetResult {
                    metric: target.metric.as_str().to_string(),
                    value: target.value,
                    probability: sink.share(&format!("target/{i}"), reached, n),
                }
            })
            .collect();
        let revenue = sink.keep("keep/revenue", revenue);
        let contribution = sink.keep("keep/contribution", contribution);

        Results {
            scenario: RunInfo {
                name: s.name.clone(),
                file: s.origin.clone(),
                seed: opts.seed,
                iterations: opts.iterations,
                periods: s.periods,
                period: s.period.as_str().to_string(),
                currency: s.currency.clone(),
            },
            totals: Totals {
                opportunities: all.opportunities,
                uncovered: sink.stat("total/uncovered", uncovered),
                served: all.served,
                lost_to_capacity: all.lost_to_capacity,
                wins: all.wins,
                revenue: all.revenue,
                gross_margin: all.gross_margin,
                channel_cost: all.channel_cost,
                contribution: all.contribution,
            },
            targets,
            cells,
            segments,
            channels,
            distributions: Distributions {
                revenue: sink.histogram("total/revenue", &revenue),
                contribution: sink.histogram("total/contribution", &contribution),
                revenue_convergence: convergence(&revenue),
                contribution_convergence: convergence(&contribution),
                revenue_values: revenue,
                contribution_values: contribution,
            },
        }
    }
}
