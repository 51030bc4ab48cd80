//! Comparing scenarios: common random numbers make paired differences precise,
//! P(beats the first) reads the right way, the command writes its files.

use assert_cmd::Command;
use chancap::analysis::compare::compare;
use chancap::model::paths::Document;
use chancap::sim::RunOptions;
use predicates::prelude::*;

/// The reference scenario with one number changed.
fn variant(path: &str, value: f64) -> chancap::model::Scenario {
    let mut doc = Document::parse(&super::reference(), "variant.toml").unwrap();
    doc.set(&doc.resolve(path).unwrap(), value);
    doc.scenario().unwrap()
}

#[test]
fn paired_differences_of_nearly_identical_plans_are_far_tighter_than_either() {
    let base = super::scenario(&super::reference());
    // One more telesales person: a small change of plan.
    let nudged = variant("channels.telesales.headcount", 9.0);
    let c = compare(&[base, nudged], &RunOptions { iterations: 2000, seed: 5 }, &|_| {});
    let sd = |i: usize| {
        let v = &c.results[i].distributions.contribution_values;
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    let v = c.scenarios[1].versus_first.unwrap();
    let paired_sd = v.contribution_difference_se * (2000f64).sqrt();
    assert!(
        paired_sd < 0.1 * sd(0).min(sd(1)),
        "paired sd {paired_sd:.0} vs sd {:.0} and {:.0}: common random numbers should cancel the noise",
        sd(0),
        sd(1)
    );
    // Without common random numbers (another seed for the second run) the
    // difference would have about √2 times the sd of either.
    assert!(sd(0) > 100_000.0);
}

#[test]
fn the_same_plan_twice_differs_by_nothing_and_a_better_plan_wins() {
    let base = super::scenario(&super::reference());
    let same = super::scenario(&super::reference());
    let better = variant("coverage.key.direct.hit_rate.mean", 0.55);
    let worse = variant("coverage.key.direct.hit_rate.mean", 0.35);
    let c = compare(&[base, same, better, worse], &RunOptions { iterations: 1000, seed: 9 }, &|_| {});
    assert!(c.scenarios[0].versus_first.is_none());
    let same = c.scenarios[1].versus_first.unwrap();
    assert_eq!(same.contribution_difference.mean, 0.0);
    assert_eq!(same.contribution_difference.p90, 0.0);
    assert_eq!(same.p_beats_first, 0.0, "a tie is not a win");
    let better = c.scenarios[2].versus_first.unwrap();
    assert!(better.contribution_difference.mean > 0.0);
    // P(beats) is a share of 1,000 iterations: its standard error is at most 1.6 pp.
    assert!(better.p_beats_first > 0.6, "a higher key-account hit rate mostly wins: {}", better.p_beats_first);
    let worse = c.scenarios[3].versus_first.unwrap();
    assert!(worse.contribution_difference.mean < 0.0);
    assert!(worse.p_beats_first < 0.4, "a lower hit rate mostly loses: {}", worse.p_beats_first);
}

#[test]
fn compare_prints_side_by_side_and_writes_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml");
    let b = tmp.path().join("b.toml");
    std::fs::write(
        &b,
        super::reference()
            .replace("name = \"Wholesale 2027 reference\"", "name = \"Plan B\"")
            .replace("headcount = 8", "headcount = 10"),
    )
    .unwrap();
    let out = tmp.path().join("cmp");
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["compare", reference])
        .arg(&b)
        .args(["-n", "300", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Plan B")
                .and(predicate::str::contains("P(beats first on contribution)"))
                .and(predicate::str::contains("telesales: utilisation"))
                .and(predicate::str::contains("common random numbers")),
        );
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("scenario,file,metric,value,difference_to_first\n"));
    assert!(csv.contains("Plan B,") && csv.contains(",p_beats_first,"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["scenarios"].as_array().unwrap().len(), 2);
    assert!(json["scenarios"][1]["versus_first"]["p_beats_first"].is_number());
    for f in ["compare-contribution.svg", "compare-contribution.png", "compare-key-figures.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // One invalid file: nothing runs, nothing is written.
    let bad = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bad/out_of_range.toml");
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["compare", reference, bad, "--out"])
        .arg(tmp.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was run"));
    assert!(!tmp.path().join("none").exists());
}

/// Plans in different currencies or over different horizons are refused
/// before anything runs, naming each difference and the files.
#[test]
fn compare_refuses_plans_in_other_units() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
    let out = tmp.path().join("cmp");
    Command::cargo_bin("chancap")
        .unwrap()
        .arg("compare")
        .arg(format!("{dir}reference.toml"))
        .arg(format!("{dir}saas-inside-sales.toml"))
        .arg(format!("{dir}dealer-network.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("currency: EUR in reference.toml, USD in saas-inside-sales.toml")
                .and(predicate::str::contains(
                    "horizon: 12 months in reference.toml, 18 months in saas-inside-sales.toml",
                ))
                .and(predicate::str::contains(
                    "horizon: 12 months in reference.toml, 8 quarters in dealer-network.toml",
                )),
        );
    assert!(!out.exists(), "nothing is written");
    // The same units with another period count alone is refused too.
    let b = tmp.path().join("b.toml");
    std::fs::write(&b, super::reference().replace("periods = 12", "periods = 24")).unwrap();
    let s = |p: &std::path::Path| chancap::Scenario::from_path(p).unwrap();
    let a = s(std::path::Path::new(&format!("{dir}reference.toml")));
    let why = chancap::analysis::compare::incomparable(&[a.clone(), s(&b)]).expect("differs");
    assert!(why.contains("horizon: 12 months in reference.toml, 24 months in b.toml"), "{why}");
    assert!(chancap::analysis::compare::incomparable(&[a.clone(), a.clone()]).is_none());
    // Two plans of one name are told apart by their files.
    let twin = compare(&[a.clone(), s(&b)], &RunOptions { iterations: 100, seed: 1 }, &|_| {});
    assert_eq!(twin.scenarios[0].name, "Wholesale 2027 reference (reference.toml)");
    assert_eq!(twin.scenarios[1].name, "Wholesale 2027 reference (b.toml)");
    // The currency's spelling in another case is the same currency.
    let mut lower = a.clone();
    lower.currency = "eur".into();
    assert!(chancap::analysis::compare::incomparable(&[a, lower]).is_none());
}
