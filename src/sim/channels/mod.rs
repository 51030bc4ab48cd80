//! The channel kinds, one file each: how a kind's capacity evolves over the
//! horizon and how it serves, wins and costs the opportunities routed to it in a
//! period. Adding a kind means a file here and its arms in the iteration's
//! matches on `ChannelModel`, which the compiler names.

pub mod online;
pub mod people;
pub mod reseller;

pub use super::capacity::ChannelCapacity;
use super::plan::{Layout, Plan, cell_metric as m};
use crate::model::{ChannelModel, Scenario};

/// Adds each cell's revenue-based variable cost (`share × revenue`) and its
/// share of a period's fixed cost by revenue; fixed cost of a period without
/// revenue stays with the channel as unallocated.
pub(super) fn allocate_by_revenue(
    layout: &Layout,
    c: usize,
    cells: &[usize],
    revenue_of: impl Fn(usize) -> f64,
    fixed: f64,
    share: f64,
    rec: &mut [f64],
) {
    let revenue: f64 = cells.iter().map(|&k| revenue_of(k)).sum();
    for &k in cells {
        let rev = revenue_of(k);
        let mut cost = share * rev;
        if revenue > 0.0 {
            cost += fixed * rev / revenue;
        }
        rec[layout.cell(k, m::CHANNEL_COST)] += cost;
    }
    if revenue <= 0.0 {
        rec[layout.unallocated(c)] += fixed;
    }
}

/// Adds a cell's routed, served, lost (routed − served) and won counts to the record.
#[inline]
fn add_counts(rec: &mut [f64], layout: &Layout, k: usize, opportunities: u64, served: u64, wins: u64) {
    rec[layout.cell(k, m::OPPORTUNITIES)] += opportunities as f64;
    rec[layout.cell(k, m::SERVED)] += served as f64;
    rec[layout.cell(k, m::LOST)] += (opportunities - served) as f64;
    rec[layout.cell(k, m::WINS)] += wins as f64;
}

/// Adds expected wins of opportunities lost to capacity to cell `k`'s lost
/// revenue, which holds them until [`price_lost`] prices them.
#[inline]
fn add_lost_wins(rec: &mut [f64], layout: &Layout, k: usize, expected_wins: f64) {
    rec[layout.cell(k, m::LOST_REVENUE)] += expected_wins;
}

/// What the opportunities lost to capacity would have earned, cell by cell:
/// their expected wins (lost × the lane's hit rate; lost orders online) at the
/// segment's mean deal size × the cell's deal-size factor is the lost revenue;
/// less the product cost (1 − gross margin), the channel's revenue-based cost
/// and the variable cost each lost opportunity (people) or order (online)
/// would have incurred is the lost contribution. Fixed costs are paid anyway.
pub(super) fn price_lost(s: &Scenario, plan: &Plan, theta: &[f64], rec: &mut [f64]) {
    let layout = &plan.layout;
    for (k, cell) in plan.cells.iter().enumerate() {
        let expected_wins = rec[layout.cell(k, m::LOST_REVENUE)];
        // Nothing lost; or a hit rate that is not a number (a degenerate input
        // the win draw treats as no wins): no lost value either.
        if !(expected_wins.is_finite() && expected_wins > 0.0) {
            rec[layout.cell(k, m::LOST_REVENUE)] = 0.0;
            continue;
        }
        let factor = cell.deal_size_factor.map_or(1.0, |id| theta[id.0]);
        let revenue = expected_wins * s.segments[cell.segment].deal_size.mean() * factor;
        let lost = rec[layout.cell(k, m::LOST)];
        let (share, variable) = match &s.channels[cell.channel].model {
            ChannelModel::People(p) => (0.0, p.cost_per_opportunity * lost),
            ChannelModel::Reseller(r) => (reseller::revenue_share(r, theta), 0.0),
            ChannelModel::Online(o) => (online::revenue_share(o, theta), o.cost_per_order * lost),
        };
        rec[layout.cell(k, m::LOST_REVENUE)] = revenue;
        rec[layout.cell(k, m::LOST_CONTRIBUTION)] = revenue * (theta[cell.gross_margin.0] - share) - variable;
    }
}

/// Share of demand a channel can serve in a period: `A / R` when enforcing and
/// short, else 1.
#[inline]
fn fraction(enforce: bool, required: f64, available: f64) -> f64 {
    if enforce && required > available { (available / required).max(0.0) } else { 1.0 }
}
