//! Correlated inputs: the rank correlations written are achieved, marginals are
//! untouched, correlation moves the output's spread the right way, and bad or
//! inconsistent correlations are refused (or repaired on request).

use chancap::analysis::sensitivity::spearman;
use chancap::model::{LoadOptions, Scenario};
use chancap::sim::{self, RunOptions, plan::Plan};

fn with(correlations: &str) -> String {
    format!("{}\n{correlations}", super::reference())
}

fn pair(a: &str, b: &str, rank: f64) -> String {
    format!("[[correlations]]\nbetween = [\"{a}\", \"{b}\"]\nrank = {rank}\n")
}

/// The values two inputs take over `n` iterations.
fn draws(s: &Scenario, a: &str, b: &str, n: u64) -> (Vec<f64>, Vec<f64>) {
    let plan = Plan::new(s);
    let ia = s.params.iter().position(|p| p.path == a).unwrap();
    let ib = s.params.iter().position(|p| p.path == b).unwrap();
    let mut theta = vec![0.0; s.params.len()];
    let (mut xa, mut xb) = (Vec::new(), Vec::new());
    for i in 0..n {
        sim::draw_params(s, &plan, 7, i, &mut theta);
        xa.push(theta[ia]);
        xb.push(theta[ib]);
    }
    (xa, xb)
}

const GROWTH: &str = "scenario.market_growth";
const HIT: &str = "coverage.key.direct.hit_rate";

#[test]
fn the_rank_correlations_written_are_achieved() {
    for target in [-0.9, -0.3, 0.3, 0.9] {
        let s = super::scenario(&with(&pair(GROWTH, HIT, target)));
        let (x, y) = draws(&s, GROWTH, HIT, 20_000);
        let achieved = spearman(&x, &y);
        assert!((achieved - target).abs() <= 0.03, "target {target}: achieved {achieved:.4}");
    }
    // Without a correlation the two are independent.
    let s = super::scenario(&super::reference());
    let (x, y) = draws(&s, GROWTH, HIT, 20_000);
    assert!(spearman(&x, &y).abs() < 0.03);
}

#[test]
fn marginals_stay_as_specified() {
    let plain = super::scenario(&super::reference());
    let correlated = super::scenario(&with(&pair(GROWTH, HIT, 0.8)));
    let n = 20_000;
    let (g0, h0) = draws(&plain, GROWTH, HIT, n);
    let (g1, h1) = draws(&correlated, GROWTH, HIT, n);
    for (name, a, b, dist) in [
        ("growth", &g0, &g1, &plain.params.iter().find(|p| p.path == GROWTH).unwrap().dist),
        ("hit rate", &h0, &h1, &plain.params.iter().find(|p| p.path == HIT).unwrap().dist),
    ] {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let sd = (a.iter().map(|x| (x - mean(a)).powi(2)).sum::<f64>() / (a.len() - 1) as f64).sqrt();
        let se = sd / (n as f64).sqrt();
        assert!((mean(b) - dist.mean()).abs() < 4.0 * se, "{name}: mean {} vs {}", mean(b), dist.mean());
        // Percentiles: the share below the distribution's own quantiles.
        let mut sorted = b.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [0.1, 0.5, 0.9] {
            let share = sorted.partition_point(|x| *x <= dist.quantile(p)) as f64 / n as f64;
            assert!((share - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "{name}: P{p} share {share}");
        }
    }
}

/// Two segments whose opportunity rates are uncertain; their opportunities add up.
const TWO_SEGMENTS: &str = r#"
[scenario]
name = "two"
periods = 12

[[segments]]
name = "a"
accounts = 1000
opportunities_per_account = { dist = "triangular", min = 2, mode = 4, max = 6 }
deal_size = 1000

[[segments]]
name = "b"
accounts = 1000
opportunities_per_account = { dist = "uniform", min = 2, max = 6 }
deal_size = 1000

[channels.web]
kind = "online"

[[coverage]]
segment = "a"
channel = "web"
share = 1
hit_rate = 0.1

[[coverage]]
segment = "b"
channel = "web"
share = 1
hit_rate = 0.1
"#;

#[test]
fn correlation_of_inputs_that_add_up_widens_or_narrows_the_output() {
    let (a, b) = ("segments.a.opportunities_per_account", "segments.b.opportunities_per_account");
    let sd = |extra: String| {
        let s = super::scenario(&format!("{TWO_SEGMENTS}\n{extra}"));
        chancap::run(&s, &RunOptions { iterations: 4000, seed: 3 }, &|_| {}).totals.opportunities.sd
    };
    let (independent, positive, negative) = (sd(String::new()), sd(pair(a, b, 0.9)), sd(pair(a, b, -0.9)));
    // Var(A + B) = Var A + Var B ± 2 ρ sd A sd B: about ±90 % of the independent variance here.
    assert!(positive > independent * 1.2, "positive {positive:.1} vs independent {independent:.1}");
    assert!(negative < independent * 0.6, "negative {negative:.1} vs independent {independent:.1}");
}

fn problems(text: &str) -> String {
    match Scenario::from_toml_str(text, "c.toml") {
        Ok(_) => panic!("should be refused"),
        Err(d) => d.to_string(),
    }
}

#[test]
fn bad_correlations_are_refused_with_a_reason() {
    let e = problems(&with(&pair("scenario.market_grwth", HIT, 0.5)));
    assert!(e.contains("not an uncertain field") && e.contains("did you mean `scenario.market_growth`"), "{e}");
    let e = problems(&with(&pair("segments.medium.opportunities_per_account", HIT, 0.5)));
    assert!(e.contains("fixed number"), "{e}");
    let e = problems(&with(&pair("segments.key.deal_size", HIT, 0.5)));
    assert!(e.contains("drawn once per deal"), "{e}");
    let e = problems(&with(&pair(GROWTH, HIT, 1.5)));
    assert!(e.contains("between −1 and 1"), "{e}");
    let e = problems(&with(&(pair(GROWTH, HIT, 0.5) + &pair(HIT, GROWTH, 0.2))));
    assert!(e.contains("correlated twice"), "{e}");
    let e = problems(&with(&pair(GROWTH, GROWTH, 0.5)));
    assert!(e.contains("with itself"), "{e}");
}

#[test]
fn an_inconsistent_matrix_is_refused_or_repaired() {
    let c = "coverage.large.direct.hit_rate";
    let text = with(&(pair(GROWTH, HIT, 0.9) + &pair(HIT, c, 0.9) + &pair(GROWTH, c, -0.9)));
    let e = problems(&text);
    assert!(e.contains("cannot all hold at once") && e.contains("--repair-correlations"), "{e}");
    assert!(e.contains(GROWTH) && e.contains(c), "names the pairs: {e}");
    let s = Scenario::from_toml_str_with(&text, "c.toml", LoadOptions { repair_correlations: true }).unwrap();
    let warning = s.warnings.iter().find(|w| w.message.contains("nearest valid matrix")).expect("a warning");
    assert!(warning.message.contains("0.900 →"), "{}", warning.message);
    // The repaired matrix is used: every pair moved towards consistency and runs.
    assert!(s.correlations.iter().all(|c| c.rank.abs() < 0.9));
    chancap::run(&s, &RunOptions { iterations: 200, seed: 1 }, &|_| {});
}

#[test]
fn the_command_line_refuses_or_repairs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("inconsistent.toml");
    let c = "coverage.large.direct.hit_rate";
    std::fs::write(&file, with(&(pair(GROWTH, HIT, 0.9) + &pair(HIT, c, 0.9) + &pair(GROWTH, c, -0.9)))).unwrap();
    let cmd = || assert_cmd::Command::cargo_bin("chancap").unwrap();
    cmd().arg("check").arg(&file).assert().code(2).stderr(predicates::str::contains("cannot all hold at once"));
    cmd()
        .args(["check", "--repair-correlations"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains("nearest valid matrix"));
    cmd()
        .args(["run", "-n", "100", "-q", "--no-plots", "--repair-correlations", "--out"])
        .arg(tmp.path().join("o"))
        .arg(&file)
        .assert()
        .success();
}
