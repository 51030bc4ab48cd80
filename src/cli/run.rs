//! `chancap run`: simulate a scenario, print the report, write the data files and charts.

use crate::cli::args::RunArgs;
use crate::cli::common::output_dir;
use crate::cli::common::{
    Context, Simulated, chart_files, default_out, print_warnings, run_options, simulate, stdout, thread_pool, wrote,
};
use crate::cli::error::Failure;
use crate::cli::error::runtime;
use chancap::report;
use std::time::Instant;

/// `chancap run FILE`
pub(crate) fn run(ctx: &Context, opts: &RunArgs) -> Result<(), Failure> {
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
        Some(relative) => {
            let pool = thread_pool(opts.run.threads)?;
            let start = Instant::now();
            let target = chancap::Precision { relative, max_iterations: opts.max_iterations };
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
        let mut text = report::table::report(&results, &note);
        text.push_str(&precision_note);
        if let Some(dir) = &out_dir {
            text.push_str(&format!("\n{}\n", wrote(dir.path(), &written)));
        }
        stdout(text.as_bytes())?;
    }
    Ok(())
}
