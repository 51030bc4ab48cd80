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
                  chancap report scenarios/reference.toml\n\n\
                  Exit status: 0 success, 1 failure while running, 2 invalid input or usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
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
    /// Simulate a scenario: print the report and write summary.json, cells.csv, capacity.csv.
    #[command(
        after_help = "Examples:\n  chancap run scenarios/reference.toml            # writes output/reference/\n  \
                            chancap run FILE --iterations 50000 --seed 7 --threads 2 --out DIR\n  \
                            chancap run FILE --json                         # summary.json on stdout only"
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
}

/// Parses the process arguments; clap prints help, version and usage errors itself
/// (usage errors exit with status 2).
pub fn parse() -> Command {
    match Cli::parse().command {
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
        }),
        Sub::Report(a) => Command::Report(ReportCommand {
            file: a.file,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map(|t| t as usize),
            out: a.out,
            from: a.from,
            quiet: a.quiet,
        }),
    }
}
