//! Why a command failed, and the exit status it ends with: 0 success, 1 failure
//! while running, 2 invalid input (clap ends usage errors with 2 itself).

use std::process::ExitCode;

/// Why a command failed, and so which exit status it ends with.
pub(crate) enum Failure {
    /// Invalid scenario: the rendered diagnostics, empty if already printed (exit 2).
    Invalid(String),
    /// Another invalid input: a missing file, an unusable output directory (exit 2).
    Input(anyhow::Error),
    /// A failure while running (exit 1).
    Runtime(anyhow::Error),
}

impl Failure {
    /// Prints the failure on stderr.
    pub(crate) fn report(&self) {
        match self {
            Failure::Invalid(text) if text.is_empty() => {}
            Failure::Invalid(text) => eprintln!("{text}"),
            Failure::Input(e) | Failure::Runtime(e) => eprintln!("error: {}", chain(e)),
        }
    }

    /// The process exit status.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) | Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

/// An error and its causes, `error: cause: cause`, each cause said once: a
/// cause whose text the message already holds (`cannot write to DIR: Not a
/// directory` caused by `Not a directory`) is not repeated.
pub(crate) fn chain(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
    }
    text
}

/// An invalid input, by its message alone (exit 2).
pub(crate) fn input(e: impl std::fmt::Display) -> Failure {
    Failure::Input(anyhow::anyhow!("{e}"))
}

/// A failure while running (exit 1).
pub(crate) fn runtime(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Runtime(e.into())
}

/// The exit status of a command's result; a failure is printed on stderr first.
pub(crate) fn exit_status(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report();
            ExitCode::from(failure.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::chain;

    #[test]
    fn a_cause_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("cannot write to output directory out: {source}")]
        struct Holds {
            source: std::io::Error,
        }
        let io = || std::io::Error::new(std::io::ErrorKind::NotADirectory, "Not a directory");
        let e = anyhow::Error::new(Holds { source: io() });
        assert_eq!(chain(&e), "cannot write to output directory out: Not a directory");
        let e = anyhow::Error::new(io()).context("reading x.toml");
        assert_eq!(chain(&e), "reading x.toml: Not a directory");
    }
}
