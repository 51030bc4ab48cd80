//! The command line: parse arguments, call the library, map errors to exit codes
//! (0 success, 1 failure while running, 2 invalid input). With the binary, the
//! only place besides `output.rs` that writes files.

mod args;
mod commands;
mod sweep;

use std::process::ExitCode;

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    let (command, repair_correlations) = args::parse();
    commands::set_load_options(chancap::model::LoadOptions { repair_correlations });
    let result = match command {
        args::Command::Check(opts) => commands::check(&opts),
        args::Command::Run(opts) => commands::run(&opts),
        args::Command::Report(opts) => commands::report(&opts),
        args::Command::Compare(opts) => commands::compare(&opts),
        args::Command::Sensitivity(opts) => commands::sensitivity(&opts),
        args::Command::Sweep(opts) => sweep::sweep(&opts),
        args::Command::Merge(opts) => sweep::merge(&opts),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report();
            ExitCode::from(failure.exit_code())
        }
    }
}
