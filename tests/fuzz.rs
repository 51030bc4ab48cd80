//! Issue 15: the fuzz harness, on stable Rust inside the test binary.
//!
//! Two sources of inputs, both driven by proptest with a fixed seed so that
//! every run of a tier checks the same cases:
//!
//! - `generate`: scenario documents written from the format's declaration
//!   (`chancap::model::schema`), tidy ones that are often valid and wild ones
//!   full of edges, wrong types and stray TOML;
//! - `mutate`: the shipped scenarios and test fixtures with a few byte-level
//!   edits each.
//!
//! `check` holds what every input must satisfy (no panic; a refusal that names
//! an error, or a short run whose every written number is finite; the reader's
//! time bounded by the input's size; the binary exiting 0 or 2, and after 2
//! having created nothing). A failing input is shrunk by proptest, saved to
//! `tests/fixtures/fuzz/` and named in the failure; [`replay_found_inputs`]
//! checks every input kept there on each run.
//!
//! Tiers: `cargo test` runs [`FAST_CASES`] of each source; the heavy tier
//! (`--include-ignored`, which `.ci/run` runs) [`HEAVY_CASES`] of each. A longer
//! run: `CHANCAP_FUZZ_CASES=20000 cargo test --release --test tests fuzz --
//! --include-ignored --nocapture` (cases per source; `CHANCAP_FUZZ_SEED=S` for
//! other cases than the fixed ones).

mod check;
mod generate;
mod mutate;

use check::Tier;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use std::cell::RefCell;
use std::time::Instant;

/// Cases of each source in the fast tier.
const FAST_CASES: u32 = 300;
/// Cases of each source in the heavy tier, unless `CHANCAP_FUZZ_CASES` says.
const HEAVY_CASES: u32 = 4000;
/// The fixed seed, unless `CHANCAP_FUZZ_SEED` says.
const SEED: u64 = 15;
/// About one case in this many also goes through the binary (two processes).
const FAST_BINARY_EVERY: u64 = 20;
const HEAVY_BINARY_EVERY: u64 = 10;

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(text.trim().parse().unwrap_or_else(|_| panic!("{name}={text} is not a whole number")))
}

/// Runs `cases` inputs of `strategy` through every check. `tag` tells the
/// tiers' random streams apart.
fn tier<S: Strategy>(name: &'static str, strategy: S, cases: u32, tag: u8, binary_every: u64)
where
    S::Value: AsRef<[u8]>,
{
    check::record_panics();
    let seed = env_number("CHANCAP_FUZZ_SEED").unwrap_or(SEED);
    let mut key = [tag; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_time: 60_000,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let tier = RefCell::new(Tier::new(name));
    let start = Instant::now();
    let result = runner.run(&strategy, |input| {
        let input = input.as_ref();
        let binary = check::fingerprint(input).is_multiple_of(binary_every);
        tier.borrow_mut().check(input, binary).map_err(TestCaseError::fail)
    });
    let t = tier.into_inner().tally;
    let secs = start.elapsed().as_secs_f64();
    if let Some((input, took)) = &t.slowest_per_byte {
        let path = check::last_input(&format!("{name} slowest"));
        std::fs::write(&path, input).unwrap();
        eprintln!(
            "fuzz {name}: read most slowly per byte: {} bytes in {took:?}, kept in {}",
            input.len(),
            path.display()
        );
    }
    // The tier must keep reaching the engine and the binary, or it would pass
    // without checking what it is for.
    if result.is_ok() && t.cases >= 100 {
        assert!(
            t.valid * 20 >= t.cases && t.binary > 0,
            "fuzz {name}: only {} of {} cases were valid and {} went through the binary",
            t.valid,
            t.cases,
            t.binary
        );
    }
    match result {
        Ok(()) => eprintln!(
            "fuzz {name}: {} cases ({} KB) in {secs:.2} s, {:.0}/s; {} valid ran {} iterations in all; {} through the \
             binary; slowest read {:?}, slowest run {:?} (seed {seed})",
            t.cases,
            t.bytes / 1024,
            t.cases as f64 / secs,
            t.valid,
            t.iterations,
            t.binary,
            t.slowest_read,
            t.slowest_run
        ),
        Err(TestError::Fail(why, input)) => {
            let path = check::save(input.as_ref());
            panic!(
                "fuzz {name} (seed {seed}): {why}\nthe input (shrunk as far as it would) is saved as {}; \
                 fuzz::replay_found_inputs checks it from now on",
                path.display()
            );
        }
        Err(e) => panic!("fuzz {name} (seed {seed}): {e}"),
    }
}

#[test]
fn generated_documents() {
    tier("generated", generate::document(), FAST_CASES, 1, FAST_BINARY_EVERY);
}

#[test]
fn mutated_scenarios() {
    tier("mutated", mutate::mutated(mutate::corpus()), FAST_CASES, 2, FAST_BINARY_EVERY);
}

fn heavy_cases() -> u32 {
    env_number("CHANCAP_FUZZ_CASES").map_or(HEAVY_CASES, |n| n.try_into().unwrap_or(u32::MAX))
}

#[test]
#[ignore = "heavy tier: many more fuzz cases, one in ten through the binary"]
fn generated_documents_heavy() {
    tier("generated (heavy)", generate::document(), heavy_cases(), 3, HEAVY_BINARY_EVERY);
}

#[test]
#[ignore = "heavy tier: many more fuzz cases, one in ten through the binary"]
fn mutated_scenarios_heavy() {
    tier("mutated (heavy)", mutate::mutated(mutate::corpus()), heavy_cases(), 4, HEAVY_BINARY_EVERY);
}

/// Every input kept in `tests/fixtures/fuzz/` passes every check, the binary's too.
#[test]
fn replay_found_inputs() {
    check::record_panics();
    let mut paths: Vec<_> = std::fs::read_dir(check::found_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "tests/fixtures/fuzz/ holds no inputs");
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let input = std::fs::read(p).unwrap();
            // A tier of its own for each file: one that hangs does not pass the rest.
            Tier::new("replay").check(&input, true).err().map(|why| format!("{}: {why}", p.display()))
        })
        .collect();
    assert!(failures.is_empty(), "kept fuzz inputs fail:\n{}", failures.join("\n"));
}
