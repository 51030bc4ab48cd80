//! Analyses built from runs: scenario comparison, sensitivity, parameter sweeps
//! and the optimiser.

pub mod compare;
pub mod optimise;
pub mod sensitivity;
pub mod sweep;
