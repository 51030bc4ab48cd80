//! Integration tests, in one binary to keep link time down.

mod architecture;
mod bad_input;
mod chart_layout;
mod charts;
mod cli;
mod compare;
mod correlations;
mod fuzz;
mod model;
mod optimise;
mod precision;
mod report;
mod sensitivity;
mod stability;
mod sweep;

use chancap::model::Scenario;
use chancap::results::Results;
use chancap::sim::RunOptions;

/// Parses a scenario or fails the test with the rendered diagnostics.
pub fn scenario(text: &str) -> Scenario {
    match Scenario::from_toml_str(text, "test.toml") {
        Ok(s) => s,
        Err(d) => panic!("scenario should be valid:\n{d}"),
    }
}

/// Runs a scenario text for `iterations` iterations with seed 1.
pub fn run(text: &str, iterations: u64) -> Results {
    let s = scenario(text);
    chancap::run(&s, &RunOptions { iterations, seed: 1 }, &|_| {})
}

/// The reference scenario's text.
pub fn reference() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml")).unwrap()
}

/// Asserts |observed − expected| ≤ k · se, naming what was compared.
#[track_caller]
pub fn within_se(what: &str, observed: f64, expected: f64, se: f64, k: f64) {
    assert!((observed - expected).abs() <= k * se, "{what}: observed {observed}, expected {expected} ± {k}·{se}");
}
