//! The command line: clap's definition, turned into plain option structs. No clap
//! type leaves this file.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// What the user asked for.
pub enum Command {
    /// Validate scenario files.
    Check(CheckOptions),
    /// Simulate a scenario.
    Run(RunCommand),
    /// Write the HTML report.
    Report(ReportCommand),
    /// Compare scenarios.
    Compare(CompareCommand),
    /// Sensitivity analysis of one metric.
    Sensitivity(SensitivityCommand),
    /// Run a parameter sweep (or one shard of it).
    Sweep(SweepCommand),
    /// Combine sweep shards.
    Merge(MergeCommand),
}

/// `chancap sensitivity`.
pub struct SensitivityCommand {
    pub file: PathBuf,
    pub metric: String,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
    pub no_plots: bool,
}

/// `chancap compare`.
pub struct CompareCommand {
    pub files: Vec<PathBuf>,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
    pub no_plots: bool,
}

/// `chancap sweep`.
pub struct SweepCommand {
    pub file: PathBuf,
    pub sets: Vec<String>,
    pub zip: bool,
    pub max_points: usize,
    pub shard: Option<(usize, usize)>,
    pub resume: bool,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
    pub no_plots: bool,
}

/// `chancap merge`.
pub struct MergeCommand {
    pub dirs: Vec<PathBuf>,
    pub out: PathBuf,
    pub quiet: bool,
    pub no_plots: bool,
}

/// `chancap check`.
pub struct CheckOptions {
    pub files: Vec<PathBuf>,
    pub quiet: bool,
}

/// `chancap run`.
pub struct RunCommand {
    pub file: PathBuf,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
    pub no_plots: bool,
    pub precision: Option<f64>,
    pub max_iterations: u64,
    pub lhs: bool,
}

/// `chancap report`.
pub struct ReportCommand {
    pub file: PathBuf,
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub from: Option<PathBuf>,
    pub quiet: bool,
}

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
struct Cli {
    #[command(subcommand)]
    command: Sub,
    /// If the [[correlations]] of a file cannot all hold at once, use the nearest valid
    /// correlation matrix (and say how each pair moved) instead of refusing the file.
    #[arg(long, global = true)]
    repair_correlations: bool,
}

#[derive(Subcommand)]
enum Sub {
    /// Validate scenario files and describe what they hold; nothing is simulated.
    #[command(after_help = "Examples:\n  chancap check scenarios/reference.toml\n  chancap check scenarios/*.toml")]
    Check {
        /// Scenario files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print nothing but problems.
        #[arg(short, long)]
        quiet: bool,
    },
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
    Compare {
        /// Scenario files (TOML), two or more; the first is the baseline.
        #[arg(required = true, num_args = 2.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Iterations per scenario [default: the first file's].
        #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        iterations: Option<u64>,
        /// Seed of every run [default: the first file's].
        #[arg(short, long, value_name = "SEED")]
        seed: Option<u64>,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Output directory [default: output/compare/].
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Do not draw the charts.
        #[arg(long)]
        no_plots: bool,
    },
    /// Which assumption matters most: a tornado (each input at its P10 and P90) and rank correlations.
    #[command(after_help = "Examples:\n  \
        chancap sensitivity scenarios/reference.toml                      # contribution\n  \
        chancap sensitivity scenarios/reference.toml --metric revenue\n  \
        chancap sensitivity FILE --metric direct.required_fte --iterations 4000\n  \
        chancap sensitivity FILE --metric telesales.shortfall\n\n\
        Runs the scenario once plus twice per uncertain input (held at its P10, then its P90), all\n\
        with the same seed, so the swings measure the inputs, not the noise.")]
    Sensitivity {
        /// Scenario file (TOML).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// revenue, contribution, CHANNEL.shortfall or CHANNEL.required_fte.
        #[arg(long, default_value = "contribution", value_name = "METRIC")]
        metric: String,
        /// Iterations per run [default: 2,000].
        #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(100..=32_768))]
        iterations: Option<u64>,
        /// Seed of every run [default: the file's].
        #[arg(short, long, value_name = "SEED")]
        seed: Option<u64>,
        /// Worker threads [default: all cores]. Results do not depend on it.
        #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
        threads: Option<u64>,
        /// Output directory [default: output/<file stem>-sensitivity/].
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Do not draw the tornado chart.
        #[arg(long)]
        no_plots: bool,
    },
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
    Merge {
        /// Directories holding shard-K-of-N.json files (from `chancap sweep --shard`).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(short, long, value_name = "DIR")]
        out: PathBuf,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Do not draw the charts.
        #[arg(long)]
        no_plots: bool,
    },
}

#[derive(Args)]
struct SweepArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// A parameter and its values, PATH=VALUES; repeat for more parameters. Overrides the file's [sweep].
    #[arg(long = "set", value_name = "PATH=VALUES")]
    sets: Vec<String>,
    /// Pair the values of the parameters by position instead of taking every combination.
    #[arg(long)]
    zip: bool,
    /// Largest number of points to run.
    #[arg(long, value_name = "N", default_value_t = chancap::analysis::sweep::DEFAULT_MAX_POINTS)]
    max_points: usize,
    /// Run only shard K of N (points whose number is K modulo N), K from 0; writes shard-K-of-N.json.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Skip points already finished in the output directory (by an interrupted run of the same sweep).
    #[arg(long)]
    resume: bool,
    /// Iterations per point (overrides `scenario.iterations`).
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    iterations: Option<u64>,
    /// Seed of every point (overrides `scenario.seed`).
    #[arg(short, long, value_name = "SEED")]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Output directory [default: output/<file stem>-sweep/].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Do not draw the charts.
    #[arg(long)]
    no_plots: bool,
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("expected K/N with 0 ≤ K < N, e.g. 0/4, found `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || k >= n {
        return Err(bad());
    }
    Ok((k, n))
}

#[derive(Args)]
struct ReportArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Number of iterations (overrides `scenario.iterations`).
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000), conflicts_with = "from")]
    iterations: Option<u64>,
    /// Seed of the random streams (overrides `scenario.seed`).
    #[arg(short, long, value_name = "SEED", conflicts_with = "from")]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Output directory [default: output/<file stem>/].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Read the results of an earlier `chancap run` of FILE from DIR instead of running it.
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct RunArgs {
    /// Scenario file (TOML).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Number of iterations (overrides `scenario.iterations`).
    #[arg(short = 'n', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    iterations: Option<u64>,
    /// Seed of the random streams (overrides `scenario.seed`).
    #[arg(short, long, value_name = "SEED")]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Output directory [default: output/<file stem>/].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print summary.json on stdout and nothing else (files only with --out).
    #[arg(long)]
    json: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Do not draw the charts (SVG and PNG).
    #[arg(long)]
    no_plots: bool,
    /// Add iterations (1,000 at a time) until the 95 % margin of the mean revenue and mean
    /// contribution is below this share of the mean, e.g. 0.5% or 0.005.
    #[arg(long, value_name = "SHARE", value_parser = parse_share, conflicts_with = "iterations")]
    precision: Option<f64>,
    /// How the uncertain inputs are sampled: mc (plain Monte Carlo) or lhs (Latin hypercube).
    #[arg(long, value_name = "METHOD", default_value = "mc", value_parser = ["mc", "lhs"], conflicts_with = "precision")]
    sampling: String,
    /// With --precision: stop here even if the precision is not reached.
    #[arg(long, value_name = "N", default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
    max_iterations: u64,
}

fn parse_share(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("expected a share such as 0.5% or 0.005, found `{text}`"))?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!("the precision must lie between 0 and 100 %, found `{text}`"))
    }
}

/// Parses the process arguments; clap prints help, version and usage errors itself
/// (usage errors exit with status 2).
pub fn parse() -> (Command, bool) {
    let cli = Cli::parse();
    let repair = cli.repair_correlations;
    let command = match cli.command {
        Sub::Check { files, quiet } => Command::Check(CheckOptions { files, quiet }),
        Sub::Run(a) => Command::Run(RunCommand {
            file: a.file,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map(|t| t as usize),
            out: a.out,
            json: a.json,
            quiet: a.quiet,
            no_plots: a.no_plots,
            precision: a.precision,
            max_iterations: a.max_iterations,
            lhs: a.sampling == "lhs",
        }),
        Sub::Sweep(a) => Command::Sweep(SweepCommand {
            file: a.file,
            sets: a.sets,
            zip: a.zip,
            max_points: a.max_points,
            shard: a.shard,
            resume: a.resume,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map(|t| t as usize),
            out: a.out,
            quiet: a.quiet,
            no_plots: a.no_plots,
        }),
        Sub::Compare { files, iterations, seed, threads, out, quiet, no_plots } => Command::Compare(CompareCommand {
            files,
            iterations,
            seed,
            threads: threads.map(|t| t as usize),
            out,
            quiet,
            no_plots,
        }),
        Sub::Sensitivity { file, metric, iterations, seed, threads, out, quiet, no_plots } => {
            Command::Sensitivity(SensitivityCommand {
                file,
                metric,
                iterations,
                seed,
                threads: threads.map(|t| t as usize),
                out,
                quiet,
                no_plots,
            })
        }
        Sub::Merge { dirs, out, quiet, no_plots } => Command::Merge(MergeCommand { dirs, out, quiet, no_plots }),
        Sub::Report(a) => Command::Report(ReportCommand {
            file: a.file,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map(|t| t as usize),
            out: a.out,
            from: a.from,
            quiet: a.quiet,
        }),
    };
    (command, repair)
}
