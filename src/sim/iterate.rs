//! One iteration (spec §5) as named phases: draw the inputs, each channel's
//! capacity, the streams, the demand of every period; then period by period route
//! the opportunities and let each channel serve them (its kind's rules, in
//! [`super::channels`]); finally price the wins and book the margins.

use super::channels::{self, ChannelCapacity};
use super::draw::draw_params;
use super::plan::{Plan, cell_metric as m};
use crate::model::{ChannelModel, Scenario, Segment};
use crate::random::lanes::LaneRng;
use crate::random::rng::{StreamRng, stream, stream_key};
use crate::random::sample::{binomial, poissons};

/// Scratch space reused across the iterations of a block.
pub(super) struct Workspace {
    pub(super) theta: Vec<f64>,
    pub(super) capacity: Vec<ChannelCapacity>,
    /// Each cell's `serve` and `wins` streams.
    pub(super) serve_rngs: Vec<StreamRng>,
    pub(super) win_rngs: Vec<StreamRng>,
    /// The deal sizes of each cell (its `deals` stream).
    pub(super) deal_rngs: Vec<LaneRng>,
    pub(super) campaign_rngs: Vec<StreamRng>,
    pub(super) campaign_calls: Vec<u64>,
    /// Rates of one segment or cell over the periods, and their counts.
    pub(super) rates: Vec<f64>,
    pub(super) counts: Vec<u64>,
    /// Routed demand of each lane in each period (0 for campaign lanes), lane
    /// by lane: drawn for all periods at the start of the iteration.
    pub(super) demand: Vec<u64>,
    /// Its wins, likewise, for the lanes of uncapped channels.
    pub(super) demand_won: Vec<u64>,
    pub(super) lane_opps: Vec<u64>,
    pub(super) lane_wins: Vec<u64>,
    /// Served opportunities of each lane of a people channel, summed over the
    /// periods: their wins are drawn once at the end of the iteration.
    pub(super) lane_served: Vec<u64>,
    pub(super) cell_hours: Vec<f64>,
    /// Wins (kept orders online) of each reseller or online cell in each
    /// period, cell by cell: priced at the end of the iteration.
    pub(super) period_wins: Vec<u64>,
    /// Their revenue, likewise.
    pub(super) period_revenue: Vec<f64>,
    /// Revenue of each lane of a people cell.
    pub(super) lane_revenue: Vec<f64>,
}

/// What every phase of an iteration reads: the scenario, its plan and the
/// iteration's inputs θ.
#[derive(Clone, Copy)]
pub(super) struct Context<'a> {
    pub s: &'a Scenario,
    pub plan: &'a Plan,
    pub theta: &'a [f64],
}

/// Indices of a cell's streams among its stream ids.
const DEMAND: usize = 0;
const SERVE: usize = 1;
const WINS: usize = 2;
const DEALS: usize = 3;

impl Workspace {
    pub(super) fn new(s: &Scenario, plan: &Plan) -> Workspace {
        let any = stream(0, 0, 0);
        Workspace {
            theta: vec![0.0; s.params.len()],
            capacity: vec![ChannelCapacity::default(); s.channels.len()],
            serve_rngs: vec![any.clone(); plan.cells.len()],
            win_rngs: vec![any.clone(); plan.cells.len()],
            deal_rngs: vec![LaneRng::new(0); plan.cells.len()],
            campaign_rngs: vec![any; s.campaigns.len()],
            campaign_calls: vec![0; s.campaigns.len()],
            rates: vec![0.0; s.periods],
            counts: vec![0; s.periods],
            demand: vec![0; plan.lanes.len() * s.periods],
            demand_won: vec![0; plan.lanes.len() * s.periods],
            lane_opps: vec![0; plan.lanes.len()],
            lane_wins: Vec::with_capacity(plan.lanes.len()),
            lane_served: vec![0; plan.lanes.len()],
            cell_hours: vec![0.0; plan.cells.len()],
            period_wins: vec![0; plan.cells.len() * s.periods],
            period_revenue: vec![0.0; plan.cells.len() * s.periods],
            lane_revenue: vec![0.0; plan.lanes.len()],
        }
    }

    /// One possible year (spec §5), written into `rec`.
    pub(super) fn iterate(&mut self, s: &Scenario, plan: &Plan, seed: u64, i: u64, rec: &mut [f64]) {
        rec.fill(0.0);
        self.lane_served.fill(0);
        draw_params(s, plan, seed, i, &mut self.theta);
        // Moved out for the iteration so the workspace can be borrowed mutably.
        let theta_owned = std::mem::take(&mut self.theta);
        let theta = theta_owned.as_slice();
        self.draw_capacity(s, plan, seed, i, theta);
        self.open_streams(s, plan, seed, i, theta);
        self.draw_demand(s, plan, seed, i, theta, rec);
        let cx = Context { s, plan, theta };
        for t in 0..s.periods {
            self.route(s, plan, theta, t);
            for (c, ch) in s.channels.iter().enumerate() {
                let available = self.capacity[c].available[t];
                let required = match &ch.model {
                    ChannelModel::People(p) => self.people_period(&cx, c, p, t, rec),
                    ChannelModel::Reseller(_) => self.reseller_period(&cx, c, t, rec),
                    ChannelModel::Online(o) => self.online_period(&cx, c, o, t, rec),
                };
                rec[plan.layout.required(c, t)] = required;
                rec[plan.layout.available(c, t)] = available;
            }
        }
        self.price_people_wins(s, plan, theta, rec);
        self.price_period_wins(s, plan, theta, rec);
        // Gross margin: the rate is fixed within an iteration.
        for (k, cell) in plan.cells.iter().enumerate() {
            let layout = &plan.layout;
            rec[layout.cell(k, m::GROSS_MARGIN)] = rec[layout.cell(k, m::REVENUE)] * theta[cell.gross_margin.0];
        }
        channels::price_lost(s, plan, theta, rec);
        self.theta = theta_owned;
    }

    /// Available capacity and fixed cost of every channel in every period.
    fn draw_capacity(&mut self, s: &Scenario, plan: &Plan, seed: u64, i: u64, theta: &[f64]) {
        for (c, ch) in s.channels.iter().enumerate() {
            let mut rng = stream(seed, i, plan.channel_streams[c]);
            let out = &mut self.capacity[c];
            match &ch.model {
                ChannelModel::People(p) => channels::people::capacity(&mut rng, p, theta, s.periods, s.ppy(), out),
                ChannelModel::Reseller(r) => channels::reseller::capacity(&mut rng, r, theta, s.periods, s.ppy(), out),
                ChannelModel::Online(o) => channels::online::capacity(o, s.periods, s.ppy(), out),
            }
        }
    }

    /// Each cell's serve, win and deal streams; each campaign's stream and its
    /// calls per campaign period.
    fn open_streams(&mut self, s: &Scenario, plan: &Plan, seed: u64, i: u64, theta: &[f64]) {
        for (k, cell) in plan.cells.iter().enumerate() {
            self.serve_rngs[k] = stream(seed, i, cell.streams[SERVE]);
            self.win_rngs[k] = stream(seed, i, cell.streams[WINS]);
            self.deal_rngs[k] = LaneRng::new(stream_key(seed, i, cell.streams[DEALS]));
        }
        for (x, camp) in s.campaigns.iter().enumerate() {
            self.campaign_rngs[x] = stream(seed, i, plan.campaign_streams[x]);
            let accounts = s.segments[camp.segment].accounts as f64;
            self.campaign_calls[x] = (theta[camp.reach.0] * accounts / camp.periods.len() as f64).round() as u64;
        }
    }

    /// Demand of every period: it depends on θ and the seasonality only, so
    /// each segment's uncovered and each lane's routed opportunities are drawn
    /// for all periods at once.
    fn draw_demand(&mut self, s: &Scenario, plan: &Plan, seed: u64, i: u64, theta: &[f64], rec: &mut [f64]) {
        let ppy = s.ppy() as f64;
        let growth = 1.0 + theta[s.market_growth.0];
        let periods = s.periods;
        let lambda = |seg: &Segment, t: usize| {
            seg.accounts as f64 * theta[seg.opportunities_per_account.0] * growth * seg.season[t] / ppy
        };
        for (x, seg) in s.segments.iter().enumerate() {
            let share = plan.uncovered_share[x];
            if share > 0.0 {
                for t in 0..periods {
                    self.rates[t] = lambda(seg, t) * share;
                }
                let mut rng = LaneRng::new(stream_key(seed, i, plan.segment_streams[x]));
                poissons(&mut rng, &self.rates, &mut self.counts);
                rec[plan.layout.uncovered(x)] += self.counts.iter().map(|n| *n as f64).sum::<f64>();
            }
        }
        for (l, lane) in plan.lanes.iter().enumerate() {
            if lane.campaign.is_some() {
                continue;
            }
            let cell = &plan.cells[lane.cell];
            let seg = &s.segments[cell.segment];
            let mut rng = LaneRng::new(stream_key(seed, i, cell.streams[DEMAND]));
            let range = l * periods..(l + 1) * periods;
            if plan.uncapped[cell.channel] {
                // Won and not won directly, as independent Poisson counts of
                // rates λ·h and λ·(1 − h): the same joint distribution as
                // Poisson(λ) opportunities of which Binomial(·, h) are won.
                let h = theta[lane.hit_rate.0];
                for t in 0..periods {
                    self.rates[t] = lambda(seg, t) * cell.share * h;
                }
                poissons(&mut rng, &self.rates, &mut self.demand_won[range.clone()]);
                for t in 0..periods {
                    self.rates[t] = lambda(seg, t) * cell.share * (1.0 - h);
                }
                poissons(&mut rng, &self.rates, &mut self.counts);
                for (t, d) in self.demand[range.clone()].iter_mut().enumerate() {
                    *d = self.demand_won[l * periods + t] + self.counts[t];
                }
            } else {
                for t in 0..periods {
                    self.rates[t] = lambda(seg, t) * cell.share;
                }
                poissons(&mut rng, &self.rates, &mut self.demand[range]);
            }
        }
    }

    /// The opportunities of every lane in period `t`: its drawn demand, or a
    /// campaign's responses in the campaign's periods.
    fn route(&mut self, s: &Scenario, plan: &Plan, theta: &[f64], t: usize) {
        for (l, lane) in plan.lanes.iter().enumerate() {
            self.lane_opps[l] = match lane.campaign {
                None => self.demand[l * s.periods + t],
                Some(x) if s.campaigns[x].periods.contains(&(t + 1)) => {
                    binomial(&mut self.campaign_rngs[x], self.campaign_calls[x], theta[s.campaigns[x].response.0])
                }
                Some(_) => 0,
            };
        }
    }

    /// Revenue of reseller and online cells: every period's deals of a cell in
    /// one draw, then the channel's revenue-based costs period by period.
    fn price_period_wins(&mut self, s: &Scenario, plan: &Plan, theta: &[f64], rec: &mut [f64]) {
        let layout = &plan.layout;
        let periods = s.periods;
        for (c, ch) in s.channels.iter().enumerate() {
            let share = match &ch.model {
                ChannelModel::People(_) => continue,
                ChannelModel::Reseller(r) => channels::reseller::revenue_share(r, theta),
                ChannelModel::Online(o) => channels::online::revenue_share(o, theta),
            };
            let cells = &plan.channel_cells[c];
            for &k in cells {
                let cell = &plan.cells[k];
                let factor = cell.deal_size_factor.map_or(1.0, |id| theta[id.0]);
                let range = k * periods..(k + 1) * periods;
                let revenue = &mut self.period_revenue[range.clone()];
                s.segments[cell.segment].deal_size.sums_of(&mut self.deal_rngs[k], &self.period_wins[range], revenue);
                let mut total = 0.0;
                for r in revenue.iter_mut() {
                    *r *= factor;
                    total += *r;
                }
                rec[layout.cell(k, m::REVENUE)] += total;
            }
            for t in 0..periods {
                let revenue_of = |k: usize| self.period_revenue[k * periods + t];
                channels::allocate_by_revenue(layout, c, cells, revenue_of, self.capacity[c].fixed_cost[t], share, rec);
            }
        }
    }
}
