//! Reseller channels: capacity in opportunities from active partners (recruits
//! onboard, partners churn); each period's routed opportunities served pro rata
//! and won at once; partner margin and incentives paid on revenue.

use super::super::capacity::{ChannelCapacity, per_period};
use super::super::iterate::{Context, Workspace};
use super::super::plan::Plan;
use crate::model::Reseller;
use crate::random::sample::binomial;
use rand::Rng;

/// Reseller channel: active partners × opportunities per partner.
pub fn capacity<R: Rng + ?Sized>(
    rng: &mut R,
    r: &Reseller,
    theta: &[f64],
    periods: usize,
    ppy: usize,
    out: &mut ChannelCapacity,
) {
    let opportunities_per_partner = theta[r.opportunities_per_partner.0];
    let q = per_period(theta[r.partner_churn.0], ppy);
    let mut activating = vec![0u64; periods];
    let mut recruiting_cost = vec![0.0; periods];
    for rec in &r.recruits {
        let t = rec.period - 1;
        recruiting_cost[t] += r.recruit_cost * rec.count as f64;
        if t + r.onboarding < periods {
            activating[t + r.onboarding] += rec.count;
        }
    }
    out.available.clear();
    out.fixed_cost.clear();
    let mut active = r.partners;
    for t in 0..periods {
        active += activating[t];
        out.available.push(active as f64 * opportunities_per_partner / ppy as f64);
        out.fixed_cost.push(r.program_cost / ppy as f64 + recruiting_cost[t]);
        if q > 0.0 && t + 1 < periods {
            active -= binomial(rng, active, q);
        }
    }
}

/// Share of revenue the channel pays away: partner margin plus incentives.
pub fn revenue_share(r: &Reseller, theta: &[f64]) -> f64 {
    theta[r.partner_margin.0] + theta[r.incentives.0]
}

impl Workspace {
    /// Period `t` of reseller channel `c`: its cells' opportunities served at the
    /// share the partners can take, and won; the wins are priced at the end of
    /// the iteration. Returns the opportunities required.
    pub(in crate::sim) fn reseller_period(&mut self, cx: &Context, c: usize, t: usize, rec: &mut [f64]) -> f64 {
        let Context { s, plan, theta } = *cx;
        let cells = &plan.channel_cells[c];
        let required: u64 = cells.iter().flat_map(|k| &plan.cells[*k].lanes).map(|l| self.lane_opps[*l]).sum();
        let f = super::fraction(s.enforce_capacity, required as f64, self.capacity[c].available[t]);
        for &k in cells {
            self.period_wins[k * s.periods + t] = self.serve_and_win(plan, theta, k, f, rec);
        }
        required as f64
    }

    /// Serves the lanes of cell `k` of a reseller channel at capacity fraction
    /// `f` and draws their wins; records the counts and returns the wins (priced
    /// at the end of the iteration).
    fn serve_and_win(&mut self, plan: &Plan, theta: &[f64], k: usize, f: f64, rec: &mut [f64]) -> u64 {
        let cell = &plan.cells[k];

        let (mut opps_sum, mut served_sum, mut wins_sum) = (0u64, 0u64, 0u64);
        for &l in &cell.lanes {
            let opps = self.lane_opps[l];
            let served = if f < 1.0 { binomial(&mut self.serve_rngs[k], opps, f) } else { opps };
            let h = theta[plan.lanes[l].hit_rate.0];
            let wins = binomial(&mut self.win_rngs[k], served, h);
            if served < opps {
                super::add_lost_wins(rec, &plan.layout, k, (opps - served) as f64 * h);
            }
            opps_sum += opps;
            served_sum += served;
            wins_sum += wins;
        }
        super::add_counts(rec, &plan.layout, k, opps_sum, served_sum, wins_sum);
        wins_sum
    }
}
