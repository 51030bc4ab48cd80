//! chancap — Monte Carlo simulation of sales-channel coverage and capacity.
//!
//! A company sells through direct field sales, telesales, resellers and an online
//! shop to a customer pyramid. A scenario file states the segments, the channels,
//! which channel serves which segment, campaigns, headcount, ramp, attrition and
//! partner economics, with every uncertain input as a distribution. chancap
//! simulates many possible years and reports hit rates, margins, cost-to-serve and
//! required versus available capacity, each as a distribution.
//!
//! Data flows one way:
//!
//! ```text
//! TOML text ─► scenario::Scenario ─► engine::run ─► results::Results ─► export::{json, csv, table}
//! ```
//!
//! ```no_run
//! use chancap::{engine, scenario::Scenario};
//! let text = std::fs::read_to_string("scenarios/reference.toml").unwrap();
//! let scenario = Scenario::from_toml_str(&text, "reference.toml").unwrap();
//! let results = engine::run(&scenario, &engine::RunOptions::from_scenario(&scenario), &|_| {});
//! println!("P50 revenue: {}", results.totals.revenue.p50);
//! ```

#![deny(missing_docs)]

pub mod accumulate;
pub mod compare;
pub mod engine;
pub mod export;
pub mod output;
pub mod results;
pub mod scenario;
pub mod sensitivity;
pub mod sketch;
pub mod sort;
pub mod stats;
pub mod sweep;
