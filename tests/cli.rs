//! The `chancap` command as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn chancap() -> Command {
    Command::cargo_bin("chancap").unwrap()
}

fn reference_path() -> String {
    format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_accepts_every_shipped_scenario() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            chancap().arg("check").arg(&path).assert().success().stdout(predicate::str::contains("valid."));
            n += 1;
        }
    }
    assert!(n >= 3, "the reference and at least two more scenarios ship");
}

#[test]
fn check_reports_problems_with_exit_status_2() {
    let bad = format!("{}/tests/fixtures/bad/out_of_range.toml", env!("CARGO_MANIFEST_DIR"));
    chancap()
        .args(["check", &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out_of_range.toml:").and(predicate::str::contains("4 errors")));
}

#[test]
fn run_writes_data_files_and_charts_and_prints_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    chancap()
        .args(["run", &reference_path(), "-n", "500", "--seed", "7", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Totals over the horizon")
                .and(predicate::str::contains("Revenue (EUR)"))
                .and(predicate::str::contains("Probability of reaching it"))
                .and(predicate::str::contains("Periods at risk"))
                .and(predicate::str::contains("Cost-to-serve")),
        );
    for f in ["summary.json", "distributions.json", "cells.csv", "capacity.csv", "utilisation.svg", "outcomes.png"] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["seed"], 7);
    assert_eq!(json["scenario"]["iterations"], 500);
    for key in ["scenario", "totals", "targets", "cells", "segments", "channels"] {
        assert!(json.get(key).is_some(), "summary.json has {key}");
    }
    let stat = &json["totals"]["revenue"];
    for key in ["mean", "sd", "se", "p5", "p10", "p50", "p90", "p95", "min", "max"] {
        assert!(stat[key].is_number(), "Stat has {key}");
    }
    let cap = &json["channels"][0]["capacity"];
    for key in [
        "unit",
        "required",
        "available",
        "utilization",
        "shortfall",
        "required_fte",
        "available_fte",
        "p_shortfall",
        "periods",
    ] {
        assert!(cap.get(key).is_some(), "capacity has {key}");
    }
    let cells = std::fs::read_to_string(out.join("cells.csv")).unwrap();
    assert!(cells.starts_with("segment,channel,metric,mean,sd,se,p5,p10,p50,p90,p95,min,max\n"));
    assert!(cells.contains("key,direct,revenue,"));
    let capacity = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
    // 3 capacity-limited channels × 12 periods + header (the web shop is unlimited).
    assert_eq!(capacity.lines().count(), 1 + 3 * 12);
}

#[test]
fn run_defaults_to_output_file_stem() {
    let tmp = tempfile::tempdir().unwrap();
    chancap().current_dir(tmp.path()).args(["run", &reference_path(), "-n", "100", "-q"]).assert().success().stdout("");
    assert!(tmp.path().join("output/reference/summary.json").is_file());
}

#[test]
fn no_plots_writes_only_the_data_files() {
    let tmp = tempfile::tempdir().unwrap();
    chancap()
        .args(["run", &reference_path(), "-n", "100", "-q", "--no-plots", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let mut files: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(
        files,
        [".chancap.lock", "capacity.csv", "cells.csv", "distributions.json", "manifest.json", "summary.json"]
    );
}

#[test]
fn json_mode_prints_only_json_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let assert =
        chancap().current_dir(tmp.path()).args(["run", &reference_path(), "-n", "200", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(json["scenario"]["name"], "Wholesale 2027 reference");
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        chancap()
            .args(["run", &reference_path(), "-n", "1200", "-q", "--threads", threads, "--out"])
            .arg(tmp.path().join(threads))
            .assert()
            .success();
    }
    let mut files: Vec<_> = std::fs::read_dir(tmp.path().join("1")).unwrap().map(|e| e.unwrap().file_name()).collect();
    files.sort();
    assert!(files.len() >= 20, "data files and charts written: {files:?}");
    for f in files {
        let a = std::fs::read(tmp.path().join("1").join(&f)).unwrap();
        let b = std::fs::read(tmp.path().join("2").join(&f)).unwrap();
        assert!(a == b, "{f:?} differs between 1 and 2 threads");
    }
}

#[test]
fn invalid_input_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = format!("{}/tests/fixtures/bad/unknown_names.toml", env!("CARGO_MANIFEST_DIR"));
    chancap()
        .current_dir(tmp.path())
        .args(["run", &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown_names.toml:").and(predicate::str::contains("did you mean")));
    assert!(!tmp.path().join("output").exists(), "nothing written for invalid input");
}

#[test]
fn missing_file_exits_2() {
    chancap()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read no/such/file.toml"));
}

#[test]
fn unwritable_output_directory_exits_2_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    chancap()
        .args(["run", &reference_path(), "-n", "100", "--out"])
        .arg(blocker.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write to output directory"));
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    chancap().args(["run"]).assert().code(2);
    chancap().args(["run", "x.toml", "--iterations", "0"]).assert().code(2);
    chancap().args(["run", "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
}

#[test]
fn quiet_prints_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    chancap()
        .args(["run", &reference_path(), "-n", "100", "--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn compare_refuses_more_iterations_than_it_can_pair() {
    let tmp = tempfile::tempdir().unwrap();
    chancap()
        .args(["compare", &reference_path(), &reference_path(), "-n", "5000000", "--out"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use at most 4000000 iterations"));
}

/// Issue 15, item 9: invalid input creates nothing — not a sweep's output or
/// points directory for an invalid point, not report's directory for results
/// that are not there.
#[test]
fn invalid_input_creates_no_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    chancap()
        .args(["sweep", &reference_path(), "--set", "coverage.key.direct.share=0.5,5", "-n", "100", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "an invalid sweep created {}", out.display());
    let out = dir.path().join("report");
    chancap()
        .args(["report", &reference_path(), "--from"])
        .arg(dir.path().join("no-such-run"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "report --from of nothing created {}", out.display());
}

/// Issue 15, item 1: a scenario at every limit the reader allows at once (the
/// largest amounts, the fewest hours per FTE, the widest spreads, one period
/// carrying the whole year) runs with charts in bounded time, and every number
/// it writes is finite: `report --from` reads it back.
#[test]
fn a_scenario_at_every_limit_runs_with_charts_and_stays_finite() {
    let base = std::fs::read_to_string(reference_path()).unwrap();
    let mut text = base.clone();
    for (from, to) in [
        (
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = { dist = \"lognormal\", median = 500_000, p90 = 23_000_000 }",
        ),
        (
            "deal_size = { dist = \"lognormal\", median = 12_000, p90 = 36_000 }",
            "deal_size = { dist = \"gamma\", mean = 4e11, sd = 4e12 }",
        ),
        ("deal_size = { dist = \"lognormal\", median = 800, p90 = 2_400 }", "deal_size = 1e15"),
        ("hours_per_fte = 1400", "hours_per_fte = 1"),
        ("cost_per_fte = 110_000", "cost_per_fte = 1e15"),
        ("hours_per_contact = 3", "hours_per_contact = 100_000"),
        ("platform_cost = 150_000", "platform_cost = 1e15"),
        (
            "seasonality = [0.9, 1.0, 1.1, 1.0, 1.0, 0.9, 0.6, 0.7, 1.2, 1.2, 1.2, 1.2]",
            "seasonality = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1e308]",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("limits.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    chancap()
        .args(["run", "-n", "300", "-q", "--out"])
        .arg(&out)
        .arg(&file)
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    for csv in ["cells.csv", "capacity.csv"] {
        let body = std::fs::read_to_string(out.join(csv)).unwrap();
        assert!(!body.to_lowercase().contains("nan") && !body.contains("inf"), "{csv} holds a non-finite number");
    }
    let pngs =
        std::fs::read_dir(&out).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"));
    assert!(pngs.count() >= 5, "the charts are drawn");
    chancap()
        .args(["report", "-q", "--from"])
        .arg(&out)
        .arg("--out")
        .arg(dir.path().join("again"))
        .arg(&file)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
}

/// Issue 15, item 8: a run's files are one set. Running again replaces the set
/// whole (the charts of a run with plots do not outlive a run without), the
/// manifest lists it, and `report --from` reads only a complete, unchanged
/// set: a run killed during its renames (no manifest entry) or a file changed
/// since is refused.
#[test]
fn a_run_replaces_its_output_set_whole_and_report_reads_only_complete_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        chancap()
            .args(["run", "-n", "200", "-q", "--out"])
            .arg(&out)
            .args(extra)
            .arg(reference_path())
            .assert()
            .success();
    };
    run(&[]);
    assert!(out.join("utilisation.png").exists());
    run(&["--no-plots"]);
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [".chancap.lock", "capacity.csv", "cells.csv", "distributions.json", "manifest.json", "summary.json"]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["sets"]["run"].as_array().unwrap().len(), 4);
    let report = |code: i32, message: &str| {
        chancap()
            .args(["report", "-q", "--from"])
            .arg(&out)
            .arg("--out")
            .arg(dir.path().join("report"))
            .arg(reference_path())
            .assert()
            .code(code)
            .stderr(predicate::str::contains(message));
    };
    report(0, "");
    // A changed file.
    let cells = std::fs::read(out.join("summary.json")).unwrap();
    std::fs::write(out.join("summary.json"), [&cells[..], b" "].concat()).unwrap();
    report(2, "is not the file `chancap run` wrote there");
    // A set without its manifest entry, as a kill during the renames leaves it.
    std::fs::write(out.join("summary.json"), &cells).unwrap();
    std::fs::write(out.join("manifest.json"), br#"{"chancap": "0.1.0", "sets": {}}"#).unwrap();
    report(2, "holds no complete `chancap run` output with summary.json");
}

/// An output directory holds one plan's outputs: a set of another scenario
/// written there removes the earlier plan's files, and keeps the user's own.
#[test]
fn a_directory_holds_one_plans_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    chancap().args(["run", &reference_path(), "-n", "200", "-q", "--out"]).arg(&out).assert().success();
    assert!(out.join("capacity-partners.png").is_file());
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    // The sensitivity of the same plan keeps the run beside it.
    let sensitivity = |file: &str| {
        chancap().args(["sensitivity", file, "-n", "100", "-q", "--no-plots", "--out"]).arg(&out).assert().success();
    };
    sensitivity(&reference_path());
    assert!(out.join("summary.json").is_file() && out.join("sensitivity-contribution.json").is_file());
    // That of another plan replaces both.
    sensitivity(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/saas-inside-sales.toml"));
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [".chancap.lock", "manifest.json", "notes.md", "sensitivity-contribution.csv", "sensitivity-contribution.json"]
    );
}

/// `report --from DIR` writes report.html into DIR, beside the run it reads,
/// unless `--out` says otherwise.
#[test]
fn report_from_writes_beside_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = tmp.path().join("run");
    chancap().args(["run", &reference_path(), "-n", "200", "-q", "--out"]).arg(&run_dir).assert().success();
    chancap()
        .args(["sensitivity", &reference_path(), "-n", "100", "-q", "--no-plots", "--out"])
        .arg(&run_dir)
        .assert()
        .success();
    chancap()
        .current_dir(tmp.path())
        .args(["report", &reference_path(), "-q", "--from"])
        .arg(&run_dir)
        .assert()
        .success();
    assert!(run_dir.join("report.html").is_file());
    assert!(!tmp.path().join("output").exists(), "nothing under ./output");
}
