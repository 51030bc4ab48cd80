//! Analyses built from runs: scenario comparison, sensitivity and parameter sweeps.

pub mod compare;
pub mod sensitivity;
pub mod sweep;
