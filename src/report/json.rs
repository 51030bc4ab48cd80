//! `summary.json`: the results as pretty-printed JSON (spec §6), and beside it
//! `distributions.json`: the binned outcomes the charts draw.

use crate::results::{Distributions, Results};

/// The results as JSON text, ending in a newline. Key order is fixed by the
/// result types, floats are written in their shortest round-trip form, so equal
/// results give equal bytes.
pub fn summary(results: &Results) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(results).expect("results serialise: no maps with non-string keys");
    out.push(b'\n');
    out
}

/// The binned outcomes as JSON text, ending in a newline.
pub fn distributions(results: &Results) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&results.distributions).expect("histograms serialise: plain numbers only");
    out.push(b'\n');
    out
}

/// Reads a `summary.json` back (without distributions).
pub fn parse(bytes: &[u8]) -> Result<Results, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Reads a `distributions.json` back.
pub fn parse_distributions(bytes: &[u8]) -> Result<Distributions, serde_json::Error> {
    serde_json::from_slice(bytes)
}
