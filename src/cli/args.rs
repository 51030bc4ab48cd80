//! The command line's definition (clap derive), with the arguments of each command
//! as the struct the command takes. The flags several commands share are groups
//! flattened into them: [`RunFlags`] (iterations, seed, threads) and [`OutputFlags`]
//! (output directory, quiet, no charts). Where a command's flag says more than the
//! group's (another default, range or conflict), the command's struct adjusts it
//! with `mut_arg`, so each flag reads and parses as it always has.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

// The program: its subcommand and the global flags (no doc comment: clap would
// take it for the about text).
#[derive(Parser)]
#[command(
    name = "chancap",
    version,
    about = "Monte Carlo simulator for sales-channel coverage and capacity planning",
    long_about = "chancap simulates thousands of possible years of a channel plan — segments, channels, \
                  coverage, campaigns, headcount, ramp, attrition, partners — and reports hit rates, \
                  margins, cost-to-serve and required versus available capacity, each with its spread.",
    after_help = "Examples:\n  chancap check scenarios/reference.toml\n  chancap run scenarios/reference.toml\n  \
                  chancap run scenarios/reference.toml --iterations 50000 --seed 7 --threads 2 --out results/\n  \
                  chancap run scenarios/reference.toml --json | jq .totals.revenue\n  \
                  chancap report scenarios/reference.toml\n  \
                  chancap compare scenarios/reference.toml other.toml\n  \
                  chancap sweep scenarios/reference.toml --set channels.telesales.headcount=6..14:2\n\n\
                  Exit status: 0 success, 1 failure while running, 2 invalid input or usage."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// If the [[correlations]] of a file cannot all hold at once, use the nearest valid
    /// correlation matrix (and say how each pair moved) instead of refusing the file.
    #[arg(long, global = true)]
    pub(crate) repair_correlations: bool,
    /// Print every table with one line per row however wide, instead of fitting it to the
    /// terminal (its width, COLUMNS when set, 100 columns when output is not a terminal).
    #[arg(long, global = true)]
    pub(crate) wide: bool,
}

// What the user asked for; each variant's doc comment is its subcommand's about text.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// Validate scenario files and describe what they hold; nothing is simulated.
    #[command(after_help = "Examples:\n  chancap check scenarios/reference.toml\n  chancap check scenarios/*.toml")]
    Check(CheckArgs),
    /// Simulate a scenario: print the report, write summary.json, CSVs and charts.
    #[command(
        after_help = "Examples:\n  chancap run scenarios/reference.toml            # writes output/reference/\n  \
                            chancap run FILE --iterations 50000 --seed 7 --threads 2 --out DIR\n  \
                            chancap run FILE --json                         # summary.json on stdout only\n  \
                            chancap run FILE --precision 0.5%               # iterations until the means are ± 0.5 %"
    )]
    Run(RunArgs),
    /// Write report.html: findings, charts, tables, assumptions and method in one self-contained file.
    #[command(
        after_help = "Examples:\n  chancap report scenarios/reference.toml               # runs it, writes output/reference/report.html\n  \
                            chancap report FILE --iterations 50000 --seed 7 --out DIR\n  \
                            chancap report FILE --from output/reference            # uses an earlier run's results\n\n\
                      The report needs no network and no JavaScript; print it to PDF from any browser.\n\
                      Set SOURCE_DATE_EPOCH to fix the date it states (reproducible reports)."
    )]
    Report(ReportArgs),
    /// Compare scenarios side by side, with common random numbers and P(beats the first).
    #[command(after_help = "Examples:\n  \
        chancap compare scenarios/reference.toml plan-b.toml plan-c.toml\n  \
        chancap compare A.toml B.toml --iterations 20000 --seed 7 --out compare/\n\n\
        Every scenario runs with the same seed and iteration count (by default the first file's), and\n\
        iteration i of each draws the same random numbers for every element the files share, so the\n\
        differences to the first scenario are paired: they measure the plan, not the noise.")]
    Compare(CompareArgs),
    /// Which assumption matters most: a tornado (each input at its P10 and P90) and rank correlations.
    #[command(after_help = "Examples:\n  \
        chancap sensitivity scenarios/reference.toml                      # contribution\n  \
        chancap sensitivity scenarios/reference.toml --metric revenue\n  \
        chancap sensitivity FILE --metric direct.required_fte --iterations 4000\n  \
        chancap sensitivity FILE --metric telesales.shortfall\n\n\
        Runs the scenario once plus twice per uncertain input (held at its P10, then its P90), all\n\
        with the same seed, so the swings measure the inputs, not the noise.")]
    Sensitivity(SensitivityArgs),
    /// Sweep parameters of a scenario: run it at every point of a grid and tabulate the key figures.
    #[command(after_help = "Examples:\n  \
            chancap sweep FILE --set channels.telesales.headcount=6..14:2 --set coverage.medium.direct.share=0,0.1,0.2\n  \
            chancap sweep FILE --set coverage.key.direct.hit_rate.mean=0.3..0.5:0.05 --iterations 2000\n  \
            chancap sweep FILE --zip --set A=1,2,3 --set B=10,20,30     # 3 points, paired by position\n  \
            chancap sweep FILE                                       # uses the file's [sweep] table\n  \
            chancap sweep FILE --shard 2/8 --out shards/2             # one shard of eight (Slurm array task)\n  \
            chancap merge shards/* --out sweep/                        # combine the shards\n\n\
            VALUES is a list (0,0.1,0.2) or an inclusive range FROM..TO:STEP (6..14:2 = 6,8,10,12,14).\n\
            PATH names a number by the file's names: scenario.market_growth, targets.revenue,\n\
            segments.NAME.FIELD, channels.NAME.FIELD, coverage.SEGMENT.CHANNEL.FIELD, campaigns.NAME.FIELD;\n\
            on an uncertain field, a trailing .PARAMETER sets one parameter of its distribution (….hit_rate.mean).\n\
            Every point runs with the same seed: common random numbers make points directly comparable.")]
    Sweep(SweepArgs),
    /// Merge the shard files of a sweep into sweep.csv and sweep.json, identical to a sweep run in one go.
    #[command(
        after_help = "Examples:\n  chancap merge shards/0 shards/1 shards/2 shards/3 --out sweep/\n  chancap merge shards/* --out sweep/"
    )]
    Merge(MergeArgs),
    /// Find the plan that maximises (or minimises) a key figure under constraints, on common random numbers.
    #[command(
        visible_alias = "optimize",
        after_help = "Examples:\n  \
chancap optimise scenarios/reference.toml --vary channels.telesales.headcount=4..16:1 \\\n    \
--vary coverage.medium.direct.share=0..0.6:0.1 --maximise contribution_mean \\\n    \
--constraint \"telesales_p_shortfall <= 0.05\"\n  \
chancap optimise FILE                 # uses the file's [optimise] table\n\n\
METRIC is any column of sweep.csv: contribution_mean, revenue_p10, p_target_revenue,\n\
telesales_p_shortfall, direct_required_fte_p90, … Probabilities are judged on their\n\
one-sided Wilson bound at --confidence. -n is the iterations per plan in the search\n\
(default 1,000); the five best and the plan as written run again on a fresh seed\n\
with ten times as many. Writes optimise.json, optimise.csv, best.toml and two charts\n\
to output/<file stem>-optimise/."
    )]
    Optimise(OptimiseArgs),
}

/// How a command simulates: iterations, seed and worker threads.
#[derive(Args)]
pub(crate) struct RunFlags {
    /// Number of iterations (overrides `scenario.iterations`).
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub(crate) iterations: Option<u64>,
    /// Seed of the random streams (overrides `scenario.seed`).
    #[arg(short, long, value_name = "SEED")]
    pub(crate) seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub(crate) threads: Option<u64>,
}

/// Where a command writes, and how much it says.
#[derive(Args)]
pub(crate) struct OutputFlags {
    /// Output directory [default: output/<file stem>/].
    #[arg(short, long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Do not draw the charts.
    #[arg(long)]
    pub(crate) no_plots: bool,
}

/// `chancap check`.
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Print nothing but problems.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// `chancap run`.
#[derive(Args)]
#[command(mut_arg("no_plots", |a| a.help("Do not draw the charts (SVG and PNG)")))]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    #[command(flatten)]
    pub(crate) output: OutputFlags,
    /// Print summary.json on stdout and nothing else (files only with --out).
    #[arg(long)]
    pub(crate) json: bool,
    /// Add iterations (1,000 at a time) until the 95 % margin of the mean revenue and mean
    /// contribution is below this share of the mean, e.g. 0.5% or 0.005.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, conflicts_with = "iterations")]
    pub(crate) precision: Option<Share>,
    /// How the uncertain inputs are sampled: mc (plain Monte Carlo) or lhs (Latin hypercube).
    #[arg(long, value_name = "METHOD", default_value = "mc", value_parser = ["mc", "lhs"], conflicts_with = "precision")]
    pub(crate) sampling: String,
    /// With --precision: stop here even if the precision is not reached [default: 1,000,000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    pub(crate) max_iterations: Option<u64>,
}

/// `chancap report`.
#[derive(Args)]
#[command(mut_arg("iterations", |a| a.conflicts_with("from")), mut_arg("seed", |a| a.conflicts_with("from")))]
pub(crate) struct ReportArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    /// Output directory [default: output/<file stem>/].
    #[arg(short, long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Read the results of an earlier `chancap run` of FILE from DIR instead of running it (and the tornado, when DIR holds an analysis of contribution); report.html is written into DIR unless --out is given.
    #[arg(long, value_name = "DIR")]
    pub(crate) from: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

/// `chancap compare`.
#[derive(Args)]
#[command(
    mut_arg("iterations", |a| a.help("Iterations per scenario [default: the first file's]")),
    mut_arg("seed", |a| a.help("Seed of every run [default: the first file's]")),
    mut_arg("out", |a| a.help("Output directory [default: output/compare/]")),
)]
pub(crate) struct CompareArgs {
    /// Scenario files (TOML), two or more; the first is the baseline.
    #[arg(required = true, num_args = 2.., value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    #[command(flatten)]
    pub(crate) output: OutputFlags,
}

/// `chancap sensitivity`.
#[derive(Args)]
#[command(
    mut_arg("iterations", |a| a
        .help("Iterations per run [default: 2,000]")
        .value_parser(clap::value_parser!(u64).range(100..=32_768))),
    mut_arg("seed", |a| a.help("Seed of every run [default: the file's]")),
    mut_arg("out", |a| a.help("Output directory [default: output/<file stem>-sensitivity/]")),
    mut_arg("no_plots", |a| a.help("Do not draw the tornado chart")),
)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// revenue, contribution, CHANNEL.shortfall or CHANNEL.required_fte.
    #[arg(long, default_value = "contribution", value_name = "METRIC")]
    pub(crate) metric: String,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    #[command(flatten)]
    pub(crate) output: OutputFlags,
}

/// `chancap sweep`.
#[derive(Args)]
#[command(
    mut_arg("iterations", |a| a.help("Iterations per point (overrides `scenario.iterations`)")),
    mut_arg("seed", |a| a.help("Seed of every point (overrides `scenario.seed`)")),
    mut_arg("out", |a| a.help("Output directory [default: output/<file stem>-sweep/]")),
)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// A parameter and its values, PATH=VALUES; repeat for more parameters. Overrides the file's [sweep].
    #[arg(long = "set", value_name = "PATH=VALUES")]
    pub(crate) sets: Vec<String>,
    /// Pair the values of the parameters by position instead of taking every combination.
    #[arg(long)]
    pub(crate) zip: bool,
    /// Largest number of points to run.
    #[arg(long, value_name = "N", default_value_t = chancap::analysis::sweep::DEFAULT_MAX_POINTS)]
    pub(crate) max_points: usize,
    /// Run only shard K of N (points whose number is K modulo N), K from 0; writes shard-K-of-N.json.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub(crate) shard: Option<(usize, usize)>,
    /// Skip points already finished in the output directory (by an interrupted run of the same sweep).
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    #[command(flatten)]
    pub(crate) output: OutputFlags,
}

/// `chancap optimise`.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("goal").args(["maximise", "minimise"])))]
pub(crate) struct OptimiseArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// A decision and its values, PATH=VALUES (the sweep's syntax); repeat for more. Overrides the file's [optimise].
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub(crate) vary: Vec<String>,
    /// The metric to maximise.
    #[arg(long, visible_alias = "maximize", value_name = "METRIC")]
    pub(crate) maximise: Option<String>,
    /// The metric to minimise.
    #[arg(long, visible_alias = "minimize", value_name = "METRIC")]
    pub(crate) minimise: Option<String>,
    /// A constraint, "METRIC <= X" or "METRIC >= X"; repeat for more.
    #[arg(long = "constraint", value_name = "\"METRIC <= X\"")]
    pub(crate) constraints: Vec<String>,
    /// Distinct plans the search may simulate [default: the file's, else 300].
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub(crate) budget: Option<u64>,
    /// One-sided confidence of the bounds probability constraints are judged on.
    #[arg(long, value_name = "C", default_value_t = 0.95, value_parser = parse_confidence)]
    pub(crate) confidence: f64,
    /// Print optimise.json to standard output instead of the summary.
    #[arg(long)]
    pub(crate) json: bool,
    /// Reuse the candidates an interrupted run of the same optimisation saved in the output directory.
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) run: RunFlags,
    #[command(flatten)]
    pub(crate) output: OutputFlags,
}

fn parse_confidence(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(c) if (0.5..1.0).contains(&c) => Ok(c),
        _ => Err(format!("expected a confidence in [0.5, 1), e.g. 0.95; found {text}")),
    }
}

/// `chancap merge`: its output directory is required, so it has its own.
#[derive(Args)]
pub(crate) struct MergeArgs {
    /// Shard files (shard-K-of-N.json, from `chancap sweep --shard`), or
    /// directories holding them; each file is read once however it is named.
    #[arg(required = true, value_name = "SHARD|DIR")]
    pub(crate) dirs: Vec<PathBuf>,
    /// Output directory.
    #[arg(short, long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Do not draw the charts.
    #[arg(long)]
    pub(crate) no_plots: bool,
}

/// `--shard K/N`.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("expected K/N with 0 ≤ K < N, e.g. 0/4, found `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

/// A share as given on the command line: `0.5%` or `0.005`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Share {
    /// The share: 0.005 for half a per cent.
    pub(crate) value: f64,
    /// Whether it was written with `%`.
    pub(crate) percent: bool,
}

/// `--precision 0.5%` or `0.005`. A number of 1 or more without `%` is
/// refused with what it would mean (`5` is 500 %).
fn parse_share(text: &str) -> Result<Share, String> {
    let t = text.trim();
    let percent = t.ends_with('%');
    let number = t.strip_suffix('%').unwrap_or(t).trim();
    let x = number
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("expected a share such as 0.5% or 0.005, found `{text}`"))?;
    let value = if percent { x / 100.0 } else { x };
    if !percent && x >= 1.0 {
        let per_cent = chancap::report::format::plain(x * 100.0);
        let (p, share) = (chancap::report::format::plain(x), chancap::report::format::plain(x / 100.0));
        return Err(format!("{p} means {per_cent} %: write {p}% or {share}"));
    }
    if value > 0.0 && value < 1.0 {
        Ok(Share { value, percent })
    } else {
        Err(format!("the precision must be above 0 and below 100 % (e.g. 0.5% or 0.005), found `{text}`"))
    }
}

/// Parses the process arguments; clap prints help, version and usage errors itself
/// (usage errors exit with status 2).
pub(crate) fn parse() -> Cli {
    Cli::parse()
}
