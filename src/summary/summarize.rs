//! From the raw records of a run to [`Results`]: every figure chancap reports,
//! summed per iteration, then summarised across iterations.

use super::accumulate::{Figure as F, Scope, Sink};
use crate::model::{ChannelModel, Scenario, TargetMetric};
use crate::results::*;
use crate::sim::plan::{Layout, Plan, cell_metric as m};
use crate::sim::{Block, RunOptions, Samples};
use rayon::prelude::*;

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
}

/// Sums of the raw cell metrics over `cells` per iteration, plus `extra_cost`
/// (unallocated fixed cost) columns added to the channel cost.
fn metrics(
    sink: &Sink,
    scope: Scope,
    samples: &Samples,
    layout: &Layout,
    cells: &[usize],
    extra_cost: &[usize],
) -> Metrics {
    let k = |figure: F| (scope, figure);
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
        hit_rate: sink.ratio(k(F::HitRate), &wins, &served),
        cost_to_serve: sink.ratio(k(F::CostToServe), &cost, &revenue),
        opportunities: sink.stat(k(F::Opportunities), opportunities),
        served: sink.stat(k(F::Served), served),
        lost_to_capacity: sink.stat(k(F::Lost), sum(m::LOST)),
        wins: sink.stat(k(F::Wins), wins),
        revenue: sink.stat(k(F::Revenue), revenue),
        gross_margin: sink.stat(k(F::GrossMargin), gross_margin),
        channel_cost: sink.stat(k(F::ChannelCost), cost),
        contribution: sink.stat(k(F::Contribution), contribution),
        lost_revenue: Some(sink.stat(k(F::LostRevenue), sum(m::LOST_REVENUE))),
        lost_contribution: Some(sink.stat(k(F::LostContribution), sum(m::LOST_CONTRIBUTION))),
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
        _ if channel.model.unlimited() => return None,
        ChannelModel::Online(_) | ChannelModel::Reseller(_) => None,
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
        sink.share((Scope::Capacity(c), F::PShortfall), short_somewhere.iter().filter(|x| **x > 0.0).count(), n);
    let period_entries = (0..periods)
        .into_par_iter()
        .map(|t| {
            let req = samples.field(layout.required(c, t));
            let avail = samples.field(layout.available(c, t));
            let short: Vec<f64> = req.iter().zip(&avail).map(|(r, a)| (r - a).max(0.0)).collect();
            let key = |figure: F| (Scope::Period { channel: c, period: t }, figure);
            let p_short = sink.share(key(F::PShortfall), req.iter().zip(&avail).filter(|(r, a)| r > a).count(), n);
            let utilization = sink.ratio(key(F::Utilization), &req, &avail);
            let (required, available, shortfall) = (
                sink.stat(key(F::Required), req),
                sink.stat(key(F::Available), avail),
                sink.stat(key(F::Shortfall), short),
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
    let utilization = sink.ratio((Scope::Capacity(c), F::Utilization), &required, &available);
    let (required, available) = (
        sink.stat((Scope::Capacity(c), F::Required), required),
        sink.stat((Scope::Capacity(c), F::Available), available),
    );
    // FTE averaged over the horizon: hours per period ÷ (hours per FTE per period).
    let horizon_fte = fte_per_unit.map(|f| f / periods as f64);
    Some(Capacity {
        unit: channel.kind.capacity_unit().to_string(),
        required_fte: horizon_fte.map(|f| required.scaled(f)),
        available_fte: horizon_fte.map(|f| available.scaled(f)),
        required,
        available,
        utilization,
        shortfall: sink.stat((Scope::Capacity(c), F::Shortfall), shortfall),
        p_shortfall: short_any,
        periods: period_entries,
    })
}

impl Results {
    /// Summarises the raw records of a run (all of it, with [`Sink::Exact`]), or
    /// feeds one batch of it to accumulators, or reads them back (see
    /// [`crate::summary::accumulate`]).
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
                metrics: metrics(sink, Scope::Cell(k), samples, layout, &[k], &[]),
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
                    metrics: metrics(sink, Scope::Segment(x), samples, layout, &of_segment, &[]),
                    uncovered: sink.stat((Scope::Segment(x), F::Uncovered), samples.field(layout.uncovered(x))),
                }
            })
            .collect();
        let channels = s
            .channels
            .par_iter()
            .enumerate()
            .map(|(c, ch)| ChannelResult {
                channel: ch.name.clone(),
                label: ch.label.clone(),
                kind: ch.kind.as_str().to_string(),
                metrics: metrics(
                    sink,
                    Scope::Channel(c),
                    samples,
                    layout,
                    &plan.channel_cells[c],
                    &[layout.unallocated(c)],
                ),
                unallocated_cost: sink.stat((Scope::Channel(c), F::Unallocated), samples.field(layout.unallocated(c))),
                capacity: capacity(sink, s, samples, layout, c),
            })
            .collect();

        let all = metrics(sink, Scope::Total, samples, layout, &all_cells, &all_unallocated);
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
                    probability: sink.share((Scope::Target(i), F::Reached), reached, n),
                }
            })
            .collect();
        let revenue = sink.keep((Scope::Kept, F::Revenue), revenue);
        let contribution = sink.keep((Scope::Kept, F::Contribution), contribution);

        Results {
            scenario: RunInfo {
                name: s.name.clone(),
                file: s.origin.clone(),
                seed: opts.seed,
                iterations: opts.iterations,
                periods: s.periods,
                period: s.period.as_str().to_string(),
                currency: s.currency.clone(),
                sampling: s.sampling.as_str().to_string(),
                scenario_hash: s.content_hash(),
            },
            totals: Totals {
                opportunities: all.opportunities,
                uncovered: sink.stat((Scope::Total, F::Uncovered), uncovered),
                served: all.served,
                lost_to_capacity: all.lost_to_capacity,
                wins: all.wins,
                revenue: all.revenue,
                gross_margin: all.gross_margin,
                channel_cost: all.channel_cost,
                contribution: all.contribution,
                lost_revenue: all.lost_revenue,
                lost_contribution: all.lost_contribution,
            },
            targets,
            cells,
            segments,
            channels,
            distributions: Distributions {
                revenue: sink.histogram((Scope::Total, F::Revenue), &revenue),
                contribution: sink.histogram((Scope::Total, F::Contribution), &contribution),
                revenue_convergence: convergence(&revenue),
                contribution_convergence: convergence(&contribution),
                revenue_values: revenue,
                contribution_values: contribution,
            },
        }
    }
}
