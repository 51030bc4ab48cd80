//! The channel kinds, one file each: how a kind's capacity evolves over the
//! horizon and how it serves, wins and costs the opportunities routed to it in a
//! period. Adding a kind means a file here and its arms in the iteration's
//! matches on `ChannelModel`, which the compiler names.

pub mod online;
pub mod people;
pub mod reseller;

pub use super::capacity::ChannelCapacity;
use super::plan::{Layout, cell_metric as m};

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

/// Share of demand a channel can serve in a period: `A / R` when enforcing and
/// short, else 1.
#[inline]
fn fraction(enforce: bool, required: f64, available: f64) -> f64 {
    if enforce && required > available { (available / required).max(0.0) } else { 1.0 }
}
