//! chancap — Monte Carlo simulation of sales-channel coverage and capacity.
//!
//! A company sells through direct field sales, telesales, resellers and an online
//! shop to a customer pyramid. A scenario file states the segments, the channels,
//! which channel serves which segment, campaigns, headcount, ramp, attrition and
//! partner economics, with every uncertain input as a distribution. chancap
//! simulates many possible years and reports hit rates, margins, cost-to-serve and
//! required versus available capacity, each as a distribution.
//!
//! The crate is laid out in layers, each importing only the layers before it
//! (`ARCHITECTURE.md` holds the rule and the tree):
//!
//! ```text
//! random ─► model ─► sim ─► results / summary ─► analysis ─► report ─► (cli, the binary)
//! ```
//!
//! ```no_run
//! use chancap::{RunOptions, Scenario};
//! let scenario = Scenario::from_path(std::path::Path::new("scenarios/reference.toml")).unwrap();
//! let results = chancap::run(&scenario, &RunOptions::from_scenario(&scenario), &|_| {});
//! println!("P50 revenue: {}", results.totals.revenue.p50);
//! ```

#![deny(missing_docs)]

// The documented interface is this facade and the two layers an embedder reads
// and writes: `model` (the scenario) and `results` (what a run reports). The
// other layers are public only so that the binary, the project's integration
// tests and its benchmarks can reach the engine's parts; they are hidden from
// the docs and carry no stability promise.

#[doc(hidden)]
pub mod random;

pub mod model;

#[doc(hidden)]
pub mod sim;

pub mod results;

#[doc(hidden)]
pub mod summary;

#[doc(hidden)]
pub mod analysis;

#[doc(hidden)]
pub mod report;

#[doc(hidden)]
pub mod output;

pub use analysis::compare::{Comparison, compare};
pub use analysis::sensitivity::{Metric, Sensitivity, analyse as sensitivity};
pub use analysis::sweep::{PointResult, Sweep, SweepOutput, run_points as sweep};
pub use model::{Diagnostics, LoadError, LoadOptions, Scenario};
pub use results::Results;
pub use sim::RunOptions;
pub use summary::{Precision, PrecisionRun, run, run_to_precision};
