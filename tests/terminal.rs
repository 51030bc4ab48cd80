//! What a user meets in the terminal: tables that fit its width, `--wide`,
//! `check`'s description, the flags that are refused or said up front, and the
//! sweep's resume line.

use assert_cmd::Command;
use chancap::analysis::sweep::{PointResult, SweepOutput};
use chancap::report;
use chancap::results::KeyFigures;
use chancap::sim::RunOptions;
use predicates::prelude::*;
use std::path::PathBuf;
use unicode_width::UnicodeWidthStr;

fn chancap() -> Command {
    let mut cmd = Command::cargo_bin("chancap").unwrap();
    cmd.env_remove("COLUMNS");
    cmd
}

/// The three shipped scenarios: (file, a people channel's headcount path).
fn shipped() -> Vec<(PathBuf, &'static str)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    vec![
        (dir.join("reference.toml"), "channels.telesales.headcount"),
        (dir.join("dealer-network.toml"), "channels.key-accounts.headcount"),
        (dir.join("saas-inside-sales.toml"), "channels.inside.headcount"),
    ]
}

/// Fails with the offending lines when a line of `text` is wider than `width`.
#[track_caller]
fn assert_fits(text: &str, width: usize, what: &str) {
    let wide: Vec<String> =
        text.lines().filter(|l| l.width() > width).map(|l| format!("{:>4}: {l}", l.width())).collect();
    assert!(wide.is_empty(), "{what}: lines wider than {width} columns:\n{}\n\nin:\n{text}", wide.join("\n"));
}

/// Runs `chancap ARGS` at `COLUMNS=width` and returns its stdout.
fn stdout_at(width: usize, args: &[&str]) -> String {
    let out = chancap().env("COLUMNS", width.to_string()).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn every_commands_output_fits_80_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    for (file, headcount) in shipped() {
        let f = file.to_str().unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let runs: Vec<(&str, Vec<String>)> = vec![
            ("run", vec!["run".into(), f.into(), "-n".into(), "300".into(), "--no-plots".into()]),
            ("check", vec!["check".into(), f.into()]),
            ("compare", vec!["compare".into(), f.into(), f.into(), "-n".into(), "200".into(), "--no-plots".into()]),
            ("sensitivity", vec!["sensitivity".into(), f.into(), "-n".into(), "100".into(), "--no-plots".into()]),
            (
                "sweep",
                vec![
                    "sweep".into(),
                    f.into(),
                    "--set".into(),
                    format!("{headcount}=2..6:2"),
                    "-n".into(),
                    "100".into(),
                    "--no-plots".into(),
                ],
            ),
            (
                "optimise",
                vec![
                    "optimise".into(),
                    f.into(),
                    "--vary".into(),
                    format!("{headcount}=2..6:2"),
                    "--maximise".into(),
                    "contribution_mean".into(),
                    "--constraint".into(),
                    "p_target_revenue >= 0.01".into(),
                    "-n".into(),
                    "100".into(),
                    "--no-plots".into(),
                ],
            ),
        ];
        for (command, mut args) in runs {
            if command != "check" {
                args.extend(["--out".to_string(), out(&format!("{stem}-{command}"))]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let text = stdout_at(80, &args);
            assert!(text.lines().count() > 3, "{command} {stem} printed:\n{text}");
            assert_fits(&text, 80, &format!("{command} {stem}"));
        }
    }
}

/// A sweep output of `n` points, each with the key figures of `results`.
fn sweep_of(results: &chancap::results::Results, parameters: &[&str], n: usize) -> SweepOutput {
    let figures = KeyFigures::of(results);
    SweepOutput {
        scenario: results.scenario.name.clone(),
        file: results.scenario.file.clone(),
        scenario_hash: String::new(),
        sweep_hash: String::new(),
        iterations: results.scenario.iterations,
        seed: 1,
        zip: false,
        parameters: parameters.iter().map(|p| p.to_string()).collect(),
        labels: Default::default(),
        points: (0..n)
            .map(|i| PointResult {
                index: i,
                values: parameters.iter().map(|_| i as f64 * 1_250.5).collect(),
                figures: figures.clone(),
            })
            .collect(),
    }
}

#[test]
fn every_table_fits_60_80_and_120_columns() {
    use chancap::analysis::sensitivity::{Metric, analyse};
    for (file, headcount) in shipped() {
        let s = chancap::model::Scenario::from_path(&file).unwrap();
        let results = chancap::run(&s, &RunOptions { iterations: 300, seed: 2 }, &|_| {});
        let sens = analyse(&s, &Metric::Contribution, &RunOptions { iterations: 100, seed: 2 }, &|_| {});
        let c = chancap::analysis::compare::compare(
            &[s.clone(), s.clone(), s.clone()],
            &RunOptions { iterations: 200, seed: 2 },
            &|_| {},
        );
        let sweep = sweep_of(&results, &[headcount, "coverage.some.long.parameter.path.share"], 20);
        for width in [60, 80, 120] {
            let name = |what: &str| format!("{what} of {} at {width}", file.display());
            assert_fits(
                &report::table::report(&results, "engine 0.1 s on 2 threads", Some(width)),
                width,
                &name("run"),
            );
            let mut lhs = results.clone();
            lhs.scenario.sampling = "lhs".into();
            let text = report::table::report(&lhs, "", Some(width));
            assert!(text.contains("plain Monte Carlo"), "{text}");
            assert_fits(&text, width, &name("Latin hypercube run"));
            let labels = report::labels::Labels::of_scenario(&s);
            assert_fits(&report::sensitivity::table(&sens, &labels).fit(Some(width)), width, &name("sensitivity"));
            assert_fits(&report::compare::table(&c).fit(Some(width)), width, &name("compare"));
            assert_fits(&report::sweep::table(&sweep, &s.currency, &labels).fit(Some(width)), width, &name("sweep"));
        }
    }
}

#[test]
fn wide_keeps_one_line_per_row_and_fitting_keeps_every_number() {
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 300, seed: 2 }, &|_| {});
    let wide = report::table::report(&results, "", None);
    let narrow = report::table::report(&results, "", Some(80));
    // Wide: the service concept's header and each of its rows on one line.
    let header = wide.lines().find(|l| l.contains("Opportunities") && l.contains("Hit rate")).unwrap();
    assert!(header.contains("Cost-to-serve") && header.width() > 120, "{header}");
    let row = wide.lines().find(|l| l.contains("Key accounts") && l.contains("direct")).unwrap();
    assert_eq!(row.matches('(').count(), 6, "six ranges on one line: {row}");
    // Narrow: the same cells, none lost, in parts of at most 80 columns.
    assert!(narrow.contains("(part 1 of 2)"), "{narrow}");
    let cells = |text: &str| -> Vec<String> {
        let mut v: Vec<String> = text
            .split(|c: char| c.is_whitespace())
            .filter(|w| w.starts_with('(') && w.ends_with(')') && w.len() > 2)
            .map(String::from)
            .collect();
        v.sort();
        v
    };
    let wide_cells = cells(&wide);
    for cell in &wide_cells {
        assert!(narrow.contains(cell.as_str()), "{cell} is in the wide tables but not in the fitted ones");
    }
    // Through the binary: --wide at COLUMNS=80 prints the wide tables.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let args = ["run", &format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR")), "-n", "300", "--no-plots"];
    let wide_run = chancap()
        .env("COLUMNS", "80")
        .args(args)
        .arg("--wide")
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let wide_run = String::from_utf8(wide_run).unwrap();
    assert!(wide_run.lines().any(|l| l.width() > 120), "--wide keeps the full width:\n{wide_run}");
    assert!(!wide_run.contains("(part "), "{wide_run}");
    // Output that is not a terminal, without COLUMNS: 100 columns.
    let piped = chancap().args(args).arg("--out").arg(&out).assert().success().get_output().stdout.clone();
    let piped = String::from_utf8(piped).unwrap();
    assert_fits(&piped, 100, "run into a pipe");
    assert!(piped.lines().any(|l| l.width() > 80), "100 columns are used:\n{piped}");
}

#[test]
fn a_table_too_narrow_for_parts_becomes_blocks() {
    use chancap::report::table::Section;
    let mut t = Section::new("Long names", &["Segment", "Channel", "Revenue", "Contribution"], 2);
    let name = "Enterprise customers with more than a thousand staff (1,000+)";
    t.rows.push(vec![name.into(), "direct".into(), "12.1 M (10.2–14.5)".into(), "−154 k (−210 k to −93 k)".into()]);
    let text = t.fit(Some(40));
    assert_fits(&text, 40, "blocks");
    assert!(text.contains("Contribution  −154 k (−210 k to −93 k)"), "{text}");
    assert!(text.contains("Revenue       12.1 M (10.2–14.5)"), "{text}");
    assert!(text.contains("thousand staff"), "{text}");
}

/// Issue 16: a table split into parts shares its number columns evenly
/// among as few parts as fit (3 + 3, not 5 + 1 with a lone column).
#[test]
fn a_split_table_shares_its_columns_evenly() {
    use chancap::report::table::Section;
    let names = ["Revenue", "Cost", "Margin", "Profit", "Turnover", "Share"];
    let mut header = vec!["Channel"];
    header.extend(names);
    let mut t = Section::new("", &header, 1);
    for channel in ["direct", "telesales", "partners"] {
        let mut row = vec![channel.to_string()];
        row.extend(names.iter().map(|_| "12.1 M (10.2–14.5)".to_string()));
        t.rows.push(row);
    }
    let mut seen = Vec::new();
    for width in 30..=120 {
        let text = t.fit(Some(width));
        assert_fits(&text, width, &format!("six columns at {width}"));
        let parts: Vec<usize> = text
            .split("(part ")
            .skip(1)
            .map(|part| {
                let heading = part.lines().nth(2).unwrap();
                names.iter().filter(|n| heading.split_whitespace().any(|w| w == **n)).count()
            })
            .collect();
        if parts.is_empty() {
            continue;
        }
        assert_eq!(parts.iter().sum::<usize>(), 6, "every column once at {width}:\n{text}");
        let (most, least) = (parts.iter().max().unwrap(), parts.iter().min().unwrap());
        assert!(most - least <= 1, "parts of {parts:?} columns at {width}:\n{text}");
        if !seen.contains(&parts) {
            seen.push(parts);
        }
    }
    // Both two and three parts occur between 30 and 120 columns.
    assert!(seen.contains(&vec![3, 3]) && seen.contains(&vec![2, 2, 2]), "{seen:?}");
}

#[test]
fn check_describes_the_scenario_in_lines_that_fit() {
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    let text = stdout_at(80, &["check", &reference]);
    assert_fits(&text, 80, "check");
    for expected in [
        "reference.toml: valid.",
        "  \"Wholesale 2027 reference\": 12 months in EUR; 10,000 iterations, seed 2027 by",
        "  5 segments, 27,490 accounts: Key accounts: 40, Large customers: 250, Medium",
        "  4 channels: direct (direct, 16 people), telesales (telesales, 8 people),",
        "  11 coverage rows: Key accounts → direct 100 %; Large customers → direct 70 %,",
        "  2 campaigns: spring-call (Prospects via telesales, months 3, 4), autumn-call",
        "  20 of 46 inputs uncertain (given as distributions)",
        "  No correlations",
        "  Targets: revenue ≥ EUR 26,000,000, contribution ≥ EUR 2,500,000",
        "  Capacity: enforced (demand beyond it is lost)",
    ] {
        assert!(text.lines().any(|l| l.ends_with(expected) || l == expected), "no line `{expected}` in:\n{text}");
    }
    // [sweep] and [optimise] tables and correlations are described too.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("with-tables.toml");
    let extra = "\n[[correlations]]\nbetween = [\"coverage.key.direct.hit_rate\", \"coverage.large.direct.hit_rate\"]\n\
                 rank = 0.5\n\n[sweep]\n\"channels.telesales.headcount\" = \"6..14:2\"\n\n[optimise]\n\
                 maximise = \"contribution_mean\"\nconstraints = [\"telesales_p_shortfall <= 0.05\"]\n\n\
                 [optimise.vary]\n\"channels.telesales.headcount\" = [6, 8, 10]\n";
    std::fs::write(&file, super::reference() + extra).unwrap();
    let text = stdout_at(80, &["check", file.to_str().unwrap()]);
    assert_fits(&text, 80, "check with tables");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "1 correlation (rank): Key accounts · direct · hit rate – Large customers · direct · hit rate (0.5)",
        "[sweep]: channels.telesales.headcount = 6..14:2",
        "[optimise]: maximise contribution_mean over channels.telesales.headcount = 6, 8, 10, subject to \
         telesales_p_shortfall <= 0.05",
    ] {
        assert!(words.contains(expected), "no `{expected}` in:\n{text}");
    }
}

#[test]
fn max_iterations_without_precision_is_refused() {
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    chancap().args(["run", &reference, "--max-iterations", "5000"]).assert().code(2).stdout("").stderr(
        "error: --max-iterations only bounds a --precision run, and this run has no --precision: add \
                 --precision (e.g. --precision 0.5%), or give the number of iterations with --iterations\n",
    );
}

#[test]
fn a_precision_of_one_or_more_is_refused_with_what_it_means() {
    for (given, says) in [
        ("5", "5 means 500 %: write 5% or 0.05"),
        ("1", "1 means 100 %: write 1% or 0.01"),
        ("2.5", "2.5 means 250 %: write 2.5% or 0.025"),
    ] {
        chancap()
            .args(["run", "any.toml", "--precision", given])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    chancap().args(["run", "any.toml", "--precision", "150%"]).assert().code(2).stderr(predicate::str::contains(
        "the precision must be above 0 and below 100 % (e.g. 0.5% or 0.005), found `150%`",
    ));
}

#[test]
fn a_loose_precision_is_said_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    let run = |share: &str| {
        let out = chancap()
            .args(["run", &reference, "--precision", share, "--max-iterations", "2000", "--no-plots", "--out"])
            .arg(tmp.path())
            .assert()
            .success();
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    };
    let stderr = run("0.5");
    assert_eq!(
        stderr.lines().next().unwrap(),
        "warning: --precision 0.5 asks for a 95 % margin of 50 % of the mean; for 0.5 % write --precision 0.5%"
    );
    // Written as a percentage, or small: nothing to say.
    assert_eq!(run("50%"), "");
    assert_eq!(run("0.05"), "");
}

#[test]
fn a_resumed_sweep_says_how_many_points_it_read() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    let args = ["sweep", &reference, "--set", "channels.telesales.headcount=6..12:2", "-n", "100", "--no-plots"];
    let sweep = |resume: bool| {
        let mut cmd = chancap();
        cmd.args(args).arg("--out").arg(&out);
        if resume {
            cmd.arg("--resume");
        }
        String::from_utf8(cmd.assert().success().get_output().stderr.clone()).unwrap()
    };
    let dir = format!("{}{}", out.join("points").display(), std::path::MAIN_SEPARATOR);
    assert_eq!(sweep(true), format!("resumed: no finished point of this sweep in {dir}; running all 4\n"));
    // Two of the four point files lost: two are read, two run again.
    for p in std::fs::read_dir(out.join("points")).unwrap().take(2) {
        std::fs::remove_file(p.unwrap().path()).unwrap();
    }
    assert_eq!(sweep(true), format!("resumed: 2 of 4 points read from {dir}\n"));
    assert_eq!(sweep(false), "");
}

#[test]
fn a_cause_is_printed_once() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    let out = chancap().args(["run", &reference, "-n", "100", "--out"]).arg(blocker.join("sub")).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: cannot write to output directory {}: Not a directory (os error 20)\n",
            blocker.join("sub").display()
        )
    );
    chancap()
        .args(["run", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr("error: cannot read no/such/file.toml: No such file or directory (os error 2)\n");
}

#[test]
fn repaired_correlations_are_warned_at_their_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("inconsistent.toml");
    let pair = |a: &str, b: &str, r: &str| format!("\n[[correlations]]\nbetween = [\"{a}\", \"{b}\"]\nrank = {r}\n");
    let (g, k, l) = ("scenario.market_growth", "coverage.key.direct.hit_rate", "coverage.large.direct.hit_rate");
    let text = super::reference() + &pair(g, k, "0.9") + &pair(g, l, "0.9") + &pair(k, l, "-0.9");
    std::fs::write(&file, &text).unwrap();
    let lines = text.lines().count();
    let out = chancap()
        .args(["--repair-correlations", "check", "-q"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    // One warning per [[correlations]] entry, at its `rank` line, shown.
    let at: Vec<usize> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("warning: {}:", file.display())))
        .map(|rest| rest.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(at, [lines - 8, lines - 4, lines], "{stderr}");
    assert!(stderr.contains("correlations[1].rank: rank 0.900 → "), "{stderr}");
    assert!(stderr.contains("--repair-correlations uses the nearest valid matrix"), "{stderr}");
    assert!(stderr.contains(&format!("{} | rank = 0.9\n", lines - 8)), "{stderr}");
}
