//! `chancap optimise`: the best plan on a grid of decisions under constraints,
//! around the library's optimiser; this side reads the definition (flags or the
//! file's `[optimise]` table) and writes `optimise.json`, `optimise.csv` and
//! `best.toml`.

use crate::cli::args::OptimiseArgs;
use crate::cli::common::{
    Context, chart_files, default_out, output_dir, print_warnings, progress_bar, stdout, thread_pool, wrote,
};
use crate::cli::common::{Saver, json_files};
use crate::cli::error::{Failure, input, runtime};
use chancap::analysis::optimise::{
    self, Constraint, DEFAULT_BUDGET, Objective, OptimiseError, Problem, Sense, check_metric, parse_constraint,
};
use chancap::analysis::sweep::Sweep;
use chancap::model::paths::{Document, with_values};
use chancap::model::{MAX_FILE_BYTES, read_bounded};
use chancap::report;
use chancap::results::KeyFigures;
use chancap::sim::RunOptions;
use std::io::IsTerminal;
use std::time::Instant;

/// Where the search saves each candidate, for `--resume`.
const CANDIDATES_DIR: &str = "candidates";

/// A saved search candidate: the problem it belongs to and the candidate.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    problem_hash: String,
    candidate: optimise::Candidate,
}

/// The candidates an interrupted run of the same problem saved in `dir`, each
/// checked against the grid (unreadable or foreign files are run again).
fn saved(
    dir: &std::path::Path,
    hash: &str,
    problem: &Problem,
) -> std::collections::BTreeMap<usize, optimise::Candidate> {
    json_files::<Saved>(dir)
        .into_iter()
        .filter(|s| s.problem_hash == hash)
        .map(|s| s.candidate)
        .filter(|c| {
            c.point.is_some_and(|p| p < problem.grid.len() && problem.grid.point(p) == c.values)
                && c.stage == optimise::Stage::Search
                && c.constraints.len() == if c.invalid.is_some() { 0 } else { problem.constraints.len() }
        })
        .map(|c| (c.point.expect("checked"), c))
        .collect()
}

/// Largest grid searched: 10¹² plans (index arithmetic stays far inside u64).
const MAX_GRID: usize = 1_000_000_000_000;

/// Iterations per candidate during the search when `-n` is not given.
const SEARCH_ITERATIONS: u64 = 1_000;

/// The problem the flags and the file define, checked before anything runs.
fn problem(opts: &OptimiseArgs, text: &str, doc: &Document, names: &[String]) -> Result<Problem, OptimiseError> {
    let file = optimise::from_file(text)?;
    let vary = if opts.vary.is_empty() {
        file.vary.clone()
    } else {
        opts.vary.iter().map(|s| chancap::analysis::sweep::parse_set(s)).collect::<Result<Vec<_>, _>>()?
    };
    let (maximise, minimise) = if opts.maximise.is_some() || opts.minimise.is_some() {
        (opts.maximise.clone(), opts.minimise.clone())
    } else {
        (file.maximise.clone(), file.minimise.clone())
    };
    let objective = match (maximise, minimise) {
        (Some(metric), None) => Objective { metric, sense: Sense::Maximise },
        (None, Some(metric)) => Objective { metric, sense: Sense::Minimise },
        (Some(_), Some(_)) => return Err(OptimiseError::Table("give maximise or minimise, not both".into())),
        (None, None) => return Err(OptimiseError::NoGoal),
    };
    check_metric(&objective.metric, names)?;
    let texts = if opts.constraints.is_empty() { &file.constraints } else { &opts.constraints };
    let constraints: Vec<Constraint> = texts.iter().map(|t| parse_constraint(t)).collect::<Result<_, _>>()?;
    for k in &constraints {
        check_metric(&k.metric, names)?;
    }
    let grid = Sweep::new(doc, &vary, false, MAX_GRID).map_err(|e| match e {
        chancap::analysis::sweep::SweepError::TooMany { points, limit } => OptimiseError::TooLarge { points, limit },
        chancap::analysis::sweep::SweepError::Empty => OptimiseError::NoDecisions,
        other => other.into(),
    })?;
    Ok(Problem {
        grid,
        objective,
        constraints,
        iterations: opts.run.iterations.unwrap_or(SEARCH_ITERATIONS),
        seed: 0,
        budget: opts.budget.map(|b| b as usize).or(file.budget).unwrap_or(DEFAULT_BUDGET),
        confidence: opts.confidence,
    })
}

/// `chancap optimise FILE`
pub(crate) fn optimise(ctx: &Context, opts: &OptimiseArgs) -> Result<(), Failure> {
    let scenario = ctx.load(&opts.file)?;
    let talk = !opts.output.quiet && !opts.json;
    if talk {
        print_warnings(&scenario);
    }
    let text = read_bounded(&opts.file, MAX_FILE_BYTES)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| input(format!("reading {}: {e}", opts.file.display())))?;
    let doc = Document::parse(&text, &scenario.origin).map_err(input)?.with_load_options(ctx.load);
    // The metric names: the key figures' columns this scenario has a value for
    // (an online channel without an order limit has no utilisation).
    let names: Vec<String> = KeyFigures::of(&chancap::run(&scenario, &RunOptions { iterations: 1, seed: 1 }, &|_| {}))
        .columns()
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(n, _)| n)
        .collect();
    let mut problem = problem(opts, &text, &doc, &names).map_err(input)?;
    problem.seed = opts.run.seed.unwrap_or(scenario.seed);
    // The finalists get ten times the search's iterations (10,000 by default).
    let final_iterations = problem.iterations.saturating_mul(10);
    let out_path = opts.output.out.clone().unwrap_or_else(|| default_out(&opts.file, "-optimise"));
    let out_dir = output_dir(&out_path)?;

    // Everything the figures of a search candidate depend on.
    let hash = chancap::analysis::sweep::hash(&format!(
        "{};{};{:?};{:?};{}",
        chancap::analysis::sweep::hash(&text),
        problem.grid.canonical(&RunOptions { iterations: problem.iterations, seed: problem.seed }),
        problem.objective,
        problem.constraints,
        problem.confidence
    ));
    let known = if opts.resume { saved(&out_path.join(CANDIDATES_DIR), &hash, &problem) } else { Default::default() };
    let candidates_dir = output_dir(&out_path.join(CANDIDATES_DIR))?;
    let saver = Saver::new(&candidates_dir);
    let save = |c: &optimise::Candidate| {
        let saved = Saved { problem_hash: hash.clone(), candidate: c.clone() };
        let bytes = serde_json::to_vec(&saved).expect("a candidate serialises");
        saver.save(format!("{}.json", c.point.unwrap_or(usize::MAX)), bytes);
    };
    if talk && !known.is_empty() {
        eprintln!("resuming: {} candidates already evaluated", known.len());
    }
    let pool = thread_pool(opts.run.threads)?;
    let budget = problem.budget.min(problem.grid.len()) as u64;
    let bar = progress_bar(budget * problem.iterations, "iterations", talk && std::io::stderr().is_terminal());
    let start = Instant::now();
    let resume = optimise::Resume { known: &known, done: &save };
    let outcome = pool
        .install(|| optimise::optimise(&problem, &doc, final_iterations, &resume, &|n| bar.tick(n)))
        .map_err(input)?;
    bar.finish();
    saver.finish()?;
    let elapsed = start.elapsed();

    let parameters: Vec<String> = problem.grid.axes.iter().map(|a| a.path.to_string()).collect();
    let ranges: Vec<(f64, f64)> = problem
        .grid
        .axes
        .iter()
        .map(|a| a.values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v))))
        .collect();
    let setting = report::optimise::Setting {
        scenario: &scenario.name,
        parameters: &parameters,
        objective: &problem.objective,
        constraints: &problem.constraints,
        iterations: problem.iterations,
        seed: problem.seed,
        budget: problem.budget,
        confidence: problem.confidence,
        grid: problem.grid.len(),
        currency: &scenario.currency,
        ranges: &ranges,
    };
    let json = report::optimise::json(&outcome, &setting);
    let mut files = vec![
        ("optimise.json".to_string(), json.clone()),
        ("optimise.csv".to_string(), report::optimise::csv(&outcome, &setting)),
    ];
    if !opts.output.no_plots {
        let labels = report::labels::Labels::of_scenario(&scenario);
        files.extend(chart_files(report::charts::optimise(&outcome, &setting, &labels))?);
    }
    if let Some(best) = outcome.best.as_ref().filter(|b| b.point.is_some()) {
        let values: Vec<_> =
            problem.grid.axes.iter().map(|a| a.path.clone()).zip(best.values.iter().copied()).collect();
        match with_values(&text, &values) {
            Ok(toml) => files.push(("best.toml".to_string(), toml.into_bytes())),
            // The other files still say what was chosen.
            Err(e) => eprintln!("warning: best.toml not written: {e}; optimise.json has the chosen values"),
        }
    }
    out_dir.write_set_of("optimise", Some(&scenario.content_hash()), &files).map_err(runtime)?;
    if opts.json {
        return stdout(&json);
    }
    if talk {
        let mut t =
            report::optimise::text(&outcome, &setting, ctx.width, &report::labels::Labels::of_scenario(&scenario));
        let done = format!(
            "{} plans in {:.1} s on {}. {}",
            outcome.candidates,
            elapsed.as_secs_f64(),
            crate::cli::common::threads(pool.current_num_threads()),
            wrote(out_dir.path(), &files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        );
        t.push_str(&format!("\n{}\n", report::table::wrap(&done, ctx.width)));
        stdout(t.as_bytes())?;
    }
    Ok(())
}
