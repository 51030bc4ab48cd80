//! `chancap optimise`: bad definitions are refused before anything runs, the
//! answer does not depend on the thread count, `best.toml` is the file as
//! written with the chosen values, and an infeasible problem says so.

use assert_cmd::Command;
use predicates::prelude::*;

fn chancap() -> Command {
    Command::cargo_bin("chancap").unwrap()
}

fn reference_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml").to_string()
}

const VARY: [&str; 4] =
    ["--vary", "channels.telesales.headcount=6..12:2", "--vary", "coverage.medium.direct.share=0..0.2:0.1"];

#[test]
fn bad_definitions_exit_2_with_a_suggestion_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (args, message) in [
        (vec!["--maximise", "contribution_men"], "did you mean `contribution_mean`"),
        (vec!["--maximise", "contribution_mean", "--constraint", "telesales_p_shortfal <= 0.05"], "did you mean"),
        (
            vec!["--maximise", "contribution_mean", "--constraint", "telesales_p_shortfall < 0.05"],
            "expected \"METRIC <= X\"",
        ),
        (vec![], "no goal"),
        (vec!["--maximise", "contribution_mean", "--vary", "channels.telesales.headcont=1..3:1"], "headcont"),
    ] {
        let mut cmd = chancap();
        cmd.args(["optimise", "-q", "-n", "50"]).arg(reference_path()).arg("--out").arg(&out);
        if !args.contains(&"--vary") {
            cmd.args(VARY);
        }
        cmd.args(&args).assert().code(2).stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{args:?} created the output directory");
    }
}

#[test]
fn the_answer_is_the_same_on_any_thread_count_and_best_toml_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str, out: &str| {
        chancap()
            .args(["optimise", "-q", "-n", "100", "-j", threads, "--maximise", "contribution_mean"])
            .args(VARY)
            .args(["--constraint", "p_target_revenue >= 0.01", "--out"])
            .arg(dir.path().join(out))
            .arg(reference_path())
            .assert()
            .success();
        std::fs::read(dir.path().join(out).join("optimise.json")).unwrap()
    };
    let one = run("1", "a");
    assert_eq!(one, run("2", "b"), "optimise.json differs between 1 and 2 threads");
    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["candidates"], 12);
    assert_eq!(json["exhaustive"], true);
    let best = &json["best"]["values"];
    // best.toml: the reference with the two values written in, everything else
    // as written (its comments too), and valid.
    let best_toml = std::fs::read_to_string(dir.path().join("a/best.toml")).unwrap();
    let original = std::fs::read_to_string(reference_path()).unwrap();
    let comments = |t: &str| t.lines().filter(|l| l.trim_start().starts_with('#')).count();
    assert_eq!(comments(&best_toml), comments(&original));
    let headcount = best["channels.telesales.headcount"].as_f64().unwrap();
    assert!(best_toml.contains(&format!("headcount = {headcount}")), "{best}");
    chancap().args(["check", "-q"]).arg(dir.path().join("a/best.toml")).assert().success();
    let changed = original.lines().zip(best_toml.lines()).filter(|(a, b)| a != b).count();
    assert!(changed <= 2, "{changed} lines changed");
}

#[test]
fn an_impossible_constraint_names_the_closest_plan() {
    let dir = tempfile::tempdir().unwrap();
    chancap()
        .args(["optimise", "-n", "100", "--maximise", "contribution_mean", "--constraint", "p_target_revenue >= 1.5"])
        .args(VARY)
        .arg("--out")
        .arg(dir.path())
        .arg(reference_path())
        .assert()
        .success()
        .stdout(predicate::str::contains("No plan meets every constraint"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("optimise.json")).unwrap()).unwrap();
    assert!(json["best"].is_null() && json["closest"].is_object());
    assert!(!dir.path().join("best.toml").exists());
}
