//! Sweeps: points equal runs of the edited scenario, shards merge into the very
//! same files, an interrupted sweep resumes to the same result, bad sweeps are
//! refused before anything runs.

use assert_cmd::Command;
use chancap::analysis::sweep::Sweep;
use chancap::model::paths::Document;
use chancap::report;
use chancap::results::KeyFigures;
use chancap::sim::RunOptions;
use predicates::prelude::*;
use std::path::Path;

fn chancap() -> Command {
    Command::cargo_bin("chancap").unwrap()
}

fn reference_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml").to_string()
}

const SETS: [&str; 4] =
    ["--set", "channels.telesales.headcount=6..12:3", "--set", "coverage.medium.direct.hit_rate.mean=0.25,0.35"];

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name} in {}: {e}", dir.display()))
}

#[test]
fn the_file_read_back_as_toml_values_runs_identically() {
    let text = super::reference();
    let original = super::scenario(&text);
    let doc = Document::parse(&text, "test.toml").unwrap();
    let again = doc.scenario().unwrap();
    let opts = RunOptions { iterations: 300, seed: 4 };
    let a = chancap::run(&original, &opts, &|_| {});
    let b = chancap::run(&again, &opts, &|_| {});
    assert_eq!(report::json::summary(&a), report::json::summary(&b));
}

#[test]
fn a_point_is_the_run_of_the_edited_scenario() {
    let text = super::reference();
    let doc = Document::parse(&text, "test.toml").unwrap();
    let sets = vec![
        ("channels.telesales.headcount".to_string(), "6..12:3".to_string()),
        ("coverage.medium.direct.hit_rate.mean".to_string(), "0.25,0.35".to_string()),
    ];
    let sweep = Sweep::new(&doc, &sets, false, 100).unwrap();
    assert_eq!(sweep.len(), 6);
    // Grid order: the last axis varies fastest.
    assert_eq!(sweep.point(0), [6.0, 0.25]);
    assert_eq!(sweep.point(1), [6.0, 0.35]);
    assert_eq!(sweep.point(5), [12.0, 0.35]);
    let opts = RunOptions { iterations: 400, seed: 8 };
    let indices: Vec<usize> = (0..6).collect();
    sweep.validate(&doc, &indices).unwrap();
    let points = chancap::analysis::sweep::run_points(&sweep, &doc, &indices, &opts, &|_| {}, &|_| {}).unwrap();
    // Point 3 by hand: headcount 9, hit rate mean 0.35.
    let edited = text.replace("headcount = 8", "headcount = 9");
    let mut d = Document::parse(&edited, "test.toml").unwrap();
    d.set(&d.resolve("coverage.medium.direct.hit_rate.mean").unwrap(), 0.35);
    d.set(&d.resolve("channels.telesales.headcount").unwrap(), 9.0);
    let by_hand = chancap::run(&d.scenario().unwrap(), &opts, &|_| {});
    assert_eq!(points[3].values, [9.0, 0.35]);
    assert_eq!(points[3].figures, KeyFigures::of(&by_hand));
    // More telesales people: more telesales capacity, so lower utilisation.
    let util = |i: usize| points[i].figures.channels[1].utilization.unwrap().p50;
    assert!(util(0) > util(2) && util(2) > util(4), "{} {} {}", util(0), util(2), util(4));
}

#[test]
fn sweep_writes_a_row_per_point_and_its_charts() {
    let tmp = tempfile::tempdir().unwrap();
    chancap()
        .args(["sweep", &reference_path(), "-n", "200", "--out"])
        .arg(tmp.path())
        .args(SETS)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("6 points, best mean contribution first")
                .and(predicate::str::contains("Wrote sweep.csv")),
        );
    let csv = String::from_utf8(read(tmp.path(), "sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with(
        "point,channels.telesales.headcount,coverage.medium.direct.hit_rate.mean,revenue_mean,revenue_p10,revenue_p50,revenue_p90,"
    ));
    for col in ["p_target_revenue", "telesales_utilization_p50", "direct_required_fte_p90", "partners_p_shortfall"] {
        assert!(header.split(',').any(|h| h == col), "column {col}");
    }
    assert_eq!(lines.count(), 6);
    let json: serde_json::Value = serde_json::from_slice(&read(tmp.path(), "sweep.json")).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 6);
    assert_eq!(json["parameters"][1], "coverage.medium.direct.hit_rate.mean");
    for chart in [
        "sweep-channels_telesales_headcount.svg",
        "sweep-coverage_medium_direct_hit_rate_mean.png",
        "sweep-heatmap-contribution.svg",
        "sweep-heatmap-shortfall-telesales.png",
    ] {
        assert!(tmp.path().join(chart).is_file(), "{chart}");
    }
}

#[test]
fn shards_merge_into_the_same_bytes_as_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    chancap().args(["sweep", &reference_path(), "-n", "150", "-q", "--out"]).arg(&whole).args(SETS).assert().success();
    for k in 0..3 {
        chancap()
            .args(["sweep", &reference_path(), "-n", "150", "-q", "--shard", &format!("{k}/3"), "--out"])
            .arg(tmp.path().join(format!("s{k}")))
            .args(SETS)
            .assert()
            .success();
        assert!(tmp.path().join(format!("s{k}/shard-{k}-of-3.json")).is_file());
    }
    let merged = tmp.path().join("merged");
    chancap()
        .args(["merge", "-q", "--out"])
        .arg(&merged)
        .args(["s0", "s1", "s2"].map(|d| tmp.path().join(d)))
        .assert()
        .success();
    let mut names: Vec<String> =
        std::fs::read_dir(&whole).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.retain(|n| n != "points");
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        assert!(read(&whole, &name) == read(&merged, &name), "{name} differs between the whole sweep and the merge");
    }
    // Shard files work as well as their folders, and a file named twice
    // (`merge s0/* s0 …`) counts once.
    let files = tmp.path().join("files");
    chancap()
        .args(["merge", "-q", "--out"])
        .arg(&files)
        .arg(tmp.path().join("s0/shard-0-of-3.json"))
        .arg(tmp.path().join("s0"))
        .arg(tmp.path().join("s1/shard-1-of-3.json"))
        .arg(tmp.path().join("s2"))
        .assert()
        .success();
    assert!(read(&files, "sweep.json") == read(&merged, "sweep.json"));
    // A missing shard is named.
    chancap()
        .args(["merge", "--out"])
        .arg(tmp.path().join("m2"))
        .args(["s0", "s2"].map(|d| tmp.path().join(d)))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing shard 1/3"));
    // A shard of another sweep is refused.
    chancap()
        .args(["sweep", &reference_path(), "-n", "151", "-q", "--shard", "1/3", "--out"])
        .arg(tmp.path().join("other"))
        .args(SETS)
        .assert()
        .success();
    chancap()
        .args(["merge", "--out"])
        .arg(tmp.path().join("m3"))
        .args(["s0", "other", "s2"].map(|d| tmp.path().join(d)))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different sweeps"));
}

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn a_killed_sweep_resumes_to_the_uninterrupted_result() {
    let tmp = tempfile::tempdir().unwrap();
    let args = |out: &Path| {
        let mut a: Vec<String> = [
            "sweep",
            &reference_path(),
            "-n",
            "2000",
            "-j",
            "1",
            "-q",
            "--no-plots",
            "--set",
            "channels.direct.headcount=10..21:1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.push("--out".into());
        a.push(out.display().to_string());
        a
    };
    let whole = tmp.path().join("whole");
    chancap().args(args(&whole)).assert().success();

    let killed = tmp.path().join("killed");
    let mut child =
        std::process::Command::new(assert_cmd::cargo::cargo_bin("chancap")).args(args(&killed)).spawn().unwrap();
    let points = killed.join("points");
    let count = || {
        std::fs::read_dir(&points)
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".json")).count())
            .unwrap_or(0)
    };
    let start = std::time::Instant::now();
    while count() < 2 && start.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = count();
    assert!((2..12).contains(&before), "killed part-way: {before} of 12 points done");
    assert!(!killed.join("sweep.csv").exists(), "no result file from a killed sweep");

    let mut resume = args(&killed);
    resume.retain(|a| a != "-q");
    resume.push("--resume".into());
    chancap()
        .args(&resume)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("resumed: {before} of 12 points read from")))
        .stdout(predicate::str::contains(format!("{} points × 2,000 iterations", 12 - before)));
    for name in ["sweep.csv", "sweep.json"] {
        assert!(read(&whole, name) == read(&killed, name), "{name} differs after resuming");
    }
}

#[test]
fn the_files_sweep_table_is_used_without_set() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("with-sweep.toml");
    let text = super::reference()
        + "\n[sweep]\nzip = true\n\"channels.direct.headcount\" = [14, 16]\n\"targets.revenue\" = \"24_000_000..26_000_000:2_000_000\"\n";
    std::fs::write(&file, text).unwrap();
    chancap().arg("check").arg(&file).assert().success();
    chancap()
        .args(["sweep", "-n", "100", "-q", "--no-plots", "--out"])
        .arg(tmp.path().join("o"))
        .arg(&file)
        .assert()
        .success();
    let csv = String::from_utf8(read(&tmp.path().join("o"), "sweep.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "zip pairs by position");
    assert!(rows[0].starts_with("0,14,24000000,") && rows[1].starts_with("1,16,26000000,"), "{rows:?}");
}

#[test]
fn bad_sweeps_are_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 8] = [
        (&["--set", "channels.telesales.headcont=1,2"], "did you mean `channels.telesales.headcount`"),
        (&["--set", "channels.telesales.headcount=9..3:1"], "is empty"),
        (&["--set", "channels.telesales.headcount=3..9:0"], "must be positive"),
        (&["--set", "coverage.key.direct.share=0.5,2"], "coverage"),
        (
            &["--set", "channels.telesales.headcount=1..200:1", "--set", "channels.direct.headcount=1..100:1"],
            "--max-points",
        ),
        (&["--zip", "--set", "channels.telesales.headcount=1,2", "--set", "channels.direct.headcount=1,2,3"], "--zip"),
        (&["--set", "channels.telesales.headcount"], "PATH=VALUES"),
        (&[], "nothing to sweep"),
    ];
    for (args, says) in cases {
        chancap()
            .args(["sweep", &reference_path(), "-n", "50", "--out"])
            .arg(tmp.path().join("o"))
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(!tmp.path().join("o/sweep.csv").exists());
    }
    // An invalid point names its values.
    chancap()
        .args(["sweep", &reference_path(), "-n", "50", "--set", "coverage.key.direct.share=0.5,2", "--out"])
        .arg(tmp.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("point 1 (coverage.key.direct.share=2)"));
}

/// Issue 15, item 8: two swept parameters whose chart names used to collide
/// (`coverage.x.y_z.share` and `coverage.x_y.z.share` both made
/// `sweep-coverage_x_y_z_share`) finish with a chart each.
#[test]
fn colliding_chart_names_are_made_unique() {
    let text = r#"
[scenario]
name = "collide"
iterations = 50

[[segments]]
name = "x"
accounts = 40
opportunities_per_account = 2
deal_size = 1000

[[segments]]
name = "x_y"
accounts = 40
opportunities_per_account = 2
deal_size = 1000

[channels.y_z]
kind = "online"

[channels.z]
kind = "online"

[[coverage]]
segment = "x"
channel = "y_z"
share = 0.5
hit_rate = 0.3

[[coverage]]
segment = "x_y"
channel = "z"
share = 0.5
hit_rate = 0.3
"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("collide.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    chancap()
        .args([
            "sweep",
            "-q",
            "--zip",
            "--set",
            "coverage.x.y_z.share=0.4,0.6",
            "--set",
            "coverage.x_y.z.share=0.4,0.6",
        ])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    for name in ["sweep-coverage_x_y_z_share.png", "sweep-coverage_x_y_z_share-2.png"] {
        assert!(out.join(name).exists(), "{name}");
    }
}
