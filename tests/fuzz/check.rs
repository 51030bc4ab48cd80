//! What every input must satisfy, in process and through the binary:
//!
//! - the reader never panics, refuses with at least one rendered error or
//!   accepts, and takes at most [`read_limit`] for the input's size;
//! - a valid scenario runs a few iterations without panicking, and every number
//!   of `summary.json`, `distributions.json`, `cells.csv` and `capacity.csv` (as
//!   the library renders them) is finite, or null / empty where the format says
//!   a figure is undefined;
//! - the binary (for the inputs sampled for it): `check` exits 0 or 2 — never a
//!   panic's 101 or a signal — and agrees with the library; `run --no-plots`
//!   exits 0 with finite files, or 2 having created nothing at all.

use chancap::model::{Diagnostics, Scenario};
use chancap::report;
use chancap::results::Results;
use chancap::sim::RunOptions;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// What a tier did, for its closing line.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub cases: u64,
    pub bytes: u64,
    pub valid: u64,
    pub iterations: u64,
    pub binary: u64,
    pub slowest_read: Duration,
    /// The input read most slowly per byte, with its size and time.
    pub slowest_per_byte: Option<(Vec<u8>, Duration)>,
    pub slowest_run: Duration,
}

/// How long the reader may take for `bytes` bytes: 2 s plus 5 µs a byte.
///
/// Reading takes about 0.35 µs a byte on this project's 2-core machines with
/// the test profile (3 MB of coverage rows in 1.1 s, a 5 KB scenario in well
/// under a millisecond), so the bound is 15 times what linear work needs at any
/// size and thousands of times it for the small inputs most cases are: what it
/// catches is work that grows faster than the input (a quadratic scan, a
/// backtracking parse), not a slow machine. A case over the bound is timed
/// again before it fails, so one stall of a loaded CI machine cannot fail it.
pub fn read_limit(bytes: usize) -> Duration {
    Duration::from_secs(2) + Duration::from_micros(5 * bytes as u64)
}

/// Expected opportunities per iteration a case may run, summed over its
/// iterations: about 0.1 s of engine at the test profile. A scenario larger
/// than that (up to the reader's 5 × 10⁷) runs one iteration.
const RUN_BUDGET: f64 = 1e7;

/// A run (with the renderings of its results) still going after this long is
/// taken to hang; a read, after ten times its limit.
const RUN_HANG: Duration = Duration::from_secs(120);

/// The panic message and place of the last panic, recorded by the hook.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Records every panic's message and place before the usual report, so that a
/// caught panic can be named with its `file:line`.
pub fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place =
                info.location().map_or("?".to_string(), |l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            let message = payload_text(info.payload());
            *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("`{message}` at {place}"));
            previous(info);
        }));
    });
}

/// A panic's message.
fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload.downcast_ref::<String>().map(String::as_str).or(payload.downcast_ref::<&str>().copied());
    text.unwrap_or("(no message)").to_string()
}

/// `f`, with a panic turned into an error naming `what`, the message and place.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let recorded = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
        format!("{what} panicked: {}", recorded.unwrap_or_else(|| payload_text(payload.as_ref())))
    })
}

/// A short, stable name for an input: FNV-1a of its bytes.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Where found inputs are kept.
pub fn found_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

/// Keeps an input that failed in `tests/fixtures/fuzz/` and returns its path.
pub fn save(input: &[u8]) -> PathBuf {
    let dir = found_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{:016x}.toml", fingerprint(input)));
    std::fs::write(&path, input).unwrap();
    path
}

/// Where a tier keeps the input it is checking.
pub fn last_input(tier: &str) -> PathBuf {
    let slug: String = tier.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{slug}.toml"))
}

/// A tier's cases: its tally, and whether one of them hung.
///
/// Each input is written to `target/tmp/fuzz-<tier>.toml` before it is checked,
/// so that a crash no test can catch (a stack overflow) leaves it there; the
/// threads that read and run it are named with that path, which the crash
/// message shows.
pub struct Tier {
    pub name: &'static str,
    pub tally: Tally,
    last: PathBuf,
    hung: bool,
}

impl Tier {
    pub fn new(name: &'static str) -> Tier {
        Tier { name, tally: Tally::default(), last: last_input(name), hung: false }
    }

    /// Every check on one input; `binary` adds the command line's.
    pub fn check(&mut self, input: &[u8], binary: bool) -> Result<(), String> {
        if self.hung {
            // A hung case leaves its thread running: later cases pass at once,
            // so that shrinking stops and reports the hung input as it is.
            return Ok(());
        }
        std::fs::write(&self.last, input).unwrap();
        let outcome = self.check_all(input, binary);
        self.tally.cases += 1;
        self.tally.bytes += input.len() as u64;
        outcome
    }

    /// `f` on a thread of its own with a 256 MiB stack, waited for at most
    /// `limit`; a panic or a hang is an error. The large stack bounds the
    /// reader's depth by the binary's (its main thread has the usual 8 MiB; a
    /// sampled case that overflows it there fails as a signal) rather than by
    /// a test thread's 2 MiB, which would stop the whole test binary.
    fn bounded<T: Send + 'static>(
        &mut self,
        what: &'static str,
        limit: Duration,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let (send, receive) = std::sync::mpsc::channel();
        let name = format!("fuzz {} ({what}): the input is in {}", self.name, self.last.display());
        let spawned = std::thread::Builder::new().name(name).stack_size(256 << 20);
        spawned.spawn(move || send.send(guarded(what, f))).unwrap();
        match receive.recv_timeout(limit) {
            Ok(outcome) => outcome,
            Err(_) => {
                self.hung = true;
                Err(format!("{what} did not finish within {limit:?}: it hangs"))
            }
        }
    }

    fn check_all(&mut self, input: &[u8], binary: bool) -> Result<(), String> {
        // The library reads text; bytes that are not UTF-8 are read as the lossy
        // text (the binary refuses them before the reader, as checked below).
        let text: Arc<str> = String::from_utf8_lossy(input).into();
        let limit = read_limit(input.len());
        let timed_read = |tier: &mut Tier| {
            let (text, start) = (Arc::clone(&text), Instant::now());
            let scenario = tier.bounded("the reader", limit * 10, move || read(&text))??;
            Ok::<_, String>((scenario, start.elapsed()))
        };
        let (mut scenario, mut took) = timed_read(self)?;
        if took > limit {
            let (again, second) = timed_read(self)?;
            (scenario, took) = (again, took.min(second));
            if took > limit {
                return Err(format!("reading {} bytes took {took:?}, over the limit of {limit:?}", input.len()));
            }
        }
        let t = &mut self.tally;
        t.slowest_read = t.slowest_read.max(took);
        // Time per byte, a kilobyte added so that tiny inputs do not dominate.
        let rate = |len: usize, t: Duration| t.as_secs_f64() / (len + 1000) as f64;
        if t.slowest_per_byte.as_ref().is_none_or(|(i, t)| rate(i.len(), *t) < rate(input.len(), took)) {
            t.slowest_per_byte = Some((input.to_vec(), took));
        }
        let hash = fingerprint(input);
        let iterations = scenario.as_ref().map(|s| iterations_for(s, hash));
        if let (Some(s), Some(n)) = (scenario.clone(), iterations) {
            (t.valid, t.iterations) = (t.valid + 1, t.iterations + n);
            let took = self.bounded("the run", RUN_HANG, move || {
                let start = Instant::now();
                let results = chancap::run(&s, &RunOptions { iterations: n, seed: hash >> 1 }, &|_| {});
                let took = start.elapsed();
                outputs_are_finite(&results).map(|()| took)
            })??;
            self.tally.slowest_run = self.tally.slowest_run.max(took);
        }
        if binary {
            self.tally.binary += 1;
            let clean = std::str::from_utf8(input).is_ok_and(|t| !t.contains('\0'));
            command_line(input, clean.then_some(scenario.is_some()), iterations.unwrap_or(2).min(2))?;
        }
        Ok(())
    }
}

/// The reader as `chancap check` uses it: the scenario and its description and
/// warnings, or the rendered refusal, which names at least one error.
fn read(text: &str) -> Result<Option<Scenario>, String> {
    match Scenario::from_toml_str(text, "fuzz.toml") {
        Ok(s) => {
            let _ = s.to_string();
            // The warnings as `check` prints them, and rendered with their source.
            let mut warnings =
                Diagnostics { origin: s.origin.clone(), source: String::new(), items: s.warnings.clone() };
            for w in &s.warnings {
                let _ = warnings.render(w);
            }
            warnings.source = text.to_string();
            let _ = warnings.to_string();
            let _ = s.content_hash();
            Ok(Some(s))
        }
        Err(d) => {
            let rendered = d.to_string();
            if d.error_count() == 0 || !rendered.contains("error") {
                return Err(format!("refused without naming an error:\n{rendered}"));
            }
            Ok(None)
        }
    }
}

/// A few iterations, fewer for a large scenario: its expected opportunities per
/// iteration counted as the reader's size check counts them.
fn iterations_for(s: &Scenario, hash: u64) -> u64 {
    let mean = |id: chancap::model::ParamId| s.param(id).dist.mean();
    let years = s.periods as f64 / s.ppy() as f64;
    let demand: f64 = s
        .segments
        .iter()
        .map(|g| g.accounts as f64 * mean(g.opportunities_per_account) * (1.0 + mean(s.market_growth)) * years)
        .sum();
    let calls: f64 =
        s.campaigns.iter().map(|c| mean(c.reach) * s.segments[c.segment].accounts as f64 * mean(c.response)).sum();
    let wanted = [1, 2, 3, 5, 8][(hash % 5) as usize];
    let affordable = (RUN_BUDGET / (demand + calls).max(1.0)).floor() as u64;
    wanted.min(affordable).max(1)
}

/// The text columns of the CSV files; every other field is a number or empty.
const TEXT_COLUMNS: [&str; 5] = ["segment", "channel", "metric", "kind", "unit"];

/// The library's renderings of a run's results, every number finite.
fn outputs_are_finite(results: &Results) -> Result<(), String> {
    let _ = report::table::report(results, "fuzz", None);
    let _ = report::table::report(results, "fuzz", Some(40));
    let bad = non_finite(results);
    if !bad.is_empty() {
        return Err(format!("non-finite figures in the results (null in summary.json): {}", bad.join(", ")));
    }
    let summary = report::json::summary(results);
    json_numbers("summary.json", &summary)?;
    // A non-finite figure is written as null, which reads back as a different
    // value (or not at all where a number is required): the results must read
    // back equal.
    let back = report::json::parse(&summary).map_err(|e| format!("summary.json does not read back: {e}"))?;
    let mut plain = results.clone();
    plain.distributions = Default::default();
    if back != plain {
        return Err("summary.json reads back different".into());
    }
    let distributions = report::json::distributions(results);
    json_numbers("distributions.json", &distributions)?;
    let back = report::json::parse_distributions(&distributions).map_err(|e| format!("distributions.json: {e}"))?;
    let mut drawn = results.distributions.clone();
    (drawn.revenue_values, drawn.contribution_values) = (Vec::new(), Vec::new());
    if back != drawn {
        return Err(format!("distributions.json reads back different: {:?}", non_finite(&drawn)));
    }
    csv_numbers("cells.csv", &report::csv::cells(results))?;
    csv_numbers("capacity.csv", &report::csv::capacity(results))
}

/// The paths of the non-finite numbers of a value, found through its TOML form
/// (which, unlike JSON, keeps NaN and infinities).
fn non_finite<T: serde::Serialize>(value: &T) -> Vec<String> {
    fn walk(v: &toml::Value, path: String, out: &mut Vec<String>) {
        match v {
            toml::Value::Float(x) if !x.is_finite() => out.push(format!("{} = {x}", &path[1..])),
            toml::Value::Array(items) => {
                items.iter().enumerate().for_each(|(i, x)| walk(x, format!("{path}[{i}]"), out))
            }
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(x, format!("{path}.{k}"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&toml::Value::try_from(value).expect("results have a TOML form"), String::new(), &mut out);
    out
}

/// Every number of a JSON text finite (null stands for an undefined figure).
fn json_numbers(name: &str, bytes: &[u8]) -> Result<(), String> {
    fn walk(v: &serde_json::Value, path: &str) -> Result<(), String> {
        match v {
            serde_json::Value::Number(n) if !n.as_f64().is_some_and(f64::is_finite) => Err(format!("{path} = {n}")),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().try_for_each(|(i, x)| walk(x, &format!("{path}[{i}]")))
            }
            serde_json::Value::Object(map) => map.iter().try_for_each(|(k, x)| walk(x, &format!("{path}.{k}"))),
            _ => Ok(()),
        }
    }
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("{name} is not JSON: {e}"))?;
    walk(&v, "").map_err(|e| format!("{name}: a number that is not finite: {e}"))
}

/// Every number field of a CSV text finite; empty fields stand for undefined figures.
fn csv_numbers(name: &str, bytes: &[u8]) -> Result<(), String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().map_err(|e| format!("{name}: {e}"))?.clone();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{name}: {e}"))?;
        for (column, field) in header.iter().zip(record.iter()) {
            let number = field.parse::<f64>();
            if !TEXT_COLUMNS.contains(&column) && !field.is_empty() && !number.is_ok_and(f64::is_finite) {
                return Err(format!("{name}: row {}, {column} = {field:?} is not a finite number", row + 1));
            }
        }
    }
    Ok(())
}

/// The binary on the input: `check`, then `run --no-plots`. `valid` is the
/// library's verdict where the binary must agree (text without NUL bytes).
fn command_line(input: &[u8], valid: Option<bool>, iterations: u64) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fuzz.toml");
    std::fs::write(&file, input).unwrap();
    let chancap = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("chancap")
            .unwrap()
            .args(args)
            .arg(&file)
            .timeout(Duration::from_secs(120))
            .output()
            .map_err(|e| format!("chancap {}: {e}", args.join(" ")))?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        match out.status.code() {
            Some(code @ (0 | 2)) => Ok((code, stderr)),
            Some(code) => Err(format!("chancap {} exited {code}:\n{stderr}", args.join(" "))),
            None => Err(format!("chancap {} was stopped by a signal ({:?}):\n{stderr}", args.join(" "), out.status)),
        }
    };
    let (code, stderr) = chancap(&["check", "-q"])?;
    if valid.is_some_and(|v| v != (code == 0)) {
        return Err(format!("chancap check exited {code}, the library says valid = {valid:?}:\n{stderr}"));
    }
    if code == 2 && !stderr.contains("error") {
        return Err(format!("chancap check exited 2 without naming an error:\n{stderr}"));
    }
    let out = dir.path().join("out");
    let n = iterations.to_string();
    let (code, stderr) = chancap(&["run", "-q", "--no-plots", "-n", &n, "--out", out.to_str().unwrap()])?;
    if valid.is_some_and(|v| v != (code == 0)) {
        return Err(format!("chancap run exited {code}, the library says valid = {valid:?}:\n{stderr}"));
    }
    if code == 2 {
        if out.exists() {
            return Err(format!("chancap run exited 2 but created {}:\n{stderr}", out.display()));
        }
        return Ok(());
    }
    for name in ["summary.json", "distributions.json"] {
        let bytes = std::fs::read(out.join(name)).map_err(|e| format!("chancap run wrote no {name}: {e}"))?;
        json_numbers(name, &bytes)?;
    }
    let summary = std::fs::read(out.join("summary.json")).unwrap();
    report::json::parse(&summary).map_err(|e| format!("summary.json from chancap run does not read back: {e}"))?;
    for name in ["cells.csv", "capacity.csv"] {
        let bytes = std::fs::read(out.join(name)).map_err(|e| format!("chancap run wrote no {name}: {e}"))?;
        csv_numbers(name, &bytes)?;
    }
    Ok(())
}
