//! The commands: load, run, export, write, print. Everything a command does to the
//! outside world (terminal, files, threads, clock) happens here, not in the library.

use crate::cli::args::{CheckOptions, CompareCommand, ReportCommand, RunCommand, SensitivityCommand};
use anyhow::Context;
use chancap::model::{Diagnostics, LoadError, Scenario};
use chancap::output::OutputDir;
use chancap::report;
use chancap::results::Results;
use chancap::sim::RunOptions;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Why a command failed, and so which exit status it ends with.
pub enum Failure {
    /// Invalid scenario: the rendered diagnostics, empty if already printed (exit 2).
    Invalid(String),
    /// Another invalid input: a missing file, an unusable output directory (exit 2).
    Input(anyhow::Error),
    /// A failure while running (exit 1).
    Runtime(anyhow::Error),
}

impl Failure {
    /// Prints the failure on stderr.
    pub fn report(&self) {
        match self {
            Failure::Invalid(text) if text.is_empty() => {}
            Failure::Invalid(text) => eprintln!("{text}"),
            Failure::Input(e) | Failure::Runtime(e) => eprintln!("error: {e:#}"),
        }
    }

    /// The process exit status.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) | Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

static LOAD_OPTIONS: std::sync::OnceLock<chancap::model::LoadOptions> = std::sync::OnceLock::new();

/// Sets how every command loads scenario files (once, from the command line).
pub fn set_load_options(opts: chancap::model::LoadOptions) {
    let _ = LOAD_OPTIONS.set(opts);
}

/// The load options given on the command line.
pub(crate) fn load_options() -> chancap::model::LoadOptions {
    LOAD_OPTIONS.get().copied().unwrap_or_default()
}

pub(crate) fn load(path: &Path) -> Result<Scenario, Failure> {
    let opts = load_options();
    Scenario::from_path_with(path, opts).map_err(|e| match e {
        LoadError::Invalid(diags) => Failure::Invalid(diags.to_string()),
        io @ LoadError::Io { .. } => Failure::Input(anyhow::Error::new(io)),
    })
}

pub(crate) fn print_warnings(s: &Scenario) {
    if s.warnings.is_empty() {
        return;
    }
    let diags = Diagnostics { origin: s.origin.clone(), source: String::new(), items: s.warnings.clone() };
    for d in &s.warnings {
        eprint!("{}", diags.render(d));
    }
}

/// Writes to stdout; a closed pipe (`chancap run … | head`) is not an error.
pub(crate) fn stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Runtime(anyhow::Error::new(e).context("writing to stdout")))
        }
        _ => Ok(()),
    }
}

/// `chancap check FILE…`: every file is checked; each problem is printed as it is
/// found, so the failure returned carries only the count.
pub fn check(opts: &CheckOptions) -> Result<(), Failure> {
    let mut invalid = 0;
    for path in &opts.files {
        match load(path) {
            Ok(s) => {
                if !opts.quiet {
                    stdout(format!("{}: valid. {s}\n", path.display()).as_bytes())?;
                }
                print_warnings(&s);
            }
            Err(f) => {
                f.report();
                invalid += 1;
            }
        }
    }
    match invalid {
        0 => Ok(()),
        _ if opts.files.len() == 1 => Err(Failure::Invalid(String::new())),
        n => Err(Failure::Invalid(format!("{n} of {} files are invalid", opts.files.len()))),
    }
}

/// The default output directory: `output/<file stem><suffix>/`.
pub(crate) fn default_out(file: &Path, suffix: &str) -> PathBuf {
    let stem = file.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join(format!("{stem}{suffix}"))
}

/// `chancap run FILE`
pub fn run(opts: &RunCommand) -> Result<(), Failure> {
    let mut scenario = load(&opts.file)?;
    if opts.lhs {
        scenario.sampling = chancap::model::Sampling::LatinHypercube;
        let n = opts.iterations.unwrap_or(scenario.iterations);
        if n > chancap::sim::LHS_MAX {
            return Err(Failure::Input(anyhow::anyhow!(
                "--sampling lhs holds its strata in memory: use at most {} iterations",
                chancap::sim::LHS_MAX
            )));
        }
    }
    let run_opts = RunOptions {
        iterations: opts.iterations.unwrap_or(scenario.iterations),
        seed: opts.seed.unwrap_or(scenario.seed),
    };
    let talk = !opts.quiet && !opts.json;
    if !opts.quiet {
        print_warnings(&scenario);
    }

    // Check the output directory before the long part.
    let out_path = match (&opts.out, opts.json) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(default_out(&opts.file, "")),
        (None, true) => None,
    };
    let out_dir = match &out_path {
        Some(p) => Some(OutputDir::prepare(p).map_err(|e| Failure::Input(e.into()))?),
        None => None,
    };

    let mut precision_note = String::new();
    let sim = match opts.precision {
        None => simulate(&scenario, &run_opts, opts.threads, !opts.quiet)?,
        Some(relative) => {
            let pool = thread_pool(opts.threads)?;
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
        if !opts.no_plots {
            files.extend(chart_files(report::charts::all(&results))?);
        }
        dir.write_all(&files).map_err(|e| Failure::Runtime(e.into()))?;
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

pub(crate) fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n);
    }
    b.build().context("starting worker threads").map_err(Failure::Runtime)
}

/// A finished simulation.
struct Simulated {
    results: Results,
    elapsed: Duration,
    threads: usize,
}

/// Runs the engine on its own thread pool, with a progress bar when `progress`
/// and stderr is a terminal.
fn simulate(
    scenario: &Scenario,
    run_opts: &RunOptions,
    threads: Option<usize>,
    progress: bool,
) -> Result<Simulated, Failure> {
    let pool = thread_pool(threads)?;
    let bar = progress_bar(run_opts.iterations, progress && std::io::stderr().is_terminal());
    let start = Instant::now();
    let results = pool.install(|| chancap::run(scenario, run_opts, &|n| bar.tick(n)));
    let elapsed = start.elapsed();
    bar.finish();
    Ok(Simulated { results, elapsed, threads: pool.current_num_threads() })
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
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| {
            format!("reading {} (written by `chancap run`; run it first or drop --from)", path.display())
        })
    };
    let summary = read("summary.json").map_err(Failure::Input)?;
    let mut results = report::json::parse(&summary)
        .with_context(|| format!("{} is not a chancap summary.json", dir.join("summary.json").display()))
        .map_err(Failure::Input)?;
    let dists = read("distributions.json").map_err(Failure::Input)?;
    results.distributions = report::json::parse_distributions(&dists)
        .with_context(|| format!("{} is not a chancap distributions.json", dir.join("distributions.json").display()))
        .map_err(Failure::Input)?;
    let same = results.scenario.name == scenario.name
        && results.segments.len() == scenario.segments.len()
        && results.channels.len() == scenario.channels.len()
        && results.channels.iter().zip(&scenario.channels).all(|(a, b)| a.channel == b.name);
    if !same {
        return Err(Failure::Input(anyhow::anyhow!(
            "{} holds results of \"{}\" ({}), not of {} (\"{}\"); run `chancap run {}` first",
            dir.display(),
            results.scenario.name,
            results.scenario.file,
            scenario.origin,
            scenario.name,
            scenario.origin
        )));
    }
    Ok(results)
}

/// `chancap report FILE`
pub fn report(opts: &ReportCommand) -> Result<(), Failure> {
    let scenario = load(&opts.file)?;
    if !opts.quiet {
        print_warnings(&scenario);
    }
    let date = report_date()?;
    let out_dir = OutputDir::prepare(&opts.out.clone().unwrap_or_else(|| default_out(&opts.file, "")))
        .map_err(|e| Failure::Input(e.into()))?;
    let results = match &opts.from {
        Some(dir) => read_results(dir, &scenario)?,
        None => {
            let run_opts = RunOptions {
                iterations: opts.iterations.unwrap_or(scenario.iterations),
                seed: opts.seed.unwrap_or(scenario.seed),
            };
            simulate(&scenario, &run_opts, opts.threads, !opts.quiet)?.results
        }
    };
    let mut charts = report::charts::all(&results).map_err(|e| Failure::Runtime(e.into()))?;
    // What matters most for contribution: a short sensitivity run with the run's seed.
    let sens_opts =
        RunOptions { iterations: results.scenario.iterations.clamp(100, 1_000), seed: results.scenario.seed };
    let metric = chancap::analysis::sensitivity::Metric::Contribution;
    let sensitivity = chancap::analysis::sensitivity::analyse(&scenario, &metric, &sens_opts, &|_| {});
    charts.push(report::charts::tornado(&sensitivity, &scenario.name).map_err(|e| Failure::Runtime(e.into()))?);
    let html = report::html::html(&report::html::Report {
        scenario: &scenario,
        results: &results,
        charts: &charts,
        date: &date,
        sensitivity: Some(&sensitivity),
    });
    let written = out_dir.write_all(&[("report.html", html.into_bytes())]).map_err(|e| Failure::Runtime(e.into()))?;
    if !opts.quiet {
        let path = written.first().map_or_else(|| out_dir.path().join("report.html"), |p| p.clone());
        stdout(format!("Wrote {}\n", path.display()).as_bytes())?;
    }
    Ok(())
}

/// `chancap compare A B …`
pub fn compare(opts: &CompareCommand) -> Result<(), Failure> {
    let mut scenarios = Vec::new();
    let mut invalid = 0;
    for path in &opts.files {
        match load(path) {
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
    if !opts.quiet {
        scenarios.iter().for_each(print_warnings);
    }
    let run_opts = RunOptions {
        iterations: opts.iterations.unwrap_or(scenarios[0].iterations),
        seed: opts.seed.unwrap_or(scenarios[0].seed),
    };
    if run_opts.iterations > chancap::summary::accumulate::KEEP_LIMIT as u64 {
        return Err(Failure::Input(anyhow::anyhow!(
            "compare pairs the scenarios iteration by iteration and keeps every iteration's revenue and \
             contribution: use at most {} iterations",
            chancap::summary::accumulate::KEEP_LIMIT
        )));
    }
    let out_dir = OutputDir::prepare(&opts.out.clone().unwrap_or_else(|| Path::new("output").join("compare")))
        .map_err(|e| Failure::Input(e.into()))?;
    let pool = thread_pool(opts.threads)?;
    let bar =
        progress_bar(run_opts.iterations * scenarios.len() as u64, !opts.quiet && std::io::stderr().is_terminal());
    let start = Instant::now();
    let comparison = pool.install(|| chancap::analysis::compare::compare(&scenarios, &run_opts, &|n| bar.tick(n)));
    bar.finish();
    let elapsed = start.elapsed();
    let mut files = vec![
        ("compare.csv".to_string(), report::compare::csv(&comparison)),
        ("compare.json".to_string(), report::compare::json(&comparison)),
    ];
    if !opts.no_plots {
        files.extend(chart_files(report::charts::compare(&comparison))?);
    }
    out_dir.write_all(&files).map_err(|e| Failure::Runtime(e.into()))?;
    if !opts.quiet {
        let mut text = report::compare::table(&comparison).terminal();
        text.push_str(&format!(
            "\n{} scenarios in {:.2} s on {} threads. {}\n",
            scenarios.len(),
            elapsed.as_secs_f64(),
            pool.current_num_threads(),
            wrote(out_dir.path(), &files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        ));
        stdout(text.trim_start_matches('\n').as_bytes())?;
    }
    Ok(())
}

/// `chancap sensitivity FILE`
pub fn sensitivity(opts: &SensitivityCommand) -> Result<(), Failure> {
    use chancap::analysis::sensitivity::{Metric, analyse, runs};
    let scenario = load(&opts.file)?;
    if !opts.quiet {
        print_warnings(&scenario);
    }
    let metric = Metric::parse(&scenario, &opts.metric).map_err(|e| Failure::Input(anyhow::anyhow!(e)))?;
    let run_opts =
        RunOptions { iterations: opts.iterations.unwrap_or(2_000), seed: opts.seed.unwrap_or(scenario.seed) };
    let out_path = opts.out.clone().unwrap_or_else(|| default_out(&opts.file, "-sensitivity"));
    let out_dir = OutputDir::prepare(&out_path).map_err(|e| Failure::Input(e.into()))?;
    let pool = thread_pool(opts.threads)?;
    let bar = progress_bar(runs(&scenario) * run_opts.iterations, !opts.quiet && std::io::stderr().is_terminal());
    let start = Instant::now();
    let result = pool.install(|| analyse(&scenario, &metric, &run_opts, &|n| bar.tick(n)));
    bar.finish();
    let elapsed = start.elapsed();
    let mut files = vec![
        ("sensitivity.csv".to_string(), report::sensitivity::csv(&result)),
        ("sensitivity.json".to_string(), report::sensitivity::json(&result)),
    ];
    if !opts.no_plots {
        files.extend(chart_files(report::charts::tornado(&result, &scenario.name).map(|c| vec![c]))?);
    }
    out_dir.write_all(&files).map_err(|e| Failure::Runtime(e.into()))?;
    if !opts.quiet {
        let mut text = report::sensitivity::table(&result).terminal();
        if result.correlated_inputs {
            text.push_str(
                "Note: the file correlates some inputs, so their rank correlations overlap and the variance \
                 shares are only indicative.\n",
            );
        }
        let n_runs = runs(&scenario);
        text.push_str(&format!(
            "\n{n_runs} run{} in {:.1} s on {} threads. {}\n",
            if n_runs == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            pool.current_num_threads(),
            wrote(out_dir.path(), &files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        ));
        stdout(text.trim_start_matches('\n').as_bytes())?;
    }
    Ok(())
}

/// A progress bar on stderr that appears only if the run takes longer than a
/// moment, and never when stderr is not a terminal or with --quiet.
pub(crate) struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: AtomicBool,
    start: Instant,
}

pub(crate) fn progress_bar(total: u64, enabled: bool) -> Progress {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} simulating [{bar:30}] {human_pos}/{human_len} iterations, ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    Progress { bar, enabled, shown: AtomicBool::new(false), start: Instant::now() }
}

impl Progress {
    pub(crate) fn tick(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled && !self.shown.load(Ordering::Relaxed) && self.start.elapsed() > Duration::from_millis(300) {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Drawn charts as files `NAME.svg` and `NAME.png`.
pub(crate) fn chart_files(
    charts: Result<Vec<report::charts::Chart>, report::charts::ChartError>,
) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let charts = charts.map_err(|e| Failure::Runtime(e.into()))?;
    Ok(charts
        .into_iter()
        .flat_map(|c| [(format!("{}.svg", c.name), c.svg.into_bytes()), (format!("{}.png", c.name), c.png)])
        .collect())
}

/// "Wrote 4 files to DIR: a, b, …" with the charts counted rather than listed.
fn wrote(dir: &Path, files: &[String]) -> String {
    let (charts, data): (Vec<&String>, Vec<&String>) =
        files.iter().partition(|f| f.ends_with(".svg") || f.ends_with(".png"));
    let data: Vec<&str> = data.iter().map(|s| s.as_str()).collect();
    let mut text = format!("Wrote {} to {}", data.join(", "), dir.display());
    if !charts.is_empty() {
        let n = charts.len() / 2;
        text.push_str(&format!(" and {n} chart{} (SVG and PNG)", if n == 1 { "" } else { "s" }));
    }
    text
}
