//! `chancap sensitivity`: the tornado and the rank correlations of one metric.

use crate::cli::args::SensitivityArgs;
use crate::cli::common::output_dir;
use crate::cli::common::{Context, chart_files, default_out, print_warnings, progress_bar, stdout, thread_pool, wrote};
use crate::cli::error::Failure;
use crate::cli::error::runtime;
use chancap::report;
use chancap::sim::RunOptions;
use std::io::IsTerminal;
use std::time::Instant;

/// `chancap sensitivity FILE`
pub(crate) fn sensitivity(ctx: &Context, opts: &SensitivityArgs) -> Result<(), Failure> {
    use chancap::analysis::sensitivity::{DEFAULT_ITERATIONS, Metric, analyse, runs};
    let scenario = ctx.load(&opts.file)?;
    if !opts.output.quiet {
        print_warnings(&scenario);
    }
    let metric = Metric::parse(&scenario, &opts.metric).map_err(|e| Failure::Input(anyhow::anyhow!(e)))?;
    let run_opts = RunOptions {
        iterations: opts.run.iterations.unwrap_or(DEFAULT_ITERATIONS),
        seed: opts.run.seed.unwrap_or(scenario.seed),
    };
    let out_path = opts.output.out.clone().unwrap_or_else(|| default_out(&opts.file, "-sensitivity"));
    let out_dir = output_dir(&out_path)?;
    let pool = thread_pool(opts.run.threads)?;
    let bar = progress_bar(
        runs(&scenario) * run_opts.iterations,
        "iterations",
        !opts.output.quiet && std::io::stderr().is_terminal(),
    );
    let start = Instant::now();
    let result = pool.install(|| analyse(&scenario, &metric, &run_opts, &|n| bar.tick(n)));
    bar.finish();
    let elapsed = start.elapsed();
    let mut files = report::sensitivity::files(&result);
    if !opts.output.no_plots {
        files.extend(chart_files(report::charts::tornado(&result, &scenario).map(|c| vec![c]))?);
    }
    // One set per metric, so that the analyses of several metrics of the plan share a directory.
    out_dir.write_set_of(&set_name(&result.metric), Some(&scenario.content_hash()), &files).map_err(runtime)?;
    if !opts.output.quiet {
        let mut text =
            report::sensitivity::table(&result, &report::labels::Labels::of_scenario(&scenario)).fit(ctx.width);
        if result.correlated_inputs {
            let note = "Note: the file correlates some inputs, so their rank correlations overlap and the variance \
                        shares are only indicative.";
            text.push_str(&format!("{}\n", report::table::wrap(note, ctx.width)));
        }
        let n_runs = runs(&scenario);
        let done = format!(
            "{n_runs} run{} in {:.1} s on {}. {}",
            if n_runs == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            crate::cli::common::threads(pool.current_num_threads()),
            wrote(out_dir.path(), &files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        );
        text.push_str(&format!("\n{}\n", report::table::wrap(&done, ctx.width)));
        stdout(text.trim_start_matches('\n').as_bytes())?;
    }
    Ok(())
}

/// The output set of one metric's analysis: `sensitivity-contribution`.
pub(crate) fn set_name(metric: &str) -> String {
    chancap::report::sensitivity::file_name(metric, "").trim_end_matches('.').to_string()
}
