//! The Monte Carlo engine: [`run`] turns a validated [`Scenario`] into [`Results`].
//!
//! The engine does no I/O and reads no clock. Iterations run in parallel on the
//! current rayon pool in fixed blocks; every random number comes from a named
//! stream seeded by (seed, iteration, element) (see [`rng`]), so the result is a
//! pure function of the scenario, the seed and the iteration count. Progress is
//! reported through a callback so the caller can draw a bar.

pub mod capacity;
pub mod plan;

use crate::model::{ChannelModel, Scenario};
use crate::random::lanes::LaneRng;
use crate::random::rng::{StreamRng, stream, stream_key};
use crate::random::sample::{binomial, poissons};
use capacity::ChannelCapacity;
use plan::{Layout, Plan, cell_metric as m};
use rayon::prelude::*;

/// Iterations per work unit. Fixed, so the split of work never depends on the
/// number of threads.
pub const BLOCK: usize = 256;

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of iterations.
    pub iterations: u64,
    /// Seed of all random streams.
    pub seed: u64,
}

impl RunOptions {
    /// The scenario's own iteration count and seed.
    pub fn from_scenario(s: &Scenario) -> RunOptions {
        RunOptions { iterations: s.iterations, seed: s.seed }
    }
}

/// The raw outcome of a run: one record of [`Layout::len`] numbers (fields) per
/// iteration.
///
/// Stored in blocks of [`BLOCK`] iterations (the last may be shorter), each block
/// field by field: the values of field `j` for the iterations of a block are
/// contiguous. One thread writes a whole block, and the summary, which reads a
/// few hundred fields across every iteration, reads contiguous runs instead of
/// striding through records.
#[derive(Debug, Clone)]
pub struct Samples {
    /// Where each quantity sits in a record.
    pub layout: Layout,
    pub(crate) values: Vec<f64>,
    iterations: usize,
}

/// The records of up to [`BLOCK`] consecutive iterations, field by field.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    n: usize,
    values: &'a [f64],
}

impl<'a> Block<'a> {
    /// Iterations in the block.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True if the block holds no iteration.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Field `j` of each iteration of the block.
    #[inline]
    pub fn field(&self, j: usize) -> &'a [f64] {
        &self.values[j * self.n..(j + 1) * self.n]
    }
}

impl Samples {
    /// No iterations.
    pub fn empty(layout: Layout) -> Samples {
        Samples { layout, values: Vec::new(), iterations: 0 }
    }

    /// Number of iterations.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// The blocks, in iteration order.
    pub fn blocks(&self) -> impl Iterator<Item = Block<'_>> {
        let len = self.layout.len();
        self.values.chunks((BLOCK * len).max(1)).map(move |values| Block { n: values.len() / len, values })
    }

    /// A value per iteration, computed block by block: `f(block, out)` fills the
    /// block's share of the column, which arrives holding −0.0 (the neutral
    /// element of a floating-point sum, as in `Iterator::sum`).
    pub fn derive(&self, f: impl Fn(Block<'_>, &mut [f64])) -> Vec<f64> {
        let mut out = vec![-0.0; self.iterations];
        for (block, part) in self.blocks().zip(out.chunks_mut(BLOCK)) {
            f(block, part);
        }
        out
    }

    /// Field `j` of every iteration.
    pub fn field(&self, j: usize) -> Vec<f64> {
        self.derive(|b, out| out.copy_from_slice(b.field(j)))
    }

    /// The sum of `fields` in every iteration, added in the order given.
    pub fn sum_of_fields(&self, fields: &[usize]) -> Vec<f64> {
        self.derive(|b, out| add_fields(b, fields, out))
    }
}

/// Adds `fields` of each iteration of `b` to `out`, in the order given.
#[inline]
pub fn add_fields(b: Block<'_>, fields: &[usize], out: &mut [f64]) {
    for &j in fields {
        for (o, v) in out.iter_mut().zip(b.field(j)) {
            *o += v;
        }
    }
}

/// Runs every iteration of `opts` and returns their raw records (memory grows
/// with the iteration count; [`run`] keeps it bounded).
pub fn simulate(s: &Scenario, plan: &Plan, opts: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Samples {
    simulate_range(s, plan, opts.seed, 0..opts.iterations, progress)
}

/// Runs iterations `range` (numbered within the whole run, so a range gives the
/// same records as the same iterations of a longer run).
pub fn simulate_range(
    s: &Scenario,
    plan: &Plan,
    seed: u64,
    range: std::ops::Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Samples {
    simulate_range_into(s, plan, seed, range, Vec::new(), progress)
}

/// [`simulate_range`] into a reused buffer.
pub(crate) fn simulate_range_into(
    s: &Scenario,
    plan: &Plan,
    seed: u64,
    range: std::ops::Range<u64>,
    mut values: Vec<f64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Samples {
    let len = plan.layout.len();
    let n = usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(usize::MAX);
    let needed = n.saturating_mul(len);
    // Every value is overwritten below, so a reused buffer is not cleared and a
    // new one comes zeroed from the allocator (untouched pages, no memset).
    if values.capacity() < needed {
        values = vec![0.0; needed];
    } else {
        values.resize(needed, 0.0);
    }
    if len > 0 {
        values.par_chunks_mut(BLOCK * len).enumerate().for_each(|(block, chunk)| {
            let mut work = Workspace::new(s, plan);
            let mut record = vec![0.0; len];
            let bn = chunk.len() / len;
            for j in 0..bn {
                let i = range.start + (block * BLOCK + j) as u64;
                work.iterate(s, plan, seed, i, &mut record);
                for (field, v) in record.iter().enumerate() {
                    chunk[field * bn + j] = *v;
                }
            }
            progress(bn as u64);
        });
    }
    Samples { layout: plan.layout.clone(), values, iterations: n }
}

/// Latin hypercube strata: for each uncertain input, a random order of the N
/// strata (iteration i draws from stratum `order[i]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Lhs {
    /// Iterations of the run.
    pub n: u64,
    /// Per parameter (empty for fixed ones): the stratum of each iteration.
    pub order: Vec<Vec<u32>>,
}

/// Most iterations a Latin hypercube run takes (its strata are held in memory).
pub const LHS_MAX: u64 = 1_000_000;

impl Lhs {
    /// The strata of a run of `n` iterations with `seed`: one Fisher–Yates shuffle
    /// per input, from a stream named by the input and `n`.
    pub fn new(s: &Scenario, plan: &Plan, seed: u64, n: u64) -> Lhs {
        let order = s
            .params
            .par_iter()
            .enumerate()
            .map(|(p, param)| {
                if param.dist.as_fixed().is_some() {
                    return Vec::new();
                }
                let mut rng = stream(seed, u64::MAX - n, plan.param_streams[p]);
                let mut v: Vec<u32> = (0..n as u32).collect();
                for i in (1..v.len()).rev() {
                    let j = rand::RngExt::random_range(&mut rng, 0..=i);
                    v.swap(i, j);
                }
                v
            })
            .collect();
        Lhs { n, order }
    }

    /// The uniform of input `p` in iteration `i`: a random point of its stratum.
    fn uniform(&self, p: usize, i: u64, rng: &mut StreamRng) -> f64 {
        let v: f64 = rand::RngExt::random(rng);
        match self.order[p].get(i as usize) {
            Some(stratum) => (*stratum as f64 + v) / self.n as f64,
            // Beyond the strata (a run longer than LHS_MAX): plain sampling.
            None => v,
        }
    }
}

/// θ: every uncertain input of iteration `i`, once per iteration, each from its
/// own stream; the correlated ones through the scenario's Gaussian copula (one
/// standard normal from each field's stream, mixed by the factor, then Φ and the
/// field's inverse distribution function), so every marginal stays exact.
pub fn draw_params(s: &Scenario, plan: &Plan, seed: u64, i: u64, theta: &mut [f64]) {
    let copula = s.copula.as_ref();
    for (p, param) in s.params.iter().enumerate() {
        if copula.is_some_and(|c| c.params.contains(&crate::model::ParamId(p))) {
            continue;
        }
        theta[p] = match (param.dist.as_fixed(), &plan.lhs) {
            (Some(v), _) => v,
            (None, Some(lhs)) => param.dist.quantile(lhs.uniform(p, i, &mut stream(seed, i, plan.param_streams[p]))),
            (None, None) => param.dist.sample(&mut stream(seed, i, plan.param_streams[p])),
        };
    }
    if let Some(c) = copula {
        let n = c.params.len();
        let z: Vec<f64> = c
            .params
            .iter()
            .map(|id| {
                rand_distr::Distribution::sample(
                    &rand_distr::StandardNormal,
                    &mut stream(seed, i, plan.param_streams[id.0]),
                )
            })
            .collect();
        for (row, id) in c.params.iter().enumerate() {
            let x: f64 = (0..n).map(|k| c.factor[row * n + k] * z[k]).sum();
            theta[id.0] = s.param(*id).dist.quantile(crate::model::dist::normal_cdf(x));
        }
    }
}

/// Scratch space reused across the iterations of a block.
struct Workspace {
    theta: Vec<f64>,
    capacity: Vec<ChannelCapacity>,
    /// Each cell's `serve` and `wins` streams.
    serve_rngs: Vec<StreamRng>,
    win_rngs: Vec<StreamRng>,
    /// The deal sizes of each cell (its `deals` stream).
    deal_rngs: Vec<LaneRng>,
    campaign_rngs: Vec<StreamRng>,
    campaign_calls: Vec<u64>,
    /// Rates of one segment or cell over the periods, and their counts.
    rates: Vec<f64>,
    counts: Vec<u64>,
    /// Routed demand of each lane in each period (0 for campaign lanes), lane
    /// by lane: drawn for all periods at the start of the iteration.
    demand: Vec<u64>,
    /// Its wins, likewise, for the lanes of uncapped channels.
    demand_won: Vec<u64>,
    lane_opps: Vec<u64>,
    lane_wins: Vec<u64>,
    /// Served opportunities of each lane of a people channel, summed over the
    /// periods: their wins are drawn once at the end of the iteration.
    lane_served: Vec<u64>,
    cell_hours: Vec<f64>,
    /// Wins (kept orders online) of each reseller or online cell in each
    /// period, cell by cell: priced at the end of the iteration.
    period_wins: Vec<u64>,
    /// Their revenue, likewise.
    period_revenue: Vec<f64>,
    /// Revenue of each lane of a people cell.
    lane_revenue: Vec<f64>,
}

/// Indices of a cell's streams among its stream ids.
const DEMAND: usize = 0;
const SERVE: usize = 1;
const WINS: usize = 2;
const DEALS: usize = 3;

impl Workspace {
    fn new(s: &Scenario, plan: &Plan) -> Workspace {
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
    fn iterate(&mut self, s: &Scenario, plan: &Plan, seed: u64, i: u64, rec: &mut [f64]) {
        rec.fill(0.0);
        self.lane_served.fill(0);
        let layout = &plan.layout;
        let ppy = s.ppy() as f64;

        draw_params(s, plan, seed, i, &mut self.theta);
        // Moved out for the iteration so the workspace can be borrowed mutably.
        let theta_owned = std::mem::take(&mut self.theta);
        let theta = theta_owned.as_slice();

        // Available capacity and fixed cost per channel and period.
        for (c, ch) in s.channels.iter().enumerate() {
            let mut rng = stream(seed, i, plan.channel_streams[c]);
            let out = &mut self.capacity[c];
            match &ch.model {
                ChannelModel::People(p) => capacity::people(&mut rng, p, theta[p.attrition.0], s.periods, s.ppy(), out),
                ChannelModel::Reseller(r) => capacity::reseller(
                    &mut rng,
                    r,
                    theta[r.opportunities_per_partner.0],
                    theta[r.partner_churn.0],
                    s.periods,
                    s.ppy(),
                    out,
                ),
                ChannelModel::Online(o) => capacity::online(o, s.periods, s.ppy(), out),
            }
        }

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

        // Demand of every period: it depends on θ and the seasonality only, so
        // each segment's uncovered and each lane's routed opportunities are drawn
        // for all periods at once.
        let growth = 1.0 + theta[s.market_growth.0];
        let periods = s.periods;
        let lambda = |seg: &crate::model::Segment, t: usize| {
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
                rec[layout.uncovered(x)] += self.counts.iter().map(|n| *n as f64).sum::<f64>();
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
        for t in 0..periods {
            for (l, lane) in plan.lanes.iter().enumerate() {
                self.lane_opps[l] = match lane.campaign {
                    None => self.demand[l * periods + t],
                    Some(x) if s.campaigns[x].periods.contains(&(t + 1)) => {
                        binomial(&mut self.campaign_rngs[x], self.campaign_calls[x], theta[s.campaigns[x].response.0])
                    }
                    Some(_) => 0,
                };
            }
            // Required capacity and serving, channel by channel.
            for (c, ch) in s.channels.iter().enumerate() {
                let available = self.capacity[c].available[t];
                let cells = &plan.channel_cells[c];
                match &ch.model {
                    ChannelModel::People(p) => {
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
                        let f = fraction(s.enforce_capacity, required, available);
                        let fixed = self.capacity[c].fixed_cost[t];
                        for &k in cells {
                            let served = self.serve(plan, k, f, rec);
                            let mut cost = p.cost_per_opportunity * served as f64;
                            if required > 0.0 {
                                cost += fixed * self.cell_hours[k] / required;
                            }
                            rec[layout.cell(k, m::CHANNEL_COST)] += cost;
                        }
                        if required <= 0.0 {
                            rec[layout.unallocated(c)] += fixed;
                        }
                        rec[layout.required(c, t)] = required;
                    }
                    ChannelModel::Reseller(_) => {
                        let required: u64 =
                            cells.iter().flat_map(|k| &plan.cells[*k].lanes).map(|l| self.lane_opps[*l]).sum();
                        let f = fraction(s.enforce_capacity, required as f64, available);
                        for &k in cells {
                            self.period_wins[k * s.periods + t] = self.serve_and_win(plan, theta, k, f, rec);
                        }
                        rec[layout.required(c, t)] = required as f64;
                    }
                    ChannelModel::Online(o) => {
                        // Every opportunity is served; wins are capped by the order limit.
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
                        let f = fraction(s.enforce_capacity, wins as f64, available);
                        let mut j = 0;
                        for &k in cells {
                            let mut kept_orders = 0u64;
                            for &l in &plan.cells[k].lanes {
                                let opps = self.lane_opps[l];
                                let w = won[j];
                                j += 1;
                                let kept = if f < 1.0 { binomial(&mut self.serve_rngs[k], w, f) } else { w };
                                // Orders lost to the limit are taken off served.
                                add_counts(rec, layout, k, opps, opps - (w - kept), kept);
                                kept_orders += kept;
                            }
                            rec[layout.cell(k, m::CHANNEL_COST)] += o.cost_per_order * kept_orders as f64;
                            self.period_wins[k * s.periods + t] = kept_orders;
                        }
                        self.lane_wins = won;
                        rec[layout.required(c, t)] = wins as f64;
                    }
                }
                rec[layout.available(c, t)] = available;
            }
        }
        // Wins of people channels: the hit rate and deal-size factor are fixed
        // within an iteration and revenue per period is not needed (fixed cost
        // follows hours), so the sum over periods of Binomial(served_t, p) is drawn
        // as one Binomial(Σ served_t, p) — the same distribution.
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
        // Revenue of reseller and online cells: every period's deals of a cell in
        // one draw, then the channel's revenue-based costs period by period.
        let periods = s.periods;
        for (c, ch) in s.channels.iter().enumerate() {
            let share = match &ch.model {
                ChannelModel::People(_) => continue,
                ChannelModel::Reseller(r) => theta[r.partner_margin.0] + theta[r.incentives.0],
                ChannelModel::Online(o) => theta[o.fee.0],
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
                allocate_by_revenue(layout, c, cells, revenue_of, self.capacity[c].fixed_cost[t], share, rec);
            }
        }
        // Gross margin: the rate is fixed within an iteration.
        for (k, cell) in plan.cells.iter().enumerate() {
            rec[layout.cell(k, m::GROSS_MARGIN)] = rec[layout.cell(k, m::REVENUE)] * theta[cell.gross_margin.0];
        }
        self.theta = theta_owned;
    }

    /// Serves the lanes of cell `k` of a people channel at capacity fraction `f`:
    /// records opportunities and served, and adds served to the lanes' totals for
    /// the end-of-iteration win draw. Returns the opportunities served.
    fn serve(&mut self, plan: &Plan, k: usize, f: f64, rec: &mut [f64]) -> u64 {
        let cell = &plan.cells[k];
        let rng = &mut self.serve_rngs[k];
        let (mut opps_sum, mut served_sum) = (0u64, 0u64);
        for &l in &cell.lanes {
            let opps = self.lane_opps[l];
            let served = if f < 1.0 { binomial(rng, opps, f) } else { opps };
            self.lane_served[l] += served;
            opps_sum += opps;
            served_sum += served;
        }
        add_counts(rec, &plan.layout, k, opps_sum, served_sum, 0);
        served_sum
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
            let wins = binomial(&mut self.win_rngs[k], served, theta[plan.lanes[l].hit_rate.0]);
            opps_sum += opps;
            served_sum += served;
            wins_sum += wins;
        }
        add_counts(rec, &plan.layout, k, opps_sum, served_sum, wins_sum);
        wins_sum
    }
}

/// Adds each cell's revenue-based variable cost (`share × revenue`) and its
/// share of a period's fixed cost by revenue; fixed cost of a period without
/// revenue stays with the channel as unallocated.
fn allocate_by_revenue(
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
