//! `summary.json`: the results as pretty-printed JSON (spec §6).

use crate::results::Results;

/// The results as JSON text, ending in a newline. Key order is fixed by the
/// result types, floats are written in their shortest round-trip form, so equal
/// results give equal bytes.
pub fn summary(results: &Results) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(results).expect("results serialise: no maps with non-string keys");
    out.push(b'\n');
    out
}

/// Reads a `summary.json` back.
pub fn parse(bytes: &[u8]) -> Result<Results, serde_json::Error> {
    serde_json::from_slice(bytes)
}
