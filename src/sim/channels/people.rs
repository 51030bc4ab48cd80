//! People channels (direct field sales, telesales): capacity in hours from
//! cohorts with ramp, attrition and backfill; each period's hours required by the
//! cells' opportunities, calls and account management, served pro rata; fixed
//! cost allocated by hours.

use super::super::capacity::{ChannelCapacity, per_period, productivity};
use super::super::iterate::{Context, Workspace};
use super::super::plan::{Plan, cell_metric as m};
use crate::model::{People, Scenario};
use crate::random::sample::binomial;
use rand::Rng;

/// People channel: cohorts by start period; attrition at the end of each period.
pub fn capacity<R: Rng + ?Sized>(
    rng: &mut R,
    p: &People,
    theta: &[f64],
    periods: usize,
    ppy: usize,
    out: &mut ChannelCapacity,
) {
    let q = per_period(theta[p.attrition.0], ppy);
    let hours = p.hours_per_fte / ppy as f64;
    let cost = p.cost_per_fte / ppy as f64;
    // (start period, count); the starting team is fully productive from period 1.
    let mut cohorts: Vec<(Option<usize>, u64)> = Vec::with_capacity(periods + 1);
    cohorts.push((None, p.headcount));
    let mut joining = vec![0u64; periods];
    for h in &p.hires {
        joining[h.period - 1] += h.count;
    }
    out.available.clear();
    out.fixed_cost.clear();
    for t in 0..periods {
        if joining[t] > 0 {
            cohorts.push((Some(t), joining[t]));
        }
        let mut productive = 0.0;
        let mut employed = 0u64;
        for &(start, n) in &cohorts {
            let k = start.map_or(usize::MAX, |s| t - s + 1);
            productive += n as f64 * if k == usize::MAX { 1.0 } else { productivity(k, p.ramp) };
            employed += n;
        }
        out.available.push(productive * hours);
        out.fixed_cost.push(employed as f64 * cost);
        if q > 0.0 && t + 1 < periods {
            let mut leavers = 0;
            for cohort in cohorts.iter_mut() {
                let gone = binomial(rng, cohort.1, q);
                cohort.1 -= gone;
                leavers += gone;
            }
            cohorts.retain(|c| c.1 > 0);
            let rejoin = t + 1 + p.hiring_lag;
            if p.backfill && leavers > 0 && rejoin < periods {
                joining[rejoin] += leavers;
            }
        }
    }
}

impl Workspace {
    /// Period `t` of people channel `c`: the hours its cells require, the share
    /// of them it can serve, each cell's served opportunities (their wins are
    /// drawn once at the end of the iteration) and its cost. Returns the hours
    /// required.
    pub(in crate::sim) fn people_period(
        &mut self,
        cx: &Context,
        c: usize,
        p: &People,
        t: usize,
        rec: &mut [f64],
    ) -> f64 {
        let Context { s, plan, theta } = *cx;
        let layout = &plan.layout;
        let ppy = s.ppy() as f64;
        let cells = &plan.channel_cells[c];
        let mut required = 0.0;
        for &k in cells {
            let cell = &plan.cells[k];
            let mut hours = cell.account_hours_per_year / ppy;
            for &l in &cell.lanes {
                let lane = &plan.lanes[l];
                hours += self.lane_opps[l] as f64 * lane.hours_per_opportunity;
                if let Some(x) = lane.campaign {
                    let camp = &s.campaigns[x];
                    if camp.periods.contains(&(t + 1)) {
                        hours += self.campaign_calls[x] as f64 * camp.hours_per_call;
                    }
                }
            }
            self.cell_hours[k] = hours;
            required += hours;
        }
        let f = super::fraction(s.enforce_capacity, required, self.capacity[c].available[t]);
        let fixed = self.capacity[c].fixed_cost[t];
        for &k in cells {
            let served = self.serve(plan, theta, k, f, rec);
            let mut cost = p.cost_per_opportunity * served as f64;
            if required > 0.0 {
                cost += fixed * self.cell_hours[k] / required;
            }
            rec[layout.cell(k, m::CHANNEL_COST)] += cost;
        }
        if required <= 0.0 {
            rec[layout.unallocated(c)] += fixed;
        }
        required
    }

    /// Serves the lanes of cell `k` of a people channel at capacity fraction `f`:
    /// records opportunities, served and the expected wins of the lost ones, and
    /// adds served to the lanes' totals for the end-of-iteration win draw.
    /// Returns the opportunities served.
    fn serve(&mut self, plan: &Plan, theta: &[f64], k: usize, f: f64, rec: &mut [f64]) -> u64 {
        let cell = &plan.cells[k];
        let rng = &mut self.serve_rngs[k];
        let (mut opps_sum, mut served_sum) = (0u64, 0u64);
        for &l in &cell.lanes {
            let opps = self.lane_opps[l];
            let served = if f < 1.0 { binomial(rng, opps, f) } else { opps };
            if served < opps {
                super::add_lost_wins(rec, &plan.layout, k, (opps - served) as f64 * theta[plan.lanes[l].hit_rate.0]);
            }
            self.lane_served[l] += served;
            opps_sum += opps;
            served_sum += served;
        }
        super::add_counts(rec, &plan.layout, k, opps_sum, served_sum, 0);
        served_sum
    }

    /// Wins and revenue of the people cells: the hit rate and deal-size factor
    /// are fixed within an iteration and revenue per period is not needed (fixed
    /// cost follows hours), so the sum over periods of Binomial(served_t, p) is
    /// drawn as one Binomial(Σ served_t, p) — the same distribution.
    pub(in crate::sim) fn price_people_wins(&mut self, s: &Scenario, plan: &Plan, theta: &[f64], rec: &mut [f64]) {
        let layout = &plan.layout;
        for (k, cell) in plan.cells.iter().enumerate() {
            if !s.channels[cell.channel].kind.is_people() {
                continue;
            }
            let factor = cell.deal_size_factor.map_or(1.0, |id| theta[id.0]);
            let deal = &s.segments[cell.segment].deal_size;
            let mut won = std::mem::take(&mut self.lane_wins);
            won.clear();
            won.extend(
                cell.lanes
                    .iter()
                    .map(|&l| binomial(&mut self.win_rngs[k], self.lane_served[l], theta[plan.lanes[l].hit_rate.0])),
            );
            let sums = &mut self.lane_revenue[..won.len()];
            deal.sums_of(&mut self.deal_rngs[k], &won, sums);
            let revenue: f64 = sums.iter().map(|x| x * factor).sum();
            rec[layout.cell(k, m::WINS)] += won.iter().sum::<u64>() as f64;
            rec[layout.cell(k, m::REVENUE)] += revenue;
            self.lane_wins = won;
        }
    }
}
