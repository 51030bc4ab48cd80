//! `chancap check`: validate scenario files and describe them.

use crate::cli::args::CheckArgs;
use crate::cli::common::{Context, print_warnings, stdout};
use crate::cli::error::Failure;

/// `chancap check FILE…`: every file is checked; each problem is printed as it is
/// found, so the failure returned carries only the count.
pub(crate) fn check(ctx: &Context, opts: &CheckArgs) -> Result<(), Failure> {
    let mut invalid = 0;
    for path in &opts.files {
        match ctx.load(path) {
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
