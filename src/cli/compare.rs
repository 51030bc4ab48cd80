//! `chancap compare`: scenarios side by side, with common random numbers.

use crate::cli::args::CompareArgs;
use crate::cli::common::output_dir;
use crate::cli::common::{Context, chart_files, print_warnings, progress_bar, run_options, stdout, thread_pool, wrote};
use crate::cli::error::Failure;
use crate::cli::error::runtime;
use chancap::report;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

/// `chancap compare A B …`
pub(crate) fn compare(ctx: &Context, opts: &CompareArgs) -> Result<(), Failure> {
    let mut scenarios = Vec::new();
    let mut invalid = 0;
    for path in &opts.files {
        match ctx.load(path) {
            Ok(s) => scenarios.push(s),
            Err(f) => {
                f.report();
                invalid += 1;
            }
        }
    }
    if invalid > 0 {
        return Err(Failure::Invalid(format!("{invalid} of {} files are invalid; nothing was run", opts.files.len())));
    }
    if let Some(why) = chancap::analysis::compare::incomparable(&scenarios) {
        return Err(Failure::Input(anyhow::anyhow!(why)));
    }
    if !opts.output.quiet {
        scenarios.iter().for_each(print_warnings);
    }
    let run_opts = run_options(&opts.run, &scenarios[0]);
    if run_opts.iterations > chancap::summary::accumulate::KEEP_LIMIT as u64 {
        return Err(Failure::Input(anyhow::anyhow!(
            "compare pairs the scenarios iteration by iteration and keeps every iteration's revenue and \
             contribution: use at most {} iterations",
            chancap::summary::accumulate::KEEP_LIMIT
        )));
    }
    let out_dir = output_dir(&opts.output.out.clone().unwrap_or_else(|| Path::new("output").join("compare")))?;
    let pool = thread_pool(opts.run.threads)?;
    let bar = progress_bar(
        run_opts.iterations * scenarios.len() as u64,
        "iterations",
        !opts.output.quiet && std::io::stderr().is_terminal(),
    );
    let start = Instant::now();
    let comparison = pool.install(|| chancap::analysis::compare::compare(&scenarios, &run_opts, &|n| bar.tick(n)));
    bar.finish();
    let elapsed = start.elapsed();
    let mut files = vec![
        ("compare.csv".to_string(), report::compare::csv(&comparison)),
        ("compare.json".to_string(), report::compare::json(&comparison)),
    ];
    if !opts.output.no_plots {
        files.extend(chart_files(report::charts::compare(&comparison))?);
    }
    out_dir.write_set("compare", &files).map_err(runtime)?;
    if !opts.output.quiet {
        let mut text = report::compare::table(&comparison).fit(ctx.width);
        let done = format!(
            "{} scenarios in {:.2} s on {}. {}",
            scenarios.len(),
            elapsed.as_secs_f64(),
            crate::cli::common::threads(pool.current_num_threads()),
            wrote(out_dir.path(), &files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        );
        text.push_str(&format!("\n{}\n", report::table::wrap(&done, ctx.width)));
        stdout(text.trim_start_matches('\n').as_bytes())?;
    }
    Ok(())
}
