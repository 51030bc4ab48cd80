//! What the commands share: loading a scenario with its diagnostics, stdout, output
//! directories, worker threads, the progress bar and the "Wrote …" line.

use crate::cli::args::RunFlags;
use crate::cli::error::Failure;
use anyhow::Context as _;
use chancap::model::{Diagnostics, LoadError, LoadOptions, Scenario};
use chancap::output::OutputDir;
use chancap::report;
use chancap::results::Results;
use chancap::sim::RunOptions;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What every command gets besides its own arguments: what the global flags set.
pub(crate) struct Context {
    /// How scenario files are loaded (`--repair-correlations`).
    pub(crate) load: LoadOptions,
    /// How wide the tables may be, in columns; `None` with `--wide`.
    pub(crate) width: Option<usize>,
}

/// Tables are never fitted narrower than this.
const MIN_WIDTH: usize = 40;

/// The width tables are fitted to: none with `--wide`; else `COLUMNS` when it
/// is set to a number, else the terminal's width when stdout is one, else 100
/// columns (a file, a pipe), and never below [`MIN_WIDTH`].
pub(crate) fn terminal_width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|c| *c > 0);
    let terminal = || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0 as usize);
    Some(columns.or_else(terminal).unwrap_or(100).max(MIN_WIDTH))
}

impl Context {
    /// Loads a scenario file; an invalid one fails with its rendered diagnostics.
    pub(crate) fn load(&self, path: &Path) -> Result<Scenario, Failure> {
        Scenario::from_path_with(path, self.load).map_err(|e| match e {
            LoadError::Invalid(diags) => Failure::Invalid(diags.to_string()),
            io @ LoadError::Io { .. } => Failure::Input(anyhow::Error::new(io)),
        })
    }
}

/// Prints the warnings of a valid scenario on stderr, each at its place in
/// the file (`file:line:column` and the line), which is read again for it.
pub(crate) fn print_warnings(s: &Scenario) {
    if s.warnings.is_empty() {
        return;
    }
    let source = chancap::model::read_bounded(Path::new(&s.origin), chancap::model::MAX_FILE_BYTES)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    let diags = Diagnostics { origin: s.origin.clone(), source, items: s.warnings.clone() };
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

/// The output directory, created and checked for writing before anything runs;
/// one that cannot be used is an input error (exit 2).
pub(crate) fn output_dir(path: &Path) -> Result<OutputDir, Failure> {
    OutputDir::prepare(path).map_err(|e| Failure::Input(e.into()))
}

/// The default output directory: `output/<file stem><suffix>/`.
pub(crate) fn default_out(file: &Path, suffix: &str) -> PathBuf {
    let stem = file.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join(format!("{stem}{suffix}"))
}

/// The iterations and seed of a run: the flags', else the scenario's.
pub(crate) fn run_options(flags: &RunFlags, scenario: &Scenario) -> RunOptions {
    RunOptions {
        iterations: flags.iterations.unwrap_or(scenario.iterations),
        seed: flags.seed.unwrap_or(scenario.seed),
    }
}

/// A pool of `threads` worker threads, all cores without.
pub(crate) fn thread_pool(threads: Option<u64>) -> Result<rayon::ThreadPool, Failure> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        b = b.num_threads(n as usize);
    }
    b.build().context("starting worker threads").map_err(Failure::Runtime)
}

/// A finished simulation.
pub(crate) struct Simulated {
    pub(crate) results: Results,
    pub(crate) elapsed: Duration,
    pub(crate) threads: usize,
}

/// Runs the engine on its own thread pool, with a progress bar when `progress`
/// and stderr is a terminal.
pub(crate) fn simulate(
    scenario: &Scenario,
    run_opts: &RunOptions,
    threads: Option<u64>,
    progress: bool,
) -> Result<Simulated, Failure> {
    let pool = thread_pool(threads)?;
    let bar = progress_bar(run_opts.iterations, "iterations", progress && std::io::stderr().is_terminal());
    let start = Instant::now();
    let results = pool.install(|| chancap::run(scenario, run_opts, &|n| bar.tick(n)));
    let elapsed = start.elapsed();
    bar.finish();
    Ok(Simulated { results, elapsed, threads: pool.current_num_threads() })
}

/// A progress bar on stderr that appears only if the run takes longer than a
/// moment, and never when stderr is not a terminal or with --quiet.
pub(crate) struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: AtomicBool,
    start: Instant,
}

/// A progress bar of `total` units named `what` (`iterations`, `points`).
pub(crate) fn progress_bar(total: u64, what: &str, enabled: bool) -> Progress {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    let template = format!("{{spinner}} simulating [{{bar:30}}] {{human_pos}}/{{human_len}} {what}, ETA {{eta}}");
    bar.set_style(ProgressStyle::with_template(&template).expect("valid template").progress_chars("=> "));
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
pub(crate) fn wrote(dir: &Path, files: &[String]) -> String {
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

/// The `.json` files in `dir` that can be read (within the data limit) and
/// parsed as `T`; none when `dir` cannot be listed. What an interrupted sweep
/// or optimisation left there.
pub(crate) fn json_files<T: serde::de::DeserializeOwned>(dir: &Path) -> Vec<T> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| chancap::model::read_bounded(&path, chancap::model::MAX_DATA_BYTES).ok())
        .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
        .collect()
}

/// Writes single files from worker threads as work finishes (a sweep's point
/// files, an optimisation's candidates), keeping the first error for after the
/// run: a failed write does not stop the work, and is reported once.
pub(crate) struct Saver<'a> {
    dir: &'a OutputDir,
    error: std::sync::Mutex<Option<chancap::output::OutputError>>,
}

impl<'a> Saver<'a> {
    pub(crate) fn new(dir: &'a OutputDir) -> Saver<'a> {
        Saver { dir, error: std::sync::Mutex::new(None) }
    }

    /// Writes one file, whole or not at all.
    pub(crate) fn save(&self, name: String, bytes: Vec<u8>) {
        if let Err(e) = self.dir.write_all(&[(name, bytes)]) {
            self.error.lock().expect("no panic while holding it").get_or_insert(e);
        }
    }

    /// The first write that failed, as a failure while running.
    pub(crate) fn finish(self) -> Result<(), Failure> {
        match self.error.into_inner().expect("no panic while holding it") {
            Some(e) => Err(crate::cli::error::runtime(e)),
            None => Ok(()),
        }
    }
}

/// "1 thread", "2 threads".
pub(crate) fn threads(n: usize) -> String {
    format!("{n} thread{}", if n == 1 { "" } else { "s" })
}
