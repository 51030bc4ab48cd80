//! The command line: parse arguments, call the library, map errors to exit codes
//! (0 success, 1 failure while running, 2 invalid input; in [`error`]). With the
//! binary, the only place besides `output.rs` that writes files. One file per
//! command; what they share is in [`common`].

mod args;
mod check;
mod common;
mod compare;
mod error;
mod merge;
mod optimise;
mod report;
mod run;
mod sensitivity;
mod sweep;

use args::Command;
use std::process::ExitCode;

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    let cli = args::parse();
    let ctx = common::Context {
        load: chancap::model::LoadOptions { repair_correlations: cli.repair_correlations },
        width: common::terminal_width(cli.wide),
    };
    let result = match &cli.command {
        Command::Check(args) => check::check(&ctx, args),
        Command::Run(args) => run::run(&ctx, args),
        Command::Report(args) => report::report(&ctx, args),
        Command::Compare(args) => compare::compare(&ctx, args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&ctx, args),
        Command::Sweep(args) => sweep::sweep(&ctx, args),
        Command::Merge(args) => merge::merge(args),
        Command::Optimise(args) => optimise::optimise(&ctx, args),
    };
    error::exit_status(result)
}
