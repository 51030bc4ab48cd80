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
mod report;
mod run;
mod sensitivity;
mod sweep;

use std::process::ExitCode;

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    let (command, repair_correlations) = args::parse();
    let ctx = common::Context { load: chancap::model::LoadOptions { repair_correlations } };
    let result = match command {
        args::Command::Check(opts) => check::check(&ctx, &opts),
        args::Command::Run(opts) => run::run(&ctx, &opts),
        args::Command::Report(opts) => report::report(&ctx, &opts),
        args::Command::Compare(opts) => compare::compare(&ctx, &opts),
        args::Command::Sensitivity(opts) => sensitivity::sensitivity(&ctx, &opts),
        args::Command::Sweep(opts) => sweep::sweep(&ctx, &opts),
        args::Command::Merge(opts) => merge::merge(&opts),
    };
    error::exit_status(result)
}
