//! The files of a sweep run in pieces, as data: what `chancap sweep --shard K/N`
//! writes (`shard-K-of-N.json`), what every finished point leaves for `--resume`
//! (`points/point-NNNNNN.json`), and the checks `chancap merge` makes before it
//! combines shards into the [`SweepOutput`] of the sweep run in one go. The command
//! line reads and writes the files; nothing here touches the file system.

use super::{PointResult, SweepOutput};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Sub-directory of a sweep's output directory holding one file per finished point.
pub const POINTS_DIR: &str = "points";

/// A finished point as written for `--resume`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointFile {
    /// The [hash of the sweep](SweepOutput::sweep_hash) the point belongs to.
    pub sweep_hash: String,
    /// The point.
    pub point: PointResult,
}

impl PointFile {
    /// The file name of point `index`: `point-000042.json`.
    pub fn name(index: usize) -> String {
        format!("point-{index:06}.json")
    }
}

/// The points of `files` that belong to the sweep `sweep_hash`, by number: what an
/// interrupted run of the same sweep finished. Points of other sweeps are ignored.
/// A point that does not hold what a sweep writes (a damaged or edited file) is
/// ignored too, so it is run again.
pub fn finished_points(
    files: impl IntoIterator<Item = PointFile>,
    sweep_hash: &str,
    parameters: usize,
    total: usize,
) -> BTreeMap<usize, PointResult> {
    files
        .into_iter()
        .filter(|f| f.sweep_hash == sweep_hash && check_point(&f.point, parameters, total).is_ok())
        .map(|f| (f.point.index, f.point))
        .collect()
}

/// Whether a point holds what a sweep writes: a number below `total`, one
/// finite value per parameter, finite figures in order (P10 ≤ P50 ≤ P90) and
/// probabilities in [0, 1].
pub fn check_point(p: &PointResult, parameters: usize, total: usize) -> Result<(), String> {
    let at = p.index;
    if at >= total {
        return Err(format!("point {at} is beyond the sweep's {total} points"));
    }
    if p.values.len() != parameters || p.values.iter().any(|v| !v.is_finite()) {
        return Err(format!(
            "point {at} has {} values for {parameters} parameters, or a value not finite",
            p.values.len()
        ));
    }
    let band = |b: &crate::results::Band| {
        [b.mean, b.p10, b.p50, b.p90].iter().all(|x| x.is_finite()) && b.p10 <= b.p50 && b.p50 <= b.p90
    };
    let share = |x: f64| (0.0..=1.0).contains(&x);
    let f = &p.figures;
    let channels_ok = f.channels.iter().all(|c| {
        [c.utilization.as_ref(), c.shortfall.as_ref(), c.required_fte.as_ref()].into_iter().flatten().all(band)
            && c.p_shortfall.is_none_or(share)
    });
    if !band(&f.revenue) || !band(&f.contribution) || !channels_ok || !f.targets.iter().all(|t| share(t.probability)) {
        return Err(format!(
            "point {at} holds a figure that is not finite, out of order, or a probability outside [0, 1]"
        ));
    }
    Ok(())
}

/// What `sweep --shard K/N` writes: its share of the sweep output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// K, from 0.
    pub shard: usize,
    /// N, the number of shards.
    pub shards: usize,
    /// Points in the whole sweep.
    pub total_points: usize,
    /// The sweep, with only this shard's points.
    pub sweep: SweepOutput,
}

impl ShardFile {
    /// The file name of shard K of N: `shard-K-of-N.json`.
    pub fn name(k: usize, n: usize) -> String {
        format!("shard-{k}-of-{n}.json")
    }

    /// Whether `file_name` looks like a shard file's: `shard-….json`.
    pub fn is_shard_name(file_name: &str) -> bool {
        file_name.starts_with("shard-") && file_name.ends_with(".json")
    }
}

/// The point numbers of shard K of N in a sweep of `total` points: every number that
/// is K modulo N.
pub fn shard_points(k: usize, n: usize, total: usize) -> Vec<usize> {
    (k..total).step_by(n).collect()
}

/// Why shards cannot be merged. Shards are named by the names given to [`merge`]
/// (their paths).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// No shard at all.
    #[error("no shard-K-of-N.json files in the given directories; run `chancap sweep … --shard K/N` first")]
    NoShards,
    /// Two shards from different scenario files.
    #[error("{first} and {other} come from different scenario files (hash {first_hash} vs {other_hash})")]
    OtherScenario {
        /// The first shard.
        first: String,
        /// The shard that differs from it.
        other: String,
        /// The scenario hash of the first.
        first_hash: String,
        /// The scenario hash of the other.
        other_hash: String,
    },
    /// Two shards of the same file but different sweeps (or shard counts).
    #[error(
        "{first} and {other} come from different sweeps (parameters, values, iterations, seed or shard count differ)"
    )]
    OtherSweep {
        /// The first shard.
        first: String,
        /// The shard that differs from it.
        other: String,
    },
    /// The same shard twice.
    #[error("shard {shard}/{shards} is given twice: {first} and {second}")]
    Duplicate {
        /// K.
        shard: usize,
        /// N.
        shards: usize,
        /// Where it was found first.
        first: String,
        /// Where it was found again.
        second: String,
    },
    /// Shards missing.
    #[error(
        "missing shard{} {} (found {found} of {shards}); run them with `chancap sweep … --shard K/{shards}`",
        if .missing.len() == 1 { "" } else { "s" },
        list(.missing, |k| format!("{k}/{shards}"))
    )]
    Missing {
        /// The missing shard numbers.
        missing: Vec<usize>,
        /// How many different shards were found.
        found: usize,
        /// N.
        shards: usize,
    },
    /// A shard's header or one of its points is not what a sweep writes.
    #[error("{shard} is not a valid shard of this sweep: {why}")]
    Invalid {
        /// The shard file.
        shard: String,
        /// What is wrong.
        why: String,
    },
    /// Every shard is there, but their points are not every point exactly once.
    #[error(
        "the shards do not hold every point exactly once ({entries} entries for {total} points; missing {})",
        if .absent.is_empty() { "none, but some twice".to_string() } else { list(.absent, usize::to_string) }
    )]
    Points {
        /// Points in all shards together.
        entries: usize,
        /// Points in the sweep.
        total: usize,
        /// The first (up to ten) point numbers in no shard.
        absent: Vec<usize>,
    },
}

/// `a, b, c`.
fn list(items: &[usize], show: impl Fn(&usize) -> String) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

/// Combines the shards of one sweep, each with a name for the messages (its path),
/// into the output of the whole sweep: the same as the sweep run in one go. Refuses
/// shards of different scenario files or sweeps, a shard given twice, missing
/// shards and shards that do not hold every point exactly once. On success the
/// shards are exactly shards 0 to N − 1.
pub fn merge(shards: &[(String, ShardFile)]) -> Result<SweepOutput, MergeError> {
    let Some((first_name, first)) = shards.first() else { return Err(MergeError::NoShards) };
    for (name, s) in &shards[1..] {
        if s.sweep.scenario_hash != first.sweep.scenario_hash {
            return Err(MergeError::OtherScenario {
                first: first_name.clone(),
                other: name.clone(),
                first_hash: first.sweep.scenario_hash.clone(),
                other_hash: s.sweep.scenario_hash.clone(),
            });
        }
        if s.sweep.sweep_hash != first.sweep.sweep_hash
            || s.shards != first.shards
            || s.total_points != first.total_points
        {
            return Err(MergeError::OtherSweep { first: first_name.clone(), other: name.clone() });
        }
    }
    let invalid = |shard: &str, why: String| MergeError::Invalid { shard: shard.to_string(), why };
    for (name, s) in shards {
        // Bounded by the points, so a damaged count cannot ask for memory.
        if s.shards == 0 || s.shards > s.total_points.max(1) || s.shard >= s.shards {
            return Err(invalid(name, format!("shard {}/{} of {} points", s.shard, s.shards, s.total_points)));
        }
        let (h, f) = (&s.sweep, &first.sweep);
        if (&h.scenario, &h.file, h.iterations, h.seed, h.zip, &h.parameters)
            != (&f.scenario, &f.file, f.iterations, f.seed, f.zip, &f.parameters)
        {
            return Err(invalid(name, format!("its header differs from {first_name}'s")));
        }
        for p in &h.points {
            check_point(p, h.parameters.len(), s.total_points).map_err(|why| invalid(name, why))?;
        }
    }
    let n = first.shards;
    let mut seen: BTreeMap<usize, &str> = BTreeMap::new();
    for (name, s) in shards {
        if let Some(other) = seen.insert(s.shard, name) {
            return Err(MergeError::Duplicate {
                shard: s.shard,
                shards: n,
                first: other.to_string(),
                second: name.clone(),
            });
        }
    }
    let missing: Vec<usize> = (0..n).filter(|k| !seen.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing { missing, found: seen.len(), shards: n });
    }
    let total = first.total_points;
    let mut points: Vec<PointResult> = shards.iter().flat_map(|(_, s)| s.sweep.points.iter().cloned()).collect();
    points.sort_by_key(|p| p.index);
    if !points.iter().map(|p| p.index).eq(0..total) {
        let have: BTreeSet<usize> = points.iter().map(|p| p.index).collect();
        let absent: Vec<usize> = (0..total).filter(|i| !have.contains(i)).take(10).collect();
        return Err(MergeError::Points { entries: points.len(), total, absent });
    }
    let mut output = first.sweep.clone();
    output.points = points;
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Band, KeyFigures};

    fn point(index: usize) -> PointResult {
        let band = Band { mean: index as f64, p10: 0.0, p50: 1.0, p90: 2.0 };
        let figures = KeyFigures { revenue: band, contribution: band, targets: Vec::new(), channels: Vec::new() };
        PointResult { index, values: vec![index as f64], figures }
    }

    fn output(points: Vec<PointResult>) -> SweepOutput {
        SweepOutput {
            scenario: "Test".into(),
            file: "test.toml".into(),
            scenario_hash: "00000000000000aa".into(),
            sweep_hash: "00000000000000bb".into(),
            iterations: 100,
            seed: 1,
            zip: false,
            parameters: vec!["channels.telesales.headcount".into()],
            labels: Default::default(),
            points,
        }
    }

    /// The `n` shards of a sweep of `total` points, named `s0`, `s1`, ….
    fn shards(n: usize, total: usize) -> Vec<(String, ShardFile)> {
        (0..n)
            .map(|k| {
                let sweep = output(shard_points(k, n, total).into_iter().map(point).collect());
                (format!("s{k}"), ShardFile { shard: k, shards: n, total_points: total, sweep })
            })
            .collect()
    }

    #[test]
    fn shards_merge_into_the_whole_sweep_in_any_order() {
        let mut given = shards(3, 10);
        given.reverse();
        assert_eq!(merge(&given).unwrap(), output((0..10).map(point).collect()));
        assert_eq!(shard_points(1, 3, 10), [1, 4, 7]);
        assert_eq!(ShardFile::name(1, 3), "shard-1-of-3.json");
        assert!(ShardFile::is_shard_name("shard-1-of-3.json") && !ShardFile::is_shard_name("sweep.json"));
    }

    #[test]
    fn no_shard_is_refused() {
        assert_eq!(merge(&[]), Err(MergeError::NoShards));
    }

    #[test]
    fn a_missing_shard_is_named() {
        let mut given = shards(3, 10);
        given.remove(1);
        let e = merge(&given).unwrap_err();
        assert_eq!(e, MergeError::Missing { missing: vec![1], found: 2, shards: 3 });
        assert_eq!(e.to_string(), "missing shard 1/3 (found 2 of 3); run them with `chancap sweep … --shard K/3`");
        given.remove(0);
        assert!(merge(&given).unwrap_err().to_string().starts_with("missing shards 0/3, 1/3 (found 1 of 3)"));
    }

    #[test]
    fn a_duplicate_shard_is_named() {
        let mut given = shards(3, 10);
        let again = ("again".to_string(), given[2].1.clone());
        given.push(again);
        let e = merge(&given).unwrap_err();
        assert_eq!(e.to_string(), "shard 2/3 is given twice: s2 and again");
    }

    #[test]
    fn a_shard_of_another_sweep_is_refused() {
        let mut given = shards(3, 10);
        given[2].1.sweep.sweep_hash = "00000000000000cc".into();
        assert_eq!(merge(&given), Err(MergeError::OtherSweep { first: "s0".into(), other: "s2".into() }));

        let mut given = shards(3, 10);
        given[1].1.shards = 4;
        assert_eq!(merge(&given), Err(MergeError::OtherSweep { first: "s0".into(), other: "s1".into() }));

        let mut given = shards(3, 10);
        given[1].1.sweep.scenario_hash = "00000000000000dd".into();
        assert_eq!(
            merge(&given).unwrap_err().to_string(),
            "s0 and s1 come from different scenario files (hash 00000000000000aa vs 00000000000000dd)"
        );
    }

    #[test]
    fn every_point_must_be_there_exactly_once() {
        let mut given = shards(2, 6);
        given[1].1.sweep.points.retain(|p| p.index != 3);
        assert_eq!(
            merge(&given).unwrap_err().to_string(),
            "the shards do not hold every point exactly once (5 entries for 6 points; missing 3)"
        );
        let mut given = shards(2, 6);
        given[1].1.sweep.points[0] = point(0);
        assert!(merge(&given).unwrap_err().to_string().ends_with("missing 1)"));
        let mut given = shards(2, 6);
        given[1].1.sweep.points.push(point(0));
        assert!(
            merge(&given).unwrap_err().to_string().ends_with("(7 entries for 6 points; missing none, but some twice)")
        );
    }

    #[test]
    fn resuming_keeps_only_the_points_of_the_same_sweep() {
        let file = |hash: &str, index| PointFile { sweep_hash: hash.into(), point: point(index) };
        let done = finished_points([file("aa", 0), file("bb", 1), file("aa", 2)], "aa", 1, 3);
        assert_eq!(done.keys().copied().collect::<Vec<_>>(), [0, 2]);
        assert_eq!(PointFile::name(42), "point-000042.json");
    }

    /// Issue 15, item 10: merge trusts nothing of a shard — its counts, its
    /// header, the lengths and ranges of its points.
    #[test]
    fn damaged_shards_are_refused_not_merged() {
        let refused = |edit: &dyn Fn(&mut ShardFile)| {
            let mut s = shards(2, 4);
            edit(&mut s[1].1);
            match merge(&s) {
                Err(MergeError::Invalid { why, .. }) => why,
                other => panic!("merged or refused otherwise: {other:?}"),
            }
        };
        // A count that would ask for memory (here in the only shard, so that
        // no other shard's count tells it apart first).
        for (k, n) in [(0, 1_000_000_000_000), (7, 1)] {
            let mut one = shards(1, 4);
            (one[0].1.shard, one[0].1.shards) = (k, n);
            match merge(&one) {
                Err(MergeError::Invalid { why, .. }) => assert!(why.contains(&format!("shard {k}/{n}")), "{why}"),
                other => panic!("{other:?}"),
            }
        }
        // A header that differs from the first shard's.
        assert!(refused(&|s| s.sweep.seed += 1).contains("header differs"));
        // Points with the wrong number of values, a figure out of range or order.
        assert!(refused(&|s| s.sweep.points[0].values.push(1.0)).contains("values for 1 parameters"));
        assert!(refused(&|s| s.sweep.points[0].values[0] = f64::NAN).contains("not finite"));
        assert!(refused(&|s| s.sweep.points[0].figures.revenue.p10 = 5.0).contains("out of order"));
        let negative = |s: &mut ShardFile| {
            s.sweep.points[0]
                .figures
                .targets
                .push(crate::results::TargetFigure { metric: "revenue".into(), probability: -0.5 })
        };
        assert!(refused(&negative).contains("probability outside [0, 1]"));
        assert!(refused(&|s| s.sweep.points[0].index = 99).contains("beyond the sweep's 4 points"));
        // A damaged point file is not taken over by a resumed sweep: it runs again.
        let mut bad = point(1);
        bad.values.clear();
        let files =
            [PointFile { sweep_hash: "aa".into(), point: point(0) }, PointFile { sweep_hash: "aa".into(), point: bad }];
        assert_eq!(finished_points(files, "aa", 1, 4).keys().copied().collect::<Vec<_>>(), vec![0]);
    }
}
