//! `chancap merge`: read the shard files of a sweep, let the library check and
//! combine them, write the output of the whole sweep.

use crate::cli::args::MergeArgs;
use crate::cli::common::output_dir;
use crate::cli::common::stdout;
use crate::cli::error::{Failure, input};
use crate::cli::sweep::{output_files, write};
use chancap::analysis::sweep::shard::{self, ShardFile};
use chancap::model::{MAX_DATA_BYTES, read_bounded};
use std::path::PathBuf;

/// The shard files named by `paths`: a file as given, a directory's
/// `shard-K-of-N.json` files in name order; each file once, however often it
/// is named (`merge shards/* shards/`).
fn shard_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| input(format!("reading {}: {e}", path.display())))?;
        let mut names: Vec<PathBuf> = if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| input(format!("reading {}: {e}", path.display())))?;
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(ShardFile::is_shard_name))
                .collect()
        } else {
            vec![path.clone()]
        };
        names.sort();
        for name in names {
            if seen.insert(std::fs::canonicalize(&name).unwrap_or_else(|_| name.clone())) {
                out.push(name);
            }
        }
    }
    Ok(out)
}

/// `chancap merge SHARD|DIR… --out DIR`
pub(crate) fn merge(opts: &MergeArgs) -> Result<(), Failure> {
    let mut shards: Vec<(String, ShardFile)> = Vec::new();
    {
        for path in shard_paths(&opts.dirs)? {
            let bytes =
                read_bounded(&path, MAX_DATA_BYTES).map_err(|e| input(format!("reading {}: {e}", path.display())))?;
            let shard: ShardFile = serde_json::from_slice(&bytes)
                .map_err(|e| input(format!("{} is not a chancap shard file: {e}", path.display())))?;
            shards.push((path.display().to_string(), shard));
        }
    }
    let output = shard::merge(&shards).map_err(input)?;
    let out_dir = output_dir(&opts.out)?;
    write(&out_dir, &output.scenario_hash, &output_files(&output, opts.no_plots)?)?;
    if !opts.quiet {
        stdout(
            format!(
                "Merged {} shards, {} points: wrote sweep.csv, sweep.json to {}\n",
                shards.len(),
                output.points.len(),
                out_dir.path().display()
            )
            .as_bytes(),
        )?;
    }
    Ok(())
}
