//! `chancap run`: simulate a scenario, print the report, write the data files and charts.

use crate::cli::args::{RunArgs, Share};
use crate::cli::common::output_dir;
use crate::cli::common::{
    Context, Simulated, chart_files, default_out, print_warnings, run_options, simulate, stdout, thread_pool, wrote,
};
use crate::cli::error::Failure;
use crate::cli::error::{input, runtime};
use chancap::report;
use std::time::Instant;

/// Where `--precision` stops without `--max-iterations`.
const DEFAULT_MAX_ITERATIONS: u64 = 1_000_000;

/// A share of the mean at or above which `--precision` written without `%`
/// is probably a percentage meant (`0.5` for 0.5 %), and is said up front.
const LOOSE_PRECISION: f64 = 0.1;

/// Refuses `--max-iterations` without `--precision`, and warns when a
/// precision written without `%` asks for a margin of 10 % of the mean or more.
fn check_precision(opts: &RunArgs) -> Result<(), Failure> {
    match opts.precision {
        None if opts.max_iterations.is_some() => Err(input(
            "--max-iterations only bounds a --precision run, and this run has no --precision: add --precision \
             (e.g. --precision 0.5%), or give the number of iterations with --iterations",
        )),
        Some(Share { value, percent: false }) if value >= LOOSE_PRECISION && !opts.output.quiet => {
            let p = report::format::plain(value * 100.0);
            eprintln!(
                "warning: --precision {} asks for a 95 % margin of {p} % of the mean; for {} % write --precision {}%",
                report::format::plain(value),
                report::format::plain(value),
                report::format::plain(value)
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `chancap run FILE`
pub(crate) fn run(ctx: &Context, opts: &RunArgs) -> Result<(), Failure> {
    check_precision(opts)?;
    let mut scenario = ctx.load(&opts.file)?;
    if opts.sampling == "lhs" {
        scenario.sampling = chancap::model::Sampling::LatinHypercube;
        let n = opts.run.iterations.unwrap_or(scenario.iterations);
        if n > chancap::sim::LHS_MAX {
            return Err(Failure::Input(anyhow::anyhow!(
                "--sampling lhs holds its strata in memory: use at most {} iterations",
                chancap::sim::LHS_MAX
            )));
        }
    }
    let run_opts = run_options(&opts.run, &scenario);
    let talk = !opts.output.quiet && !opts.json;
    if !opts.output.quiet {
        print_warnings(&scenario);
    }

    // Check the output directory before the long part.
    let out_path = match (&opts.output.out, opts.json) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(default_out(&opts.file, "")),
        (None, true) => None,
    };
    let out_dir = match &out_path {
        Some(p) => Some(output_dir(p)?),
        None => None,
    };

    let mut precision_note = String::new();
    let sim = match opts.precision {
        None => simulate(&scenario, &run_opts, opts.run.threads, !opts.output.quiet)?,
        Some(Share { value: relative, .. }) => {
            let pool = thread_pool(opts.run.threads)?;
            let start = Instant::now();
            let max_iterations = opts.max_iterations.unwrap_or(DEFAULT_MAX_ITERATIONS);
            let target = chancap::Precision { relative, max_iterations };
            let out = pool.install(|| chancap::run_to_precision(&scenario, run_opts.seed, target, &|_| {}));
            precision_note = format!(
                "Precision: the 95 % margin of mean revenue is {:.2} % and of mean contribution {:.2} % of the mean \
                 after {} iterations ({}target {:.2} %).\n",
                out.reached[0] * 100.0,
                out.reached[1] * 100.0,
                report::format::count(out.iterations as f64),
                if out.met { "" } else { "--max-iterations reached before the " },
                relative * 100.0
            );
            Simulated { results: out.results, elapsed: start.elapsed(), threads: pool.current_num_threads() }
        }
    };
    let results = sim.results;

    let summary = report::json::summary(&results);
    let mut written = Vec::new();
    if let Some(dir) = &out_dir {
        let mut files = vec![
            ("summary.json".to_string(), summary.clone()),
            ("distributions.json".to_string(), report::json::distributions(&results)),
            ("cells.csv".to_string(), report::csv::cells(&results)),
            ("capacity.csv".to_string(), report::csv::capacity(&results)),
        ];
        if !opts.output.no_plots {
            files.extend(chart_files(report::charts::all(&results))?);
        }
        dir.write_set_of("run", Some(&results.scenario.scenario_hash), &files).map_err(runtime)?;
        written = files.into_iter().map(|(n, _)| n).collect();
    }
    if opts.json {
        return stdout(&summary);
    }
    if talk {
        let note = format!(
            "engine {:.2} s on {} thread{}",
            sim.elapsed.as_secs_f64(),
            sim.threads,
            if sim.threads == 1 { "" } else { "s" }
        );
        let mut text = report::table::report(&results, &note, ctx.width);
        text.push_str(&report::table::wrap(&precision_note, ctx.width));
        if let Some(dir) = &out_dir {
            text.push_str(&format!("\n{}\n", report::table::wrap(&wrote(dir.path(), &written), ctx.width)));
        }
        stdout(text.as_bytes())?;
    }
    Ok(())
}
