//! The Monte Carlo engine: [`simulate`] turns a validated [`Scenario`] into the raw
//! records of its iterations (`crate::summary` makes results of them).
//!
//! The engine does no I/O and reads no clock. Iterations run in parallel on the
//! current rayon pool in fixed blocks; every random number comes from a named
//! stream seeded by (seed, iteration, element) (see [`crate::random::rng`]), so the result is a
//! pure function of the scenario, the seed and the iteration count. Progress is
//! reported through a callback so the caller can draw a bar.

pub mod capacity;
pub mod channels;
mod draw;
mod iterate;
pub mod plan;

use crate::model::Scenario;
pub use draw::{LHS_MAX, Lhs, draw_params};
use iterate::Workspace;
use plan::{Layout, Plan};
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
/// with the iteration count; [`crate::summary::run`] keeps it bounded).
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
