//! The scenario compiled for simulation: cells, lanes, stream ids and the layout
//! of one iteration's record.
//!
//! A **cell** is a (segment, channel) pair that receives opportunities: every
//! coverage row, plus the pair of a campaign without one. A **lane** is one source
//! of opportunities into a cell with its own hit rate and hours: lane 0 of a
//! covered cell is its routed demand; each campaign adds a lane.

use super::{Block, add_fields};
use crate::model::{ParamId, Scenario};
use crate::random::rng::stream_id;

/// Raw per-cell metrics in an iteration record, in this order.
pub mod cell_metric {
    /// Routed opportunities incl. campaigns.
    pub const OPPORTUNITIES: usize = 0;
    /// Served opportunities.
    pub const SERVED: usize = 1;
    /// Lost for lack of capacity.
    pub const LOST: usize = 2;
    /// Won deals.
    pub const WINS: usize = 3;
    /// Revenue.
    pub const REVENUE: usize = 4;
    /// Gross margin.
    pub const GROSS_MARGIN: usize = 5;
    /// Channel cost allocated to the cell.
    pub const CHANNEL_COST: usize = 6;
    /// Expected revenue of the opportunities lost to capacity (during the
    /// periods it holds their expected wins; priced at the end).
    pub const LOST_REVENUE: usize = 7;
    /// Expected contribution of the opportunities lost to capacity.
    pub const LOST_CONTRIBUTION: usize = 8;
    /// Number of raw metrics per cell.
    pub const COUNT: usize = 9;
}

/// Where each quantity sits in the flat record of one iteration.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Number of cells.
    pub cells: usize,
    /// Number of segments.
    pub segments: usize,
    /// Number of channels.
    pub channels: usize,
    /// Number of periods.
    pub periods: usize,
}

impl Layout {
    /// Index of raw metric `m` of cell `k`.
    #[inline]
    pub fn cell(&self, k: usize, m: usize) -> usize {
        k * cell_metric::COUNT + m
    }

    /// Index of segment `s`'s uncovered opportunities.
    #[inline]
    pub fn uncovered(&self, s: usize) -> usize {
        self.cells * cell_metric::COUNT + s
    }

    fn channel_base(&self, c: usize) -> usize {
        self.cells * cell_metric::COUNT + self.segments + c * (1 + 2 * self.periods)
    }

    /// Index of channel `c`'s fixed cost that could not be allocated to a cell.
    #[inline]
    pub fn unallocated(&self, c: usize) -> usize {
        self.channel_base(c)
    }

    /// Total revenue of each iteration of a block (its cells' revenue summed), into
    /// `out` (see [`Samples::derive`](super::Samples::derive)).
    pub fn revenue(&self, b: Block<'_>, out: &mut [f64]) {
        let fields: Vec<usize> = (0..self.cells).map(|k| self.cell(k, cell_metric::REVENUE)).collect();
        add_fields(b, &fields, out);
    }

    /// Total contribution of each iteration of a block: gross margin − channel
    /// cost of every cell − every channel's unallocated fixed cost, into `out`.
    pub fn contribution(&self, b: Block<'_>, out: &mut [f64]) {
        let gm: Vec<usize> = (0..self.cells).map(|k| self.cell(k, cell_metric::GROSS_MARGIN)).collect();
        let cells_cost: Vec<usize> = (0..self.cells).map(|k| self.cell(k, cell_metric::CHANNEL_COST)).collect();
        let unallocated: Vec<usize> = (0..self.channels).map(|c| self.unallocated(c)).collect();
        let n = b.len();
        let (mut cost, mut fixed) = (vec![-0.0; n], vec![-0.0; n]);
        add_fields(b, &gm, out);
        add_fields(b, &cells_cost, &mut cost);
        add_fields(b, &unallocated, &mut fixed);
        for ((o, c), f) in out.iter_mut().zip(&cost).zip(&fixed) {
            *o -= c + f;
        }
    }

    /// Index of channel `c`'s required capacity in period `t` (0-based).
    #[inline]
    pub fn required(&self, c: usize, t: usize) -> usize {
        self.channel_base(c) + 1 + t
    }

    /// Index of channel `c`'s available capacity in period `t` (0-based).
    #[inline]
    pub fn available(&self, c: usize, t: usize) -> usize {
        self.channel_base(c) + 1 + self.periods + t
    }

    /// Length of one record.
    pub fn len(&self) -> usize {
        self.channel_base(self.channels)
    }

    /// True if a record holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One (segment, channel) cell.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Segment index.
    pub segment: usize,
    /// Channel index.
    pub channel: usize,
    /// Share of the segment's demand routed here (0 for a campaign-only cell).
    pub share: f64,
    /// Account-management hours per year.
    pub account_hours_per_year: f64,
    /// Deal-size factor (`None`: 1).
    pub deal_size_factor: Option<ParamId>,
    /// Gross margin: the coverage row's, else the segment's.
    pub gross_margin: ParamId,
    /// Lanes feeding this cell: indices into [`Plan::lanes`].
    pub lanes: Vec<usize>,
    /// Stream ids: routed demand, rationing, wins, deal sizes.
    pub streams: [u64; 4],
}

/// One source of opportunities into a cell.
#[derive(Debug, Clone)]
pub struct Lane {
    /// Cell index.
    pub cell: usize,
    /// Hit rate of this lane's served opportunities.
    pub hit_rate: ParamId,
    /// Selling hours per opportunity.
    pub hours_per_opportunity: f64,
    /// The campaign behind it, if any.
    pub campaign: Option<usize>,
}

/// The scenario, compiled.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Record layout.
    pub layout: Layout,
    /// Cells, ordered by segment (pyramid order) then channel (file order).
    pub cells: Vec<Cell>,
    /// Lanes; lane order within a cell: routed demand first, then campaigns.
    pub lanes: Vec<Lane>,
    /// Cells of each channel.
    pub channel_cells: Vec<Vec<usize>>,
    /// Cells of each segment with a routed share.
    pub segment_cells: Vec<Vec<usize>>,
    /// Uncovered share per segment.
    pub uncovered_share: Vec<f64>,
    /// Stream id per parameter.
    pub param_streams: Vec<u64>,
    /// Stream id per channel (staffing / partner process).
    pub channel_streams: Vec<u64>,
    /// Stream id per segment (uncovered demand).
    pub segment_streams: Vec<u64>,
    /// Stream id per campaign (responses).
    pub campaign_streams: Vec<u64>,
    /// Latin hypercube strata of the uncertain inputs, when the run samples that way.
    pub lhs: Option<super::Lhs>,
    /// Channels whose wins are never capped — online without an order limit,
    /// or any online channel when capacity is not enforced: their wins are
    /// drawn with the demand.
    pub uncapped: Vec<bool>,
}

impl Plan {
    /// Compiles a validated scenario.
    pub fn new(s: &Scenario) -> Plan {
        let mut pairs: Vec<(usize, usize)> = s.coverage.iter().map(|c| (c.segment, c.channel)).collect();
        for c in &s.campaigns {
            if !pairs.contains(&(c.segment, c.channel)) {
                pairs.push((c.segment, c.channel));
            }
        }
        pairs.sort_unstable();
        let mut cells = Vec::new();
        let mut lanes = Vec::new();
        for &(seg, ch) in &pairs {
            let segment = &s.segments[seg];
            let channel = &s.channels[ch];
            let row = s.coverage.iter().find(|c| c.segment == seg && c.channel == ch);
            let k = cells.len();
            let mut cell_lanes = Vec::new();
            if let Some(row) = row {
                cell_lanes.push(lanes.len());
                lanes.push(Lane {
                    cell: k,
                    hit_rate: row.hit_rate,
                    hours_per_opportunity: row.hours_per_opportunity,
                    campaign: None,
                });
            }
            for (i, camp) in s.campaigns.iter().enumerate().filter(|(_, c)| c.segment == seg && c.channel == ch) {
                cell_lanes.push(lanes.len());
                lanes.push(Lane {
                    cell: k,
                    hit_rate: camp.hit_rate.or(row.map(|r| r.hit_rate)).expect("validated: campaign hit rate"),
                    hours_per_opportunity: camp
                        .hours_per_opportunity
                        .unwrap_or(row.map_or(0.0, |r| r.hours_per_opportunity)),
                    campaign: Some(i),
                });
            }
            let name = format!("cells.{}.{}", segment.name, channel.name);
            let is_people = channel.kind.is_people();
            cells.push(Cell {
                segment: seg,
                channel: ch,
                share: row.map_or(0.0, |r| r.share),
                account_hours_per_year: match (row, is_people) {
                    (Some(r), true) => r.share * segment.accounts as f64 * r.contacts_per_account * r.hours_per_contact,
                    _ => 0.0,
                },
                deal_size_factor: row.map(|r| r.deal_size_factor),
                gross_margin: row.and_then(|r| r.gross_margin).unwrap_or(segment.gross_margin),
                lanes: cell_lanes,
                streams: [
                    stream_id(&format!("{name}/demand")),
                    stream_id(&format!("{name}/serve")),
                    stream_id(&format!("{name}/wins")),
                    stream_id(&format!("{name}/deals")),
                ],
            });
        }
        let channel_cells =
            (0..s.channels.len()).map(|c| (0..cells.len()).filter(|k| cells[*k].channel == c).collect()).collect();
        let segment_cells = (0..s.segments.len())
            .map(|seg| (0..cells.len()).filter(|k| cells[*k].segment == seg && cells[*k].share > 0.0).collect())
            .collect();
        let uncovered_share = (0..s.segments.len())
            .map(|seg| {
                let covered: f64 = s.coverage.iter().filter(|c| c.segment == seg).map(|c| c.share).sum();
                (1.0 - covered).max(0.0)
            })
            .collect();
        Plan {
            layout: Layout {
                cells: cells.len(),
                segments: s.segments.len(),
                channels: s.channels.len(),
                periods: s.periods,
            },
            cells,
            lanes,
            channel_cells,
            segment_cells,
            uncovered_share,
            lhs: None,
            uncapped: s.channels.iter().map(|c| c.model.never_rations(s.enforce_capacity)).collect(),
            param_streams: s.params.iter().map(|p| stream_id(&p.path)).collect(),
            channel_streams: s.channels.iter().map(|c| stream_id(&format!("channels.{}/capacity", c.name))).collect(),
            segment_streams: s.segments.iter().map(|x| stream_id(&format!("segments.{}/uncovered", x.name))).collect(),
            campaign_streams: s
                .campaigns
                .iter()
                .map(|c| stream_id(&format!("campaigns.{}/response", c.name)))
                .collect(),
        }
    }
}
