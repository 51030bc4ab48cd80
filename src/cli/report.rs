//! `chancap report`: write report.html, from a new run or an earlier one's results.

use crate::cli::args::ReportArgs;
use crate::cli::common::output_dir;
use crate::cli::common::{Context, default_out, print_warnings, run_options, simulate, stdout};
use crate::cli::error::Failure;
use crate::cli::error::runtime;
use anyhow::Context as _;
use chancap::analysis::sensitivity::{DEFAULT_ITERATIONS, Metric, Sensitivity, analyse, runs};
use chancap::model::MAX_DATA_BYTES;
use chancap::model::Scenario;
use chancap::output::{SetError, read_from_set};
use chancap::report;
use chancap::results::Results;
use chancap::sim::RunOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The numbers of the report's tornado, written beside `report.html` in the
/// format of `sensitivity-contribution.json`.
const TORNADO: &str = "tornado-contribution.json";

/// An earlier analysis of contribution of `scenario` in `dir`, with the file it
/// was read from: the `sensitivity` command's set, then an earlier report's
/// tornado. Else the reasons the files that are there were not used.
fn earlier_tornado(dir: &Path, scenario: &Scenario) -> Result<(Sensitivity, PathBuf), Vec<String>> {
    let metric = "contribution";
    let json = report::sensitivity::file_name(metric, "json");
    let sets = [(crate::cli::sensitivity::set_name(metric), json.as_str()), ("report".to_string(), TORNADO)];
    let mut notes = Vec::new();
    for (set, name) in &sets {
        let path = dir.join(name);
        let bytes = match read_from_set(dir, set, name, MAX_DATA_BYTES) {
            Ok(bytes) => bytes,
            Err(SetError::Missing { .. }) => continue,
            Err(SetError::Changed { path, why, .. }) => {
                notes.push(format!("{path} is not the file chancap wrote there ({why})"));
                continue;
            }
        };
        let why = match report::sensitivity::parse(&bytes) {
            Err(e) => format!("{} is not a chancap sensitivity file: {e}", path.display()),
            Ok(s) if s.metric != metric => continue,
            Ok(s) if s.scenario_hash.is_empty() => {
                format!("{} does not record its scenario (an older chancap wrote it)", path.display())
            }
            Ok(s) if s.scenario_hash != scenario.content_hash() => {
                format!("{} is of another scenario (content {})", path.display(), s.scenario_hash)
            }
            Ok(s) if !fits(&s, scenario) => {
                format!("{} does not match the scenario's uncertain inputs", path.display())
            }
            Ok(s) => return Ok((s, path)),
        };
        notes.push(why);
    }
    Err(notes)
}

/// Whether an analysis read from a file names only the scenario's uncertain
/// inputs, each once, with finite figures: so a file cannot make the report
/// draw what the scenario does not hold.
fn fits(s: &Sensitivity, scenario: &Scenario) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    s.iterations > 0
        && s.inputs.iter().all(|e| {
            seen.insert(e.input.as_str())
                && scenario.params.iter().any(|p| p.path == e.input && p.dist.as_fixed().is_none())
                && [e.p10, e.p90, e.metric_at_p10, e.metric_at_p90, e.swing].iter().all(|x| x.is_finite())
        })
}

/// What the report says when `--from DIR` holds no analysis it can use.
fn rerun_note(dir: &Path, notes: &[String], scenario: &Scenario, opts: &RunOptions) -> String {
    let mut text = notes.iter().map(|n| format!("Note: {n}.\n")).collect::<String>();
    text.push_str(&format!(
        "What matters most: {} holds no analysis of contribution for this scenario (`chancap sensitivity FILE \
         --out {}` writes one), so the report runs it: {} runs of {} iterations, seed {}.\n",
        dir.display(),
        dir.display(),
        runs(scenario),
        report::format::count(opts.iterations as f64),
        opts.seed
    ));
    text
}

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
    if !dir.exists() {
        return Err(Failure::Input(anyhow::anyhow!("no such directory: {}", dir.display())));
    }
    if !dir.is_dir() {
        return Err(Failure::Input(anyhow::anyhow!(
            "{} is a file, not a directory; --from takes the output directory of `chancap run`",
            dir.display()
        )));
    }
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
    // The report of an earlier run goes beside it unless --out says otherwise.
    let default = opts.from.clone().unwrap_or_else(|| default_out(&opts.file, ""));
    let out_dir = output_dir(&opts.out.clone().unwrap_or(default))?;
    let results = match earlier {
        Some(results) => results,
        None => {
            let run_opts = run_options(&opts.run, &scenario);
            simulate(&scenario, &run_opts, opts.run.threads, !opts.quiet)?.results
        }
    };
    let mut charts = report::charts::all(&results).map_err(runtime)?;
    // What matters most for contribution: an earlier analysis of this scenario
    // in the --from directory, else the `sensitivity` command's default run
    // with the run's seed, so that the report and the command agree.
    let earlier = match &opts.from {
        Some(dir) => earlier_tornado(dir, &scenario),
        None => Err(Vec::new()),
    };
    let sensitivity = match earlier {
        Ok((sensitivity, path)) => {
            if !opts.quiet {
                stdout(
                    format!(
                        "What matters most: read from {} ({} iterations per run, seed {}).\n",
                        path.display(),
                        report::format::count(sensitivity.iterations as f64),
                        sensitivity.seed
                    )
                    .as_bytes(),
                )?;
            }
            sensitivity
        }
        Err(notes) => {
            let sens_opts = RunOptions { iterations: DEFAULT_ITERATIONS, seed: results.scenario.seed };
            if !opts.quiet
                && let Some(dir) = &opts.from
            {
                stdout(rerun_note(dir, &notes, &scenario, &sens_opts).as_bytes())?;
            }
            analyse(&scenario, &Metric::Contribution, &sens_opts, &|_| {})
        }
    };
    charts.push(report::charts::tornado(&sensitivity, &scenario).map_err(runtime)?);
    let html = report::html::html(&report::html::Report {
        scenario: &scenario,
        results: &results,
        charts: &charts,
        date: &date,
        sensitivity: Some(&sensitivity),
    });
    let hash = scenario.content_hash();
    let files = [("report.html", html.into_bytes()), (TORNADO, report::sensitivity::json(&sensitivity))];
    let written = out_dir.write_set_of("report", Some(&hash), &files).map_err(runtime)?;
    if !opts.quiet {
        let path = written.first().map_or_else(|| out_dir.path().join("report.html"), |p| p.clone());
        stdout(format!("Wrote {}\n", path.display()).as_bytes())?;
    }
    Ok(())
}
