//! Asking for a precision instead of an iteration count.

use chancap::Precision;
use chancap::sim::RunOptions;
use predicates::prelude::*;

#[test]
fn a_run_to_precision_is_the_run_of_its_final_count() {
    let s = super::scenario(&super::reference());
    let out = chancap::run_to_precision(&s, 5, Precision { relative: 0.01, max_iterations: 50_000 }, &|_| {});
    assert!(out.met);
    assert_eq!(out.iterations % chancap::summary::PRECISION_STEP, 0);
    assert!(out.reached.iter().all(|r| *r <= 0.01), "{:?}", out.reached);
    let plain = chancap::run(&s, &RunOptions { iterations: out.iterations, seed: 5 }, &|_| {});
    assert_eq!(chancap::report::json::summary(&out.results), chancap::report::json::summary(&plain));
    // The margin the results state agrees with the one the stop rule saw.
    let c = &out.results.totals.contribution;
    assert!((1.96 * c.se / c.mean - out.reached[1]).abs() < 1e-9);
    // One step earlier the precision was not yet reached (else it would have stopped).
    if out.iterations > chancap::summary::PRECISION_STEP {
        let before = chancap::run(
            &s,
            &RunOptions { iterations: out.iterations - chancap::summary::PRECISION_STEP, seed: 5 },
            &|_| {},
        );
        let t = &before.totals;
        let worst = (1.96 * t.revenue.se / t.revenue.mean).max(1.96 * t.contribution.se / t.contribution.mean);
        assert!(worst > 0.01, "stopped late: {worst}");
    }
}

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn a_tighter_precision_needs_more_iterations_and_the_cap_holds() {
    let s = super::scenario(&super::reference());
    let loose = chancap::run_to_precision(&s, 1, Precision { relative: 0.02, max_iterations: 100_000 }, &|_| {});
    let tight = chancap::run_to_precision(&s, 1, Precision { relative: 0.008, max_iterations: 100_000 }, &|_| {});
    assert!(tight.iterations > loose.iterations, "{} vs {}", tight.iterations, loose.iterations);
    let capped = chancap::run_to_precision(&s, 1, Precision { relative: 0.0001, max_iterations: 3_000 }, &|_| {});
    assert!(!capped.met);
    assert_eq!(capped.iterations, 3_000);
}

#[test]
fn the_command_line_reports_the_count_used() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml");
    assert_cmd::Command::cargo_bin("chancap")
        .unwrap()
        .args(["run", reference, "--precision", "2%", "--no-plots", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Precision: the 95 % margin of mean revenue"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("summary.json")).unwrap()).unwrap();
    let n = json["scenario"]["iterations"].as_u64().unwrap();
    assert!(n >= 1_000 && n.is_multiple_of(1_000), "{n}");
    for bad in ["150%", "zero", "0"] {
        assert_cmd::Command::cargo_bin("chancap")
            .unwrap()
            .args(["run", reference, "--precision", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("precision").or(predicate::str::contains("share")));
    }
}

mod latin_hypercube {
    use chancap::model::Sampling;
    use chancap::sim::RunOptions;

    /// Variance, across independent seeds, of the mean revenue of `n` iterations.
    fn variance_of_mean(sampling: Sampling, n: u64, seeds: u64) -> f64 {
        let mut s = crate::scenario(&crate::reference());
        s.sampling = sampling;
        let means: Vec<f64> = (0..seeds)
            .map(|seed| chancap::run(&s, &RunOptions { iterations: n, seed: 100 + seed }, &|_| {}).totals.revenue.mean)
            .collect();
        let m = means.iter().sum::<f64>() / means.len() as f64;
        means.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (means.len() - 1) as f64
    }

    #[test]
    #[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
    fn latin_hypercube_reaches_a_precision_with_fewer_iterations() {
        // The iterations needed for a given precision of the mean grow with its
        // variance at a fixed count: LHS needs less than half of plain sampling's.
        let mc = variance_of_mean(Sampling::MonteCarlo, 400, 24);
        let lhs = variance_of_mean(Sampling::LatinHypercube, 400, 24);
        assert!(lhs < 0.5 * mc, "variance of the mean: LHS {lhs:.3e} vs MC {mc:.3e}");
    }

    /// A Latin hypercube run says so: `summary.json` records the sampling, and
    /// the terminal report and report.html state that its ± 95 % margins are
    /// the plain Monte Carlo bound.
    #[test]
    fn latin_hypercube_is_recorded_and_its_margins_explained() {
        let tmp = tempfile::tempdir().unwrap();
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml");
        let run = |sampling: &str| {
            let out = tmp.path().join(sampling);
            let text = assert_cmd::Command::cargo_bin("chancap")
                .unwrap()
                .args(["run", file, "-n", "300", "--no-plots", "--sampling", sampling, "--out"])
                .arg(&out)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone();
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
            (String::from_utf8(text).unwrap(), json["scenario"]["sampling"].as_str().unwrap().to_string(), out)
        };
        let (text, sampling, _) = run("mc");
        assert_eq!(sampling, "mc");
        assert!(!text.contains("Latin hypercube"));
        let (text, sampling, dir) = run("lhs");
        assert_eq!(sampling, "lhs");
        assert!(text.contains("300 iterations (Latin hypercube)"), "{text}");
        assert!(text.contains("margins are those of plain Monte Carlo"), "{text}");
        // A short tornado beside the run, for the report to read instead of running its own.
        assert_cmd::Command::cargo_bin("chancap")
            .unwrap()
            .args(["sensitivity", file, "-n", "100", "-q", "--no-plots", "--out"])
            .arg(&dir)
            .assert()
            .success();
        let report = tmp.path().join("report");
        assert_cmd::Command::cargo_bin("chancap")
            .unwrap()
            .args(["report", file, "-q", "--from"])
            .arg(&dir)
            .arg("--out")
            .arg(&report)
            .assert()
            .success();
        let html = std::fs::read_to_string(report.join("report.html")).unwrap();
        assert!(html.contains("drawn by Latin hypercube sampling"));
        assert!(html.contains("These margins are those of plain Monte Carlo sampling, an upper bound"));
    }

    #[test]
    fn latin_hypercube_keeps_the_marginals_and_is_reproducible() {
        let mut s = crate::scenario(&crate::reference());
        s.sampling = Sampling::LatinHypercube;
        let mut plan = chancap::sim::plan::Plan::new(&s);
        let n = 1000;
        plan.lhs = Some(chancap::sim::Lhs::new(&s, &plan, 9, n));
        let p = s.params.iter().position(|p| p.path == "coverage.key.direct.hit_rate").unwrap();
        let mut theta = vec![0.0; s.params.len()];
        let mut values = Vec::new();
        for i in 0..n {
            chancap::sim::draw_params(&s, &plan, 9, i, &mut theta);
            values.push(theta[p]);
        }
        // Exactly one draw in each tenth of the distribution's probability... per 100 strata.
        let dist = &s.params[p].dist;
        for k in 1..10 {
            let q = dist.quantile(k as f64 / 10.0);
            let below = values.iter().filter(|v| **v <= q).count();
            assert_eq!(below, k * 100, "decile {k}");
        }
        let a = chancap::run(&s, &RunOptions { iterations: 700, seed: 3 }, &|_| {});
        let b = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| chancap::run(&s, &RunOptions { iterations: 700, seed: 3 }, &|_| {}));
        assert_eq!(chancap::report::json::summary(&a), chancap::report::json::summary(&b));
    }
}
