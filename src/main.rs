//! The `chancap` binary: parse arguments, call the library, map errors to exit
//! codes (0 success, 1 failure while running, 2 invalid input).

mod cli;
mod commands;
mod sweep_commands;

use std::process::ExitCode;

fn main() -> ExitCode {
    let (command, repair_correlations) = cli::parse();
    commands::set_load_options(chancap::scenario::LoadOptions { repair_correlations });
    let result = match command {
        cli::Command::Check(opts) => commands::check(&opts),
        cli::Command::Run(opts) => commands::run(&opts),
        cli::Command::Report(opts) => commands::report(&opts),
        cli::Command::Compare(opts) => commands::compare(&opts),
        cli::Command::Sensitivity(opts) => commands::sensitivity(&opts),
        cli::Command::Sweep(opts) => sweep_commands::sweep(&opts),
        cli::Command::Merge(opts) => sweep_commands::merge(&opts),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report();
            ExitCode::from(failure.exit_code())
        }
    }
}
