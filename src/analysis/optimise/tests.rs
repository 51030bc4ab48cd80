//! The optimiser against closed forms: the newsvendor staffing optimum, with
//! and without a chance constraint; the search within a budget; resume.

use super::*;

#[test]
fn constraints_parse_and_refuse() {
    assert_eq!(
        parse_constraint("telesales_p_shortfall <= 0.05").unwrap(),
        Constraint { metric: "telesales_p_shortfall".into(), relation: Relation::AtMost, limit: 0.05 }
    );
    assert_eq!(parse_constraint(" p_target_revenue>=0.5 ").unwrap().relation, Relation::AtLeast);
    for bad in ["x < 3", "x <= ", "<= 3", "x <= nan", "x = 3"] {
        assert!(parse_constraint(bad).is_err(), "{bad}");
    }
    let names = vec!["contribution_mean".to_string(), "telesales_p_shortfall".to_string()];
    let e = check_metric("contribution_men", &names).unwrap_err().to_string();
    assert!(e.contains("did you mean `contribution_mean`"), "{e}");
}

/// The Wilson bound: for p̂ = 0.5 of 100 at z = 1.645, 0.5 ± 0.0805 (from
/// its formula by hand); at p̂ = 0 the upper bound is z²/(n + z²).
#[test]
fn wilson_bounds() {
    let (lo, hi) = (wilson(0.5, 100.0, 1.645, false), wilson(0.5, 100.0, 1.645, true));
    let half = 1.645 * (0.25 / 100.0 + 1.645f64.powi(2) / 40_000.0).sqrt() / (1.0 + 1.645f64.powi(2) / 100.0);
    assert!((hi - 0.5 - half).abs() < 1e-12 && (0.5 - lo - half).abs() < 1e-12);
    assert!((wilson(0.0, 1000.0, 1.645, true) - 1.645f64.powi(2) / (1000.0 + 1.645f64.powi(2))).abs() < 1e-12);
    assert_eq!(wilson(0.0, 1000.0, 1.645, false), 0.0);
}

/// One month of a field force: 1,200 accounts with one opportunity a year
/// each give demand D ~ Poisson(100) a month; every person sells 10 (100
/// hours at 10 hours each) for 10,000 a month; every served opportunity is
/// won for 2,000. Served S ~ Binomial(D, min(1, 10q / D)), so
/// E[contribution(q)] = 2,000 · E[min(D, 10q)] − 10,000 · q, the
/// newsvendor's, and E[min(D, m)] = Σ_{k<m} P(D > k).
const STAFFING: &str = r#"
[scenario]
name = "staffing"
periods = 1

[[segments]]
name = "all"
accounts = 1200
opportunities_per_account = 1
deal_size = 2000
gross_margin = 1

[channels.field]
kind = "direct"
headcount = 6
hours_per_fte = 1200
cost_per_fte = 120000

[[coverage]]
segment = "all"
channel = "field"
share = 1
hit_rate = 1
hours_per_opportunity = 10
"#;

/// P(D > k) for D ~ Poisson(λ), k = 0, 1, …, up to `n` terms.
fn poisson_tail(lambda: f64, n: usize) -> Vec<f64> {
    let mut pmf = (-lambda).exp();
    let mut cdf = 0.0;
    (0..n)
        .map(|k| {
            if k > 0 {
                pmf *= lambda / k as f64;
            }
            cdf += pmf;
            1.0 - cdf
        })
        .collect()
}

/// No earlier run.
fn fresh() -> Resume<'static> {
    static NONE: BTreeMap<usize, Candidate> = BTreeMap::new();
    Resume { known: &NONE, done: &|_| {} }
}

fn staffing(constraints: Vec<Constraint>, seed: u64) -> Outcome {
    let doc = Document::parse(STAFFING, "staffing.toml").unwrap();
    let grid = Sweep::new(&doc, &[("channels.field.headcount".into(), "5..15:1".into())], false, 100).unwrap();
    let problem = Problem {
        grid,
        objective: Objective { metric: "contribution_mean".into(), sense: Sense::Maximise },
        constraints,
        iterations: 2_000,
        seed,
        budget: 100,
        confidence: 0.95,
    };
    optimise(&problem, &doc, 4_000, &fresh(), &|_| {}).unwrap()
}

/// The closed-form optimum is found across seeds, with and without a chance
/// constraint on the shortfall.
#[test]
fn the_newsvendor_staffing_optimum_is_found() {
    let tail = poisson_tail(100.0, 400);
    let value = |q: usize| 2_000.0 * tail[..10 * q].iter().sum::<f64>() - 10_000.0 * q as f64;
    let best = (5..=15).max_by(|&a, &b| value(a).total_cmp(&value(b))).unwrap();
    // P(shortfall) = P(D > 10q) ≤ 0.2: the best of the staffing levels that
    // meet it (none lies near 0.2, so the confidence bound agrees).
    let allowed = |q: usize| tail[10 * q] <= 0.2;
    assert!((5..=15).all(|q| (tail[10 * q] - 0.2).abs() > 0.03));
    let constrained = (5..=15).filter(|&q| allowed(q)).max_by(|&a, &b| value(a).total_cmp(&value(b))).unwrap();
    assert_ne!(best, constrained, "the constraint binds");
    let shortfall = Constraint { metric: "field_p_shortfall".into(), relation: Relation::AtMost, limit: 0.2 };
    for seed in [1, 2, 3] {
        let out = staffing(Vec::new(), seed);
        assert!(out.exhaustive && out.candidates == 11);
        assert_eq!(out.best.as_ref().unwrap().values, [best as f64], "seed {seed}");
        let out = staffing(vec![shortfall.clone()], seed);
        let chosen = out.best.as_ref().unwrap();
        assert_eq!(chosen.values, [constrained as f64], "seed {seed}");
        assert!(
            chosen.constraints[0].holds
                && chosen.constraints[0].bound.unwrap() >= chosen.constraints[0].estimate.unwrap()
        );
        // Against the plan as written (6 people): a paired gain, with its interval.
        let v = &out.versus[0];
        assert_eq!(v.point, None);
        let exact = value(constrained) - value(6);
        assert!(
            (v.contribution - exact).abs() <= 4.0 * v.contribution_95 / 1.96 + 1.0,
            "{} vs {exact}",
            v.contribution
        );
    }
    // Nothing meets an impossible constraint: no best, the closest named.
    let impossible = Constraint { metric: "field_p_shortfall".into(), relation: Relation::AtMost, limit: 0.0 };
    let out = staffing(vec![impossible], 1);
    assert!(out.best.is_none());
    // The least violating: no shortfall seen (at 14 and 15 people alike),
    // then the better objective.
    let closest = out.closest.as_ref().unwrap();
    assert_eq!(closest.values, [14.0]);
    assert_eq!(closest.constraints[0].estimate, Some(0.0));
}

/// A grid larger than the budget is searched, not enumerated, and the
/// search finds the optimum of a smooth problem within the budget; the
/// same seed gives the same trail.
#[test]
fn a_large_grid_is_searched_within_the_budget() {
    let doc = Document::parse(STAFFING, "staffing.toml").unwrap();
    let sets = [
        ("channels.field.headcount".to_string(), "1..40:1".to_string()),
        ("channels.field.cost_per_fte".to_string(), "100000..140000:1000".to_string()),
    ];
    let grid = Sweep::new(&doc, &sets, false, 100_000).unwrap();
    let problem = Problem {
        grid,
        objective: Objective { metric: "contribution_mean".into(), sense: Sense::Maximise },
        constraints: Vec::new(),
        iterations: 500,
        seed: 7,
        budget: 60,
        confidence: 0.95,
    };
    let saved = std::sync::Mutex::new(BTreeMap::new());
    let save = |c: &Candidate| {
        saved.lock().unwrap().insert(c.point.unwrap(), c.clone());
    };
    let a = optimise(&problem, &doc, 1_000, &Resume { known: &BTreeMap::new(), done: &save }, &|_| {}).unwrap();
    assert!(!a.exhaustive && a.candidates == 60);
    // The cheapest people; at 100,000 a year the newsvendor's best is 10.
    assert_eq!(a.best.as_ref().unwrap().values, [10.0, 100_000.0]);
    let b = optimise(&problem, &doc, 1_000, &fresh(), &|_| {}).unwrap();
    assert_eq!(a, b);
    // Resumed from the first 25 evaluations an interrupted run saved: the
    // same answer and trail, with only the rest simulated.
    let mut known = saved.into_inner().unwrap();
    assert_eq!(known.len(), 60);
    let first: Vec<usize> = a.trail.iter().take(25).map(|c| c.point.unwrap()).collect();
    known.retain(|p, _| first.contains(p));
    let ran = std::sync::atomic::AtomicUsize::new(0);
    let count = |_: &Candidate| {
        ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let c = optimise(&problem, &doc, 1_000, &Resume { known: &known, done: &count }, &|_| {}).unwrap();
    assert_eq!(a, c);
    assert_eq!(ran.into_inner(), 35);
}
