//! From raw records to results: the statistics of a column, bounded-memory
//! accumulators and quantile summaries, the per-iteration metrics, and the batch
//! pipeline that runs a scenario end to end ([`run`]).

pub mod accumulate;
mod metrics;
mod pipeline;
pub mod sketch;
pub mod sort;
pub mod stats;
mod summarize;

pub use metrics::Metric;
pub use pipeline::*;
pub use summarize::convergence;
