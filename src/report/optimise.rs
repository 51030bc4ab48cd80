//! What `chancap optimise` writes and prints: `optimise.json`, `optimise.csv`
//! and the terminal summary.

use crate::analysis::optimise::{Candidate, Constraint, Objective, Outcome, Paired, Relation, Sense};
use crate::report::format::{count, money_compact, pct, plain};
use crate::report::labels::Labels;
use serde_json::{Map, Value, json};

/// What the files say about the problem besides the outcome.
pub struct Setting<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// The varied paths, in axis order.
    pub parameters: &'a [String],
    /// The goal.
    pub objective: &'a Objective,
    /// The constraints.
    pub constraints: &'a [Constraint],
    /// Iterations per candidate in the search.
    pub iterations: u64,
    /// Seed of the search.
    pub seed: u64,
    /// The budget.
    pub budget: usize,
    /// Confidence of the probability bounds.
    pub confidence: f64,
    /// Grid points.
    pub grid: usize,
    /// Currency label.
    pub currency: &'a str,
    /// Each decision's smallest and largest value on the grid.
    pub ranges: &'a [(f64, f64)],
}

fn candidate(c: &Candidate, parameters: &[String]) -> Value {
    let mut v = serde_json::to_value(c).expect("a candidate serialises");
    let values: Map<String, Value> = parameters
        .iter()
        .zip(&c.values)
        .map(|(p, x)| (p.clone(), serde_json::to_value(x).expect("a number")))
        .collect();
    v["values"] = Value::Object(values);
    v
}

/// `optimise.json`, pretty-printed, ending in a newline.
pub fn json(out: &Outcome, s: &Setting<'_>) -> Vec<u8> {
    let c = |c: &Candidate| candidate(c, s.parameters);
    let doc = json!({
        "scenario": s.scenario,
        "objective": s.objective,
        "constraints": s.constraints,
        "confidence": s.confidence,
        "parameters": s.parameters,
        "grid_points": s.grid,
        "iterations": s.iterations,
        "seed": s.seed,
        "budget": s.budget,
        "final_iterations": out.final_iterations,
        "final_seed": out.final_seed,
        "candidates": out.candidates,
        "invalid": out.invalid,
        "exhaustive": out.exhaustive,
        "start": c(&out.start),
        "best": out.best.as_ref().map(c),
        "closest": out.closest.as_ref().map(c),
        "finalists": out.finalists.iter().map(c).collect::<Vec<_>>(),
        "versus": out.versus,
        "trail": out.trail.iter().map(c).collect::<Vec<_>>(),
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("optimise output serialises");
    bytes.push(b'\n');
    bytes
}

/// `optimise.csv`: one row per evaluated candidate (the search's, then the
/// finalists' and the start's on fresh random numbers).
pub fn csv(out: &Outcome, s: &Setting<'_>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // The plan as written always runs, so some plan has figures.
    let columns = out
        .trail
        .iter()
        .chain(&out.finalists)
        .chain(std::iter::once(&out.start))
        .find_map(|c| c.figures.as_ref())
        .map(|f| f.columns());
    let mut header = vec!["stage".to_string(), "point".to_string()];
    header.extend(s.parameters.iter().cloned());
    header.extend(["iterations", "feasible", "invalid"].map(String::from));
    header.extend(columns.iter().flatten().map(|(n, _)| n.clone()));
    w.write_record(&header).expect("in memory");
    let start = std::iter::once(&out.start);
    for c in out.trail.iter().chain(&out.finalists).chain(start) {
        let stage = if c.stage == crate::analysis::optimise::Stage::Search { "search" } else { "final" };
        let mut row = vec![stage.to_string(), c.point.map_or("start".into(), |p| p.to_string())];
        row.extend(c.values.iter().map(|v| v.to_string()));
        row.push(c.iterations.to_string());
        row.push(c.feasible.to_string());
        row.push(c.invalid.clone().unwrap_or_default().replace('\n', " "));
        match &c.figures {
            Some(f) => row.extend(f.columns().into_iter().map(|(_, v)| v.map_or(String::new(), |x| x.to_string()))),
            None => row.extend(columns.iter().flatten().map(|_| String::new())),
        }
        w.write_record(&row).expect("in memory");
    }
    super::csv::finish(w)
}

/// What a metric's numbers are, for showing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A probability or a utilisation: a share, shown in per cent.
    Share,
    /// Revenue or contribution, in currency.
    Money,
    /// Anything else (FTE, hours, orders).
    Plain,
}

/// The unit of a column of `sweep.csv`.
pub(crate) fn unit(metric: &str) -> Unit {
    if crate::analysis::optimise::is_probability(metric) || metric.contains("utilization") {
        Unit::Share
    } else if metric.starts_with("revenue") || metric.starts_with("contribution") {
        Unit::Money
    } else {
        Unit::Plain
    }
}

fn metric_text(metric: &str, x: Option<f64>, currency: &str) -> String {
    match (x, unit(metric)) {
        (None, _) => "–".into(),
        (Some(x), Unit::Share) => pct(x),
        (Some(x), Unit::Money) => format!("{} {currency}", money_compact(x)),
        (Some(x), Unit::Plain) => plain(x),
    }
}

fn signed(x: f64) -> String {
    let s = money_compact(x.abs());
    if x < 0.0 { format!("−{s}") } else { format!("+{s}") }
}

/// The changes from the start to `c`, parameter by parameter in words:
/// `Telesales · headcount 8 → 11`.
fn changes(c: &Candidate, start: &Candidate, parameters: &[String], labels: &Labels) -> Vec<String> {
    parameters
        .iter()
        .zip(c.values.iter().zip(&start.values))
        .filter(|(_, (a, b))| a != b)
        .map(|(p, (a, b))| {
            let was = if b.is_nan() { "(not a plain number in the file)".to_string() } else { plain(*b) };
            format!("{} {was} → {}", labels.parameter(p), plain(*a))
        })
        .collect()
}

/// The terminal summary, its lines wrapped at `width` columns (`None`: only
/// the closing answer, at 80), the decisions in words with `labels`.
pub fn text(out: &Outcome, s: &Setting<'_>, width: Option<usize>, labels: &Labels) -> String {
    let mut t = String::new();
    let goal = match s.objective.sense {
        Sense::Maximise => "maximise",
        Sense::Minimise => "minimise",
    };
    t.push_str(&format!(
        "Optimising \"{}\": {goal} {}{}\nover {} plan{} of\n",
        s.scenario,
        s.objective.metric,
        if s.constraints.is_empty() {
            String::new()
        } else {
            format!("\nsubject to {}", constraint_list(s.constraints))
        },
        count(s.grid as f64),
        if s.grid == 1 { "" } else { "s" },
    ));
    for p in s.parameters {
        t.push_str(&format!("  {} ({p})\n", labels.parameter(p)));
    }
    t.push_str(&format!(
        "{} plan{} simulated ({}),\n{} iterations each on common random numbers; {} invalid.\n\n",
        count(out.candidates as f64),
        if out.candidates == 1 { "" } else { "s" },
        if out.exhaustive {
            "the whole grid".to_string()
        } else {
            format!("compass search, budget {}", count(s.budget as f64))
        },
        count(s.iterations as f64),
        count(out.invalid as f64)
    ));
    let Some(best) = &out.best else {
        t.push_str("No plan meets every constraint.");
        if let Some(c) = &out.closest {
            t.push_str(" The closest (the least violation):\n");
            for line in changes(c, &out.start, s.parameters, labels) {
                t.push_str(&format!("  {line}\n"));
            }
            t.push_str(&constraint_lines(c, s));
        } else {
            t.push('\n');
        }
        return super::table::wrap(&t, width);
    };
    t.push_str(&format!(
        "Chosen plan, checked again on a fresh seed with {} iterations\nagainst the plan as written:\n",
        count(out.final_iterations as f64)
    ));
    let moves = changes(best, &out.start, s.parameters, labels);
    if moves.is_empty() {
        t.push_str("  the plan as written is already the best on this grid\n");
    }
    for line in &moves {
        t.push_str(&format!("  {line}\n"));
    }
    // A value at the end of its range: the best may lie beyond it.
    for ((p, v), (lo, hi)) in s.parameters.iter().zip(&best.values).zip(s.ranges) {
        if best.point.is_some() && lo < hi && (v == lo || v == hi) {
            t.push_str(&format!("  note: {} ends the range of {}: widen it\n", plain(*v), labels.parameter(p)));
        }
    }
    t.push_str(&format!(
        "  {}: {} (plan as written {})\n",
        s.objective.metric,
        metric_text(&s.objective.metric, best.objective, s.currency),
        metric_text(&s.objective.metric, out.start.objective, s.currency)
    ));
    t.push_str(&constraint_lines(best, s));
    let binding = binding(out, best, s);
    if !binding.is_empty() {
        t.push_str(&format!("  Binding (a better plan evaluated fails it): {}\n", binding.join(", ")));
    }
    if !out.start.feasible && !s.constraints.is_empty() {
        t.push_str("  The plan as written does not meet the constraints:\n");
        t.push_str(&constraint_lines(&out.start, s).replace("\n  ", "\n    ").replacen("  ", "    ", 1));
    }
    // The paired comparisons: the start, the runner-up, and a line per other
    // finalist.
    for v in out.versus.iter().take(2) {
        t.push_str(&versus_line(v, out, s));
    }
    if out.finalists.len() > 2 {
        t.push_str("  The other finalists (fresh random numbers):\n");
        for (c, v) in out.finalists.iter().skip(2).zip(out.versus.iter().skip(2)) {
            t.push_str(&format!(
                "    {}: {}; chosen {} {currency} (± {}), ahead in {}\n",
                values_text(&c.values),
                metric_text(&s.objective.metric, c.objective, s.currency),
                signed(v.contribution),
                money_compact(v.contribution_95),
                pct(v.p_beats),
                currency = s.currency
            ));
        }
    }
    let prose = width.map_or(80, |w| w.min(80));
    t.push_str(&format!(
        "\n{}\n",
        textwrap::fill(&format!("Answer: {}", answer(out, best, s, labels)), super::table::unbroken(prose))
    ));
    super::table::wrap(&t, width)
}

/// The constraints that cut off a plan the search found better.
fn binding(out: &Outcome, best: &Candidate, s: &Setting<'_>) -> Vec<String> {
    let Some(point) = best.point else { return Vec::new() };
    let Some(searched) = out.trail.iter().find(|c| c.point == Some(point)).and_then(|c| c.objective) else {
        return Vec::new();
    };
    let better = |c: &Candidate| {
        c.objective.is_some_and(|v| match s.objective.sense {
            Sense::Maximise => v > searched,
            Sense::Minimise => v < searched,
        })
    };
    s.constraints
        .iter()
        .enumerate()
        .filter(|(k, _)| out.trail.iter().any(|c| better(c) && c.constraints.get(*k).is_some_and(|j| !j.holds)))
        .map(|(_, c)| c.metric.clone())
        .collect()
}

/// One sentence: what to change and what it buys.
fn answer(out: &Outcome, best: &Candidate, s: &Setting<'_>, labels: &Labels) -> String {
    let mut moves: Vec<String> = s
        .parameters
        .iter()
        .zip(best.values.iter().zip(&out.start.values))
        .filter(|(_, (a, b))| a != b)
        .map(|(p, (a, b))| describe(p, *a, *b, labels))
        .collect();
    if moves.is_empty() {
        moves.push("keep the plan as written".into());
    }
    let mut text = moves.join(", ");
    if best.point.is_none() {
        // The plan as written, off the grid, beats every plan on it.
        if let Some(v) = out.versus.first() {
            text.push_str(&format!(
                ": it beats the best plan of the grid by {} {} (±\u{a0}{}) of contribution",
                signed(v.contribution),
                s.currency,
                money_compact(v.contribution_95)
            ));
        }
    } else if let Some(v) = out.versus.first() {
        text.push_str(&format!(
            ": contribution {} {} (±\u{a0}{}) against the plan as written",
            signed(v.contribution),
            s.currency,
            money_compact(v.contribution_95)
        ));
    }
    for (k, j) in s.constraints.iter().zip(&best.constraints) {
        text.push_str(&format!(", {} {}", k.metric, metric_text(&k.metric, j.estimate, s.currency)));
    }
    text.push('.');
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// A change of one decision in words: `add 3 telesales people`.
fn describe(path: &str, new: f64, old: f64, labels: &Labels) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let delta = new - old;
    let more = |what: &str| {
        if delta > 0.0 { format!("add {} {what}", plain(delta)) } else { format!("remove {} {what}", plain(-delta)) }
    };
    match parts.as_slice() {
        _ if old.is_nan() => format!("set {} to {}", labels.parameter(path), plain(new)),
        ["channels", c, "headcount"] => more(&format!("{} people", labels.channel(c))),
        ["channels", c, "partners"] => more(&format!("{} partners", labels.channel(c))),
        ["coverage", seg, ch, "share"] => format!(
            "route {} % of {} opportunities to {} (was {} %)",
            plain(new * 100.0),
            labels.segment(seg),
            labels.channel(ch),
            plain(old * 100.0)
        ),
        _ => format!("set {} to {} (was {})", labels.parameter(path), plain(new), plain(old)),
    }
}

fn constraint_list(constraints: &[Constraint]) -> String {
    constraints
        .iter()
        .map(|k| format!("{} {} {}", k.metric, if k.relation == Relation::AtMost { "≤" } else { "≥" }, plain(k.limit)))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn constraint_lines(c: &Candidate, s: &Setting<'_>) -> String {
    let mut t = String::new();
    for (k, j) in s.constraints.iter().zip(&c.constraints) {
        let bound = if crate::analysis::optimise::is_probability(&k.metric) {
            format!(", {} % bound {}", plain(s.confidence * 100.0), metric_text(&k.metric, j.bound, s.currency))
        } else {
            String::new()
        };
        t.push_str(&format!(
            "  {} {} {}: {}{bound} — {}\n",
            k.metric,
            if k.relation == Relation::AtMost { "≤" } else { "≥" },
            metric_text(&k.metric, Some(k.limit), s.currency),
            metric_text(&k.metric, j.estimate, s.currency),
            if j.holds { "holds" } else { "fails" }
        ));
    }
    t
}

/// A plan's values, in axis order: `16, 18, 0.5`.
fn values_text(values: &[f64]) -> String {
    values.iter().map(|v| plain(*v)).collect::<Vec<_>>().join(", ")
}

fn versus_line(v: &Paired, out: &Outcome, s: &Setting<'_>) -> String {
    let currency = s.currency;
    let values = |p: usize| out.finalists.iter().find(|c| c.point == Some(p)).map(|c| values_text(&c.values));
    let other = match v.point {
        None => "the plan as written".to_string(),
        Some(p) => format!("the runner-up ({})", values(p).unwrap_or_else(|| format!("point {p}"))),
    };
    let unclear = if v.contribution.abs() <= v.contribution_95 { " — not distinguishable at 95 %" } else { "" };
    // The objective's own difference, when it is not mean contribution (whose
    // paired interval is the first line).
    let metric = &s.objective.metric;
    let objective = match v.objective_gain {
        Some(g) if metric != "contribution_mean" => {
            let shown = metric_text(metric, Some(g.abs()), currency);
            format!("    {metric}: {} {shown} (estimate)\n", if g >= 0.0 { "better by" } else { "worse by" })
        }
        _ => String::new(),
    };
    format!(
        "  vs {other}:\n{objective}    contribution {} {currency} (95 % ± {}){unclear}\n    revenue {} {currency} (± \
         {}); higher contribution in {} of the\n    fresh iterations\n",
        signed(v.contribution),
        money_compact(v.contribution_95),
        signed(v.revenue),
        money_compact(v.revenue_95),
        pct(v.p_beats)
    )
}
