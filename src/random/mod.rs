//! Random numbers: named streams, vector lanes and the samplers the engine draws
//! from. The only layer with `unsafe`, `target_feature` and processor-feature
//! detection; it imports nothing else of the crate.

pub mod dispatch;
pub mod lanes;
pub mod lognormal;
pub mod rng;
pub mod sample;
pub mod vmath;
