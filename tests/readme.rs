//! The README's sample outputs are the current build's. Each sample is a code
//! block right after a marker line
//!
//! ```text
//! <!-- sample: [lines=N] ARGS… -->
//! ```
//!
//! and holds what `chancap ARGS…` prints at 80 columns (its first N lines
//! when given), run from the repository as a user would (it writes under
//! `output/`). This test reruns every marked command and fails when a block
//! differs, with timings ("engine 0.38 s on 2 threads", "in 7.1 s") masked on
//! both sides; `bash scripts/readme.sh` rewrites the blocks (and redraws the
//! README's figures).

use assert_cmd::Command;

/// The samples of `readme`: (marker line index, args, lines kept, block range
/// of content lines).
struct Sample {
    args: Vec<String>,
    lines: Option<usize>,
    body: std::ops::Range<usize>,
}

fn samples(readme: &[&str]) -> Vec<Sample> {
    let mut out = Vec::new();
    for (i, line) in readme.iter().enumerate() {
        let Some(rest) = line.strip_prefix("<!-- sample: ").and_then(|r| r.strip_suffix(" -->")) else { continue };
        let mut words: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
        let lines = words.first().and_then(|w| w.strip_prefix("lines=")).map(|n| n.parse().expect("lines=N"));
        if lines.is_some() {
            words.remove(0);
        }
        assert_eq!(readme.get(i + 1).copied(), Some("```"), "a code block follows the marker on line {}", i + 1);
        let end = (i + 2..readme.len()).find(|&j| readme[j] == "```").expect("the block is closed");
        out.push(Sample { args: words, lines, body: i + 2..end });
    }
    out
}

/// What the sample's command prints now, cut to its lines. It writes where
/// the command writes by default (`output/…`, git-ignored), so the sample
/// shows what a user sees, paths included.
fn output(sample: &Sample) -> Vec<String> {
    let assert = Command::cargo_bin("chancap")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "80")
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .args(&sample.args)
        .assert()
        .success();
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if let Some(n) = sample.lines {
        lines.truncate(n);
    }
    lines
}

/// A line with its timings masked: every number directly before " s" or "s "
/// that follows "engine", "in" or "took".
fn masked(line: &str) -> String {
    let mut out = String::new();
    let words: Vec<&str> = line.split(' ').collect();
    for (i, w) in words.iter().enumerate() {
        let timing = w.parse::<f64>().is_ok()
            && words.get(i + 1).is_some_and(|u| *u == "s" || u.starts_with("s,") || u.starts_with("s."))
            || i > 0 && words[i - 1] == "on" && words.get(i + 1).is_some_and(|u| u.starts_with("thread"));
        out.push_str(if timing { "#" } else { w });
        out.push(' ');
    }
    out.trim_end().to_string()
}

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn readme_samples_are_the_current_builds_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let readme: Vec<&str> = text.lines().collect();
    let samples = samples(&readme);
    assert!(samples.len() >= 3, "the README marks its samples");
    let update = std::env::var_os("CHANCAP_UPDATE_README").is_some();
    let mut new: Vec<String> = Vec::new();
    let mut next = 0;
    let mut stale = Vec::new();
    for sample in &samples {
        let now = output(sample);
        let was = &readme[sample.body.clone()];
        if now.iter().map(|l| masked(l)).ne(was.iter().map(|l| masked(l))) {
            stale.push(format!("line {}: chancap {}", sample.body.start, sample.args.join(" ")));
        }
        new.extend(readme[next..sample.body.start].iter().map(|l| l.to_string()));
        new.extend(now);
        next = sample.body.end;
    }
    new.extend(readme[next..].iter().map(|l| l.to_string()));
    if update {
        std::fs::write(path, new.join("\n") + "\n").unwrap();
    } else {
        assert!(
            stale.is_empty(),
            "README samples differ from this build (run bash scripts/readme.sh):\n{}",
            stale.join("\n")
        );
    }
}

#[test]
fn timings_are_masked_and_nothing_else() {
    assert_eq!(
        masked("scenarios/reference.toml · 10,000 iterations · engine 0.38 s on 2 threads"),
        "scenarios/reference.toml · 10,000 iterations · engine # s on # threads"
    );
    assert_eq!(masked("300 candidates in 7.1 s, 50.6 k"), "300 candidates in # s, 50.6 k");
    assert_eq!(masked("Revenue (EUR)  20.9 M  23.5 M"), "Revenue (EUR)  20.9 M  23.5 M");
}
