//! Online channels (the web shop): every opportunity is served; wins are orders,
//! capped by an optional order limit; a fee per order's revenue and a cost per
//! order.

use super::super::capacity::ChannelCapacity;
use super::super::iterate::{Context, Workspace};
use super::super::plan::cell_metric as m;
use crate::model::Online;
use crate::random::sample::binomial;

/// Online channel: a flat order limit, or unlimited.
pub fn capacity(o: &Online, periods: usize, ppy: usize, out: &mut ChannelCapacity) {
    out.available.clear();
    out.fixed_cost.clear();
    let cap = o.orders_capacity.map_or(f64::INFINITY, |c| c / ppy as f64);
    out.available.resize(periods, cap);
    out.fixed_cost.resize(periods, o.platform_cost / ppy as f64);
}

/// Share of revenue the channel pays away: the platform fee.
pub fn revenue_share(o: &Online, theta: &[f64]) -> f64 {
    theta[o.fee.0]
}

impl Workspace {
    /// Period `t` of online channel `c`: every opportunity is served; the wins
    /// are kept up to the order limit (orders lost to it are taken off served);
    /// cost per kept order. Returns the orders required (the wins).
    pub(in crate::sim) fn online_period(
        &mut self,
        cx: &Context,
        c: usize,
        o: &Online,
        t: usize,
        rec: &mut [f64],
    ) -> f64 {
        let Context { s, plan, theta } = *cx;
        let layout = &plan.layout;
        let periods = s.periods;
        let cells = &plan.channel_cells[c];
        let mut wins = 0u64;
        let mut won = std::mem::take(&mut self.lane_wins);
        won.clear();
        for &k in cells {
            for &l in &plan.cells[k].lanes {
                let opps = self.lane_opps[l];
                let w = if plan.uncapped[c] {
                    self.demand_won[l * periods + t]
                } else {
                    binomial(&mut self.win_rngs[k], opps, theta[plan.lanes[l].hit_rate.0])
                };
                won.push(w);
                wins += w;
            }
        }
        let f = super::fraction(s.enforce_capacity, wins as f64, self.capacity[c].available[t]);
        let mut j = 0;
        for &k in cells {
            let mut kept_orders = 0u64;
            for &l in &plan.cells[k].lanes {
                let opps = self.lane_opps[l];
                let w = won[j];
                j += 1;
                let kept = if f < 1.0 { binomial(&mut self.serve_rngs[k], w, f) } else { w };
                // Orders lost to the limit are taken off served; they were won.
                super::add_counts(rec, layout, k, opps, opps - (w - kept), kept);
                if kept < w {
                    super::add_lost_wins(rec, layout, k, (w - kept) as f64);
                }
                kept_orders += kept;
            }
            rec[layout.cell(k, m::CHANNEL_COST)] += o.cost_per_order * kept_orders as f64;
            self.period_wins[k * s.periods + t] = kept_orders;
        }
        self.lane_wins = won;
        wins as f64
    }
}
