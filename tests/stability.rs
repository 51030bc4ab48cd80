//! Value stability: a few draws of every sampler path pinned, so that a change
//! that moves a result — on purpose or not — shows up as a snapshot diff naming
//! the sampler, not as a vague shift of the reference figures. After a
//! deliberate change, review the diff and rerun with `INSTA_UPDATE=always`.
//!
//! Also pinned here: the diagnostics of every bad fixture, the terminal tables of
//! a short reference run, and the shape (keys) of `summary.json`.

use chancap::model::{Dist, Scenario};
use chancap::random::lanes::LaneRng;
use chancap::random::lognormal::{lognormal_sums, standard_normal};
use chancap::random::rng::{stream, stream_id, stream_key};
use chancap::random::sample::{binomial, poisson, poissons};
use chancap::sim::RunOptions;
use rand::RngExt;

/// Numbers written with all their digits (`{:?}` of f64 round-trips).
fn list<T: std::fmt::Debug>(xs: impl IntoIterator<Item = T>) -> String {
    xs.into_iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", ")
}

#[test]
fn streams_and_lanes() {
    let id = stream_id("coverage.key.direct.hit_rate");
    let mut rng = stream(2027, 41, id);
    let uniforms: Vec<f64> = (0..4).map(|_| rng.random::<f64>()).collect();
    let mut lanes = LaneRng::new(stream_key(2027, 41, id));
    let step = lanes.step();
    insta::assert_snapshot!(format!(
        "stream_id: {id}\nstream_key: {}\nuniforms: {}\nlanes: {}",
        stream_key(2027, 41, id),
        list(uniforms),
        list(step)
    ));
}

#[test]
fn poisson_and_binomial_paths() {
    let mut rng = stream(7, 3, stream_id("stability"));
    // Inversion below λ = 10, PTRS above; binomial by inversion for small n·p,
    // BTRS for large, and the degenerate ends.
    let poisson_draws: Vec<u64> = [0.3, 4.0, 9.9, 10.0, 55.0, 1e4].iter().map(|l| poisson(&mut rng, *l)).collect();
    let binomial_draws: Vec<u64> = [(5, 0.1), (50, 0.3), (5_000, 0.02), (1_000_000, 0.5), (0, 0.5), (9, 0.0), (9, 1.0)]
        .iter()
        .map(|(n, p)| binomial(&mut rng, *n, *p))
        .collect();
    // The bulk sampler: 20 rates on both sides of 10, side by side.
    let rates: Vec<f64> = (0..20).map(|k| 0.5 + 1.7 * k as f64).collect();
    let mut counts = vec![0; rates.len()];
    poissons(&mut LaneRng::new(99), &rates, &mut counts);
    insta::assert_snapshot!(format!(
        "poisson: {}\nbinomial: {}\npoissons: {}",
        list(poisson_draws),
        list(binomial_draws),
        list(counts)
    ));
}

#[test]
fn normal_and_lognormal_sums() {
    let mut rng = stream(7, 3, stream_id("normals"));
    let normals: Vec<f64> = (0..6).map(|_| standard_normal(&mut rng)).collect();
    // Counts that take the one-at-a-time, the 16-candidate and the 64-deal paths.
    let counts = [0u64, 1, 3, 17, 64, 200];
    let mut sums = [0.0; 6];
    lognormal_sums(&mut LaneRng::new(5), 9.0, 0.6, &counts, &mut sums);
    insta::assert_snapshot!(format!("normals: {}\nlognormal sums: {}", list(normals), list(sums)));
}

#[test]
fn every_distribution_family() {
    let families = [
        ("fixed", Dist::fixed(3.5)),
        ("uniform", Dist::uniform(1.0, 2.0)),
        ("triangular", Dist::triangular(1.0, 1.5, 3.0)),
        ("pert", Dist::pert(1.0, 1.5, 3.0)),
        ("normal", Dist::normal(10.0, 2.0, None, None)),
        ("truncated normal", Dist::normal(10.0, 2.0, Some(9.0), Some(11.0))),
        ("lognormal median/p90", Dist::lognormal_median_p90(100.0, 180.0)),
        ("lognormal mean/sd", Dist::lognormal_mean_sd(100.0, 40.0)),
        ("beta", Dist::beta(0.3, 0.1)),
        ("gamma", Dist::gamma(4.0, 3.0)),
        ("discrete", Dist::discrete(vec![1.0, 2.0, 5.0], vec![0.2, 0.5, 0.3])),
    ];
    let mut out = String::new();
    for (name, dist) in families {
        let dist = dist.unwrap();
        let mut rng = stream(11, 0, stream_id(name));
        let draws: Vec<f64> = (0..3).map(|_| dist.sample(&mut rng)).collect();
        let mut sums = [0.0; 2];
        dist.sums_of(&mut LaneRng::new(stream_id(name)), &[2, 7], &mut sums);
        let quantiles = [0.1, 0.5, 0.9].map(|u| dist.quantile(u));
        out += &format!("{name}: draws {} | sums {} | quantiles {}\n", list(draws), list(sums), list(quantiles));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn diagnostics_of_every_bad_fixture() {
    // Relative paths (tests run in the package's folder) keep the messages free
    // of this machine's paths.
    let dir = std::path::Path::new("tests/fixtures/bad");
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut out = String::new();
    for path in files {
        match Scenario::from_path(&path) {
            Ok(_) => panic!("{} should be refused", path.display()),
            Err(e) => out += &format!("=== {}\n{e}\n", path.display()),
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn terminal_tables_of_a_short_reference_run() {
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 400, seed: 3 }, &|_| {});
    insta::assert_snapshot!(chancap::report::table::report(&results, "engine", None));
}

#[test]
fn terminal_tables_of_a_short_reference_run_at_80_columns() {
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 400, seed: 3 }, &|_| {});
    insta::assert_snapshot!(chancap::report::table::report(&results, "engine", Some(80)));
}

/// The keys of summary.json, one path per line with its JSON type: the file's
/// shape is an interface (spec §6), independent of the numbers.
#[test]
fn summary_json_keys() {
    fn walk(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    walk(x, &format!("{path}.{k}"), out);
                }
            }
            serde_json::Value::Array(items) => match items.first() {
                Some(first) if first.is_object() => walk(first, &format!("{path}[]"), out),
                _ => {
                    out.insert(format!("{path}[]"));
                }
            },
            serde_json::Value::Null => {
                out.insert(format!("{path}: null"));
            }
            _ => {
                out.insert(path.to_string());
            }
        }
    }
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 300, seed: 3 }, &|_| {});
    let json: serde_json::Value = serde_json::from_slice(&chancap::report::json::summary(&results)).unwrap();
    let mut keys = std::collections::BTreeSet::new();
    walk(&json, "", &mut keys);
    insta::assert_snapshot!(keys.into_iter().collect::<Vec<_>>().join("\n"));
}
