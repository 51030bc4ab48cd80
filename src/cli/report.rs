//! `chancap report`: write report.html, from a new run or an earlier one's results.

use crate::cli::args::ReportArgs;
use crate::cli::common::output_dir;
use crate::cli::common::{Context, default_out, print_warnings, run_options, simulate, stdout};
use crate::cli::error::Failure;
use crate::cli::error::runtime;
use anyhow::Context as _;
use chancap::model::MAX_DATA_BYTES;
use chancap::model::Scenario;
use chancap::output::read_from_set;
use chancap::report;
use chancap::results::Results;
use chancap::sim::RunOptions;
use std::path::Path;
use std::time::Duration;

/// The date a report states: `SOURCE_DATE_EPOCH` (seconds since 1970) when set,
/// for reproducible reports, else today (UTC).
fn report_date() -> Result<String, Failure> {
    let when = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => {
            let secs: u64 = text.trim().parse().map_err(|_| {
                Failure::Input(anyhow::anyhow!(
                    "SOURCE_DATE_EPOCH is {text:?}; it must be a whole number of seconds since 1970-01-01"
                ))
            })?;
            std::time::UNIX_EPOCH + Duration::from_secs(secs)
        }
        Err(_) => std::time::SystemTime::now(),
    };
    let stamp = humantime::format_rfc3339_seconds(when).to_string();
    Ok(stamp.get(..10).unwrap_or(&stamp).to_string())
}

/// Reads an earlier run's results for the report, checking they belong to `scenario`.
fn read_results(dir: &Path, scenario: &Scenario) -> Result<Results, Failure> {
    // Only a complete set `chancap run` wrote, file for file as its manifest
    // lists them: never a mix of two runs, or one killed half-way.
    let read = |name: &str| read_from_set(dir, "run", name, MAX_DATA_BYTES).map_err(anyhow::Error::from);
    let summary = read("summary.json").map_err(Failure::Input)?;
    let mut results = report::json::parse(&summary)
        .with_context(|| format!("{} is not a chancap summary.json", dir.join("summary.json").display()))
        .map_err(Failure::Input)?;
    let dists = read("distributions.json").map_err(Failure::Input)?;
    results.distributions = report::json::parse_distributions(&dists)
        .with_context(|| format!("{} is not a chancap distributions.json", dir.join("distributions.json").display()))
        .map_err(Failure::Input)?;
    // The fingerprint of the scenario's content decides; the shape is checked
    // too, so that a hostile file cannot make the report draw 10⁹ periods.
    let cells = scenario.segments.len() * scenario.channels.len();
    let same = results.scenario.scenario_hash == scenario.content_hash()
        && results.scenario.periods == scenario.periods
        && results.segments.len() == scenario.segments.len()
        && results.channels.len() == scenario.channels.len()
        && results.cells.len() <= cells
        && results.channels.iter().all(|c| c.capacity.as_ref().is_none_or(|k| k.periods.len() == scenario.periods))
        && results.channels.iter().zip(&scenario.channels).all(|(a, b)| a.channel == b.name);
    let d = &results.distributions;
    let bins = chancap::results::HISTOGRAM_BINS;
    let sized = d.revenue.counts.len() <= bins
        && d.contribution.counts.len() <= bins
        && d.revenue_convergence.len() <= 400
        && d.contribution_convergence.len() <= 400;
    if !sized {
        return Err(Failure::Input(anyhow::anyhow!(
            "{} is not a distributions.json chancap writes (more bins or points than it draws)",
            dir.join("distributions.json").display()
        )));
    }
    if !same {
        return Err(Failure::Input(anyhow::anyhow!(
            "{} holds results of \"{}\" ({}, content {}), not of {} (\"{}\", content {}); run `chancap run {}` first",
            dir.display(),
            results.scenario.name,
            results.scenario.file,
            if results.scenario.scenario_hash.is_empty() { "unrecorded" } else { &results.scenario.scenario_hash },
            scenario.origin,
            scenario.name,
            scenario.content_hash(),
            scenario.origin
        )));
    }
    Ok(results)
}

/// `chancap report FILE`
pub(crate) fn report(ctx: &Context, opts: &ReportArgs) -> Result<(), Failure> {
    let scenario = ctx.load(&opts.file)?;
    if !opts.quiet {
        print_warnings(&scenario);
    }
    let date = report_date()?;
    // An earlier run's results are read and checked before anything is created.
    let earlier = opts.from.as_ref().map(|dir| read_results(dir, &scenario)).transpose()?;
    let out_dir = output_dir(&opts.out.clone().unwrap_or_else(|| default_out(&opts.file, "")))?;
    let results = match earlier {
        Some(results) => results,
        None => {
            let run_opts = run_options(&opts.run, &scenario);
            simulate(&scenario, &run_opts, opts.run.threads, !opts.quiet)?.results
        }
    };
    let mut charts = report::charts::all(&results).map_err(runtime)?;
    // What matters most for contribution: a short sensitivity run with the run's seed.
    let sens_opts =
        RunOptions { iterations: results.scenario.iterations.clamp(100, 1_000), seed: results.scenario.seed };
    let metric = chancap::analysis::sensitivity::Metric::Contribution;
    let sensitivity = chancap::analysis::sensitivity::analyse(&scenario, &metric, &sens_opts, &|_| {});
    charts.push(report::charts::tornado(&sensitivity, &scenario).map_err(runtime)?);
    let html = report::html::html(&report::html::Report {
        scenario: &scenario,
        results: &results,
        charts: &charts,
        date: &date,
        sensitivity: Some(&sensitivity),
    });
    let hash = scenario.content_hash();
    let written =
        out_dir.write_set_of("report", Some(&hash), &[("report.html", html.into_bytes())]).map_err(runtime)?;
    if !opts.quiet {
        let path = written.first().map_or_else(|| out_dir.path().join("report.html"), |p| p.clone());
        stdout(format!("Wrote {}\n", path.display()).as_bytes())?;
    }
    Ok(())
}
