//! The HTML report: self-contained, complete, reproducible, and (where a browser
//! is installed) rendered and printed by a real headless Chromium.

use assert_cmd::Command;
use chancap::report::findings::findings;
use chancap::sim::RunOptions;
use std::path::{Path, PathBuf};

/// 2026-11-23 00:00:00 UTC.
const EPOCH: &str = "1795392000";

fn chancap() -> Command {
    let mut cmd = Command::cargo_bin("chancap").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", EPOCH);
    cmd
}

fn reference_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/reference.toml").to_string()
}

fn write_report(dir: &Path, extra: &[&str]) -> String {
    chancap().args(["report", &reference_path(), "-q", "--out"]).arg(dir).args(extra).assert().success().stdout("");
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn the_report_is_complete_and_self_contained() {
    let tmp = tempfile::tempdir().unwrap();
    let html = write_report(tmp.path(), &["-n", "400", "--seed", "11"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    for heading in ["Key findings", "Charts", "What matters most", "Results in figures", "Assumptions", "Method"] {
        assert!(html.contains(&format!("<h2>{heading}</h2>")), "has section {heading}");
    }
    // Run identification.
    assert!(html.contains("Wholesale 2027 reference"));
    assert!(html.contains("2026-11-23"), "date from SOURCE_DATE_EPOCH");
    assert!(html.contains("400 iterations") && html.contains("seed 11"));
    // Every chart inline, with its title as text.
    // 8 result charts, convergence and the tornado.
    assert_eq!(html.matches("<figure").count(), 10);
    assert_eq!(html.matches("<svg").count(), 10);
    assert!(html.contains("What matters most for contribution"));
    assert!(html.contains("Capacity of direct: required vs available hours per month"));
    // Assumptions as the file states them, distributions as a person reads them.
    // (Read as text: a wide table's figures and headings may break between runs.)
    let text = text_of(&html);
    assert!(
        text.contains("triangular 10 – 12 – 15") && text.contains("beta mean ") && text.contains("lognormal median ")
    );
    assert!(html.contains("<th class=\"num\">opportunities_<wbr>per_<wbr>account</th>"));
    // The terminal tables.
    assert!(html.contains("Capacity over the horizon") && html.contains("Periods at risk"));
    // Nothing from the network, no script, print CSS present.
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(!html.contains("src=") && !html.contains("<link"), "no external resources");
    let external = html.matches("http").count();
    let svg_ns = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(external, svg_ns, "the only URLs are SVG namespaces");
    assert!(html.contains("@media print") && html.contains("@page"));
}

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn a_report_from_an_earlier_run_is_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = tmp.path().join("run");
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["run", &reference_path(), "-q", "-n", "300", "--seed", "9", "--out"])
        .arg(&run_dir)
        .assert()
        .success();
    let direct = write_report(&tmp.path().join("a"), &["-n", "300", "--seed", "9"]);
    let from = write_report(&tmp.path().join("b"), &["--from", run_dir.to_str().unwrap()]);
    assert!(direct == from, "report --from DIR equals report of the same run");
}

#[test]
fn a_report_from_another_scenarios_results_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = tmp.path().join("run");
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["run", &reference_path(), "-q", "-n", "100", "--no-plots", "--out"])
        .arg(&run_dir)
        .assert()
        .success();
    let other = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one_pair.toml");
    chancap()
        .args(["report", other, "--out"])
        .arg(tmp.path().join("r"))
        .arg("--from")
        .arg(&run_dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds results of \"Wholesale 2027 reference\""));
    assert!(!tmp.path().join("r/report.html").exists());
    // A directory without results names the file it needs.
    chancap()
        .args(["report", other, "--from"])
        .arg(tmp.path())
        .arg("--out")
        .arg(tmp.path().join("r"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("summary.json").and(predicates::str::contains("chancap run")));
}

use predicates::prelude::PredicateBooleanExt;

#[test]
fn findings_of_the_reference_scenario() {
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 2000, seed: 2027 }, &|_| {});
    insta::assert_snapshot!("reference_findings", findings(&results).join("\n"));
}

/// A Chromium-family browser on PATH, if any.
fn browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn headless(browser: &Path, profile: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Runs before the page's own content: records console errors, script errors and
/// failed loads; on load, checks every image and SVG and writes the verdict into
/// the DOM, where `--dump-dom` finds it.
const PROBE: &str = r#"<script>
window.__problems = [];
const original = console.error;
console.error = function (...args) { window.__problems.push('console: ' + args.join(' ')); original.apply(console, args); };
window.addEventListener('error', e => window.__problems.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)))), true);
window.addEventListener('load', () => {
  for (const img of document.images) if (!img.complete || img.naturalWidth === 0) window.__problems.push('broken image ' + img.src);
  for (const svg of document.querySelectorAll('svg')) { const b = svg.getBoundingClientRect(); if (b.width < 100 || b.height < 50) window.__problems.push('svg not drawn'); }
  const h = [...document.querySelectorAll('h1, h2')].map(x => x.textContent.trim()).join('|');
  const wide = [];
  for (const t of document.querySelectorAll('table')) {
    const box = t.parentElement;
    if (t.scrollWidth > box.clientWidth || box.scrollWidth > box.clientWidth) {
      const title = box.previousElementSibling ? box.previousElementSibling.textContent.trim() : 'a table';
      wide.push(title + ': ' + t.scrollWidth + ' px in ' + box.clientWidth + ' px');
    }
  }
  document.body.setAttribute('data-probe', JSON.stringify({problems: window.__problems, headings: h,
    svgs: document.querySelectorAll('svg').length, wide: wide,
    page: document.documentElement.scrollWidth, viewport: window.innerWidth}));
});
</script>"#;

#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn the_report_renders_and_prints_in_a_real_browser() {
    let Some(browser) = browser() else {
        if std::env::var_os("CHANCAP_REQUIRE_BROWSER").is_some() {
            panic!("CHANCAP_REQUIRE_BROWSER is set but no chromium is on PATH; run scripts/setup.sh");
        }
        eprintln!(
            "SKIPPED the_report_renders_and_prints_in_a_real_browser: no chromium installed (scripts/setup.sh installs it)"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let html = write_report(tmp.path(), &["-n", "300"]);
    let report = tmp.path().join("report.html");
    let url = |p: &Path| format!("file://{}", p.display());

    // 1. The DOM after load, with the probe injected into a copy of the page.
    let probe = probe(&browser, tmp.path(), &html);
    assert_eq!(probe["problems"], serde_json::json!([]), "no console errors, failed loads or broken images");
    assert_eq!(probe["wide"], serde_json::json!([]), "no table scrolls sideways at 1,400 px");
    assert_eq!(probe["svgs"], 10, "all charts in the DOM");
    let headings = probe["headings"].as_str().unwrap();
    for h in ["Wholesale 2027 reference", "Key findings", "Charts", "Results in figures", "Assumptions", "Method"] {
        assert!(headings.contains(h), "heading {h} rendered: {headings}");
    }

    // 2. The unmodified page: a screenshot, and no console messages at error level.
    let shot = tmp.path().join("shot.png");
    let out = headless(&browser, &tmp.path().join("profile2"))
        .args(["--window-size=1280,2400", &format!("--screenshot={}", shot.display())])
        .arg(url(&report))
        .output()
        .unwrap();
    assert!(out.status.success(), "screenshot failed: {}", String::from_utf8_lossy(&out.stderr));
    let log = String::from_utf8_lossy(&out.stderr);
    let console_errors: Vec<&str> =
        log.lines().filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught"))).collect();
    assert!(console_errors.is_empty(), "console errors: {console_errors:?}");
    let bytes = std::fs::read(&shot).expect("screenshot written");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.as_slice()));
    let reader = decoder.read_info().expect("screenshot is a PNG");
    assert_eq!((reader.info().width, reader.info().height), (1280, 2400));

    // 3. Print to PDF: several A4 pages.
    let pdf = tmp.path().join("report.pdf");
    let out = headless(&browser, &tmp.path().join("profile3"))
        .args(["--no-pdf-header-footer", &format!("--print-to-pdf={}", pdf.display())])
        .arg(url(&report))
        .output()
        .unwrap();
    assert!(out.status.success(), "print to PDF failed: {}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(&pdf).expect("PDF written");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let pages = count(&pdf, b"/Type /Page") - count(&pdf, b"/Type /Pages");
    assert!(pages >= 4, "the printed report has {pages} pages");
}

/// The probe's verdict on `html` in a 1,400 px wide window.
fn probe(browser: &Path, dir: &Path, html: &str) -> serde_json::Value {
    let probed = dir.join("probed.html");
    std::fs::write(&probed, html.replacen("<head>", &format!("<head>\n{PROBE}"), 1)).unwrap();
    let out = headless(browser, &dir.join("profile-probe"))
        .args(["--window-size=1400,1000", "--dump-dom"])
        .arg(format!("file://{}", probed.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").expect("probe ran on load") + "data-probe=\"".len();
    let end = start + dom[start..].find('"').unwrap();
    let verdict: serde_json::Value =
        serde_json::from_str(&html_unescape(&dom[start..end])).expect("probe verdict is JSON");
    assert_eq!(verdict["viewport"], 1400, "the window is 1,400 px wide");
    verdict
}

/// Issue 16: at 1,400 px no table of the report scrolls sideways and the page
/// is no wider than the window, for the shipped scenarios and for one with
/// 40-character labels (a wide figure breaks before its P10–P90 range, a key
/// after its underscores).
#[test]
#[ignore = "heavy tier: scripts/test.sh runs it (cargo test -- --include-ignored)"]
fn the_reports_tables_fit_the_page_at_1400_px() {
    let Some(browser) = browser() else {
        if std::env::var_os("CHANCAP_REQUIRE_BROWSER").is_some() {
            panic!("CHANCAP_REQUIRE_BROWSER is set but no chromium is on PATH; run scripts/setup.sh");
        }
        eprintln!("SKIPPED the_reports_tables_fit_the_page_at_1400_px: no chromium installed");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // Segment and channel labels of about 40 characters, as a client's plan may have them.
    let long = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/long_labels.toml"));
    let shipped = ["reference", "dealer-network", "saas-inside-sales"]
        .map(|s| PathBuf::from(format!("{}/scenarios/{s}.toml", env!("CARGO_MANIFEST_DIR"))));
    for file in shipped.iter().chain([&long]) {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = tmp.path().join(&name);
        chancap().args(["report", "-q", "-n", "200", "--out"]).arg(&dir).arg(file).assert().success();
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        let verdict = probe(&browser, &dir, &html);
        assert_eq!(verdict["problems"], serde_json::json!([]), "{name}");
        assert_eq!(verdict["wide"], serde_json::json!([]), "{name}: tables wider than their place at 1,400 px");
        assert!(verdict["page"].as_u64().unwrap() <= 1400, "{name}: the page is {} px wide", verdict["page"]);
    }
}

/// The text of an HTML page: its tags left out.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The assumption tables take their columns from the scenario format's schema:
/// every row must fill exactly the columns its table has, for every kind of
/// section the shipped scenarios hold.
#[test]
fn assumption_rows_fill_their_columns() {
    for file in ["reference", "dealer-network", "saas-inside-sales"] {
        let path = format!("{}/scenarios/{file}.toml", env!("CARGO_MANIFEST_DIR"));
        let s = super::scenario(&std::fs::read_to_string(path).unwrap());
        for t in chancap::report::assumptions::sections(&s) {
            for row in &t.rows {
                assert_eq!(row.len(), t.header.len(), "{file}: {} row {row:?} against {:?}", t.title, t.header);
            }
        }
    }
}

/// A summary.json written before a list or an optional figure existed still
/// reads (absent means empty or none); a missing figure (a Stat) is refused.
#[test]
fn an_older_summary_without_newer_fields_still_reads() {
    let s = super::scenario(&super::reference());
    let results = chancap::run(&s, &RunOptions { iterations: 200, seed: 4 }, &|_| {});
    let mut json: serde_json::Value = serde_json::from_slice(&chancap::report::json::summary(&results)).unwrap();
    json.as_object_mut().unwrap().remove("targets");
    json["cells"][0].as_object_mut().unwrap().remove("hit_rate");
    json["channels"][0]["capacity"].as_object_mut().unwrap().remove("periods");
    let read: chancap::Results = serde_json::from_value(json).expect("an older file reads");
    assert!(read.targets.is_empty());
    assert_eq!(read.cells[0].metrics.hit_rate, None);
    assert_eq!(read.cells[0].metrics.revenue, results.cells[0].metrics.revenue);
    assert!(read.channels[0].capacity.as_ref().unwrap().periods.is_empty());
    let mut json: serde_json::Value = serde_json::from_slice(&chancap::report::json::summary(&results)).unwrap();
    json["totals"].as_object_mut().unwrap().remove("revenue");
    assert!(serde_json::from_value::<chancap::Results>(json).is_err(), "a figure missing is not read as 0");
}

/// Issue 15, item 11: `report --from` refuses another scenario's results even
/// when its name, segments and channels match (a 24-month run under the
/// 12-month reference made a mixed report), and a summary.json whose shape is
/// not the scenario's.
#[test]
fn report_from_refuses_another_models_results() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.toml");
    std::fs::write(&long, super::reference().replacen("periods = 12", "periods = 24", 1)).unwrap();
    let run = dir.path().join("run");
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["run", "-n", "200", "--no-plots", "--quiet", "--out"])
        .arg(&run)
        .arg(&long)
        .assert()
        .success();
    let reference = format!("{}/scenarios/reference.toml", env!("CARGO_MANIFEST_DIR"));
    Command::cargo_bin("chancap")
        .unwrap()
        .args(["report", &reference, "--quiet", "--from"])
        .arg(&run)
        .arg("--out")
        .arg(dir.path().join("report"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds results of").and(predicates::str::contains("content")));
    assert!(!dir.path().join("report").exists());
    // The same model written differently (a comment, another layout) is the same.
    let s = super::scenario(&super::reference());
    let t = super::scenario(&format!("# a comment\n{}", super::reference().replace(" = ", "=")));
    assert_eq!(s.content_hash(), t.content_hash());
    let u = super::scenario(&super::reference().replacen("accounts = 40", "accounts = 41", 1));
    assert_ne!(s.content_hash(), u.content_hash());
}

/// Issue 16: `--from` a directory that is not there says so, rather than
/// that it holds no complete output; a file in its place is named as one.
#[test]
fn report_from_a_missing_directory_says_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nosuchdir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    for (from, says) in [
        (&missing, format!("error: no such directory: {}\n", missing.display())),
        (
            &file,
            format!(
                "error: {} is a file, not a directory; --from takes the output directory of `chancap run`\n",
                file.display()
            ),
        ),
    ] {
        Command::cargo_bin("chancap")
            .unwrap()
            .args(["report", one_pair(), "--quiet", "--from"])
            .arg(from)
            .arg("--out")
            .arg(dir.path().join("report"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(says);
        assert!(!dir.path().join("report").exists());
    }
}

fn one_pair() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one_pair.toml")
}

fn bytes(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Issue 16: the report's "What matters most" runs the `sensitivity`
/// command's default iterations with the run's seed, so for the same seed the
/// two give the same numbers; the report writes them beside report.html.
#[test]
fn the_reports_tornado_equals_the_sensitivity_commands() {
    let tmp = tempfile::tempdir().unwrap();
    chancap()
        .args(["sensitivity", one_pair(), "-q", "--seed", "7", "--out"])
        .arg(tmp.path().join("s"))
        .assert()
        .success();
    chancap()
        .args(["report", one_pair(), "-q", "-n", "200", "--seed", "7", "--out"])
        .arg(tmp.path().join("r"))
        .assert()
        .success();
    let command = bytes(tmp.path().join("s/sensitivity-contribution.json"));
    assert_eq!(command, bytes(tmp.path().join("r/tornado-contribution.json")));
    let sens = chancap::report::sensitivity::parse(&command).unwrap();
    assert_eq!((sens.iterations, sens.seed), (chancap::analysis::sensitivity::DEFAULT_ITERATIONS, 7));
    // The report shows those numbers, inputs in words.
    let html = std::fs::read_to_string(tmp.path().join("r/report.html")).unwrap();
    // Prose spells utilisation one way (JSON and CSV keys keep `utilization`).
    assert!(html.contains("utilisation") && !html.to_lowercase().contains("utilization"));
    let section = &html[html.find("<h2>What matters most</h2>").unwrap()..html.find("<h2>Results in figures").unwrap()];
    assert!(section.contains("2,000 iterations per run, seed 7; means and swings in USD."), "{section}");
    let top = &sens.inputs[0];
    assert_eq!(top.input, "coverage.smb.inside.hit_rate");
    assert!(section.contains("Small businesses · inside · hit rate (USD "), "{section}");
    for input in &sens.inputs {
        let swing = chancap::report::format::money_compact(input.swing);
        assert!(section.contains(&format!("<td class=\"num\">{swing}</td>")), "swing {swing} of {}", input.input);
    }
}

/// Issue 16: `report --from DIR` takes the tornado from an analysis of the
/// same scenario in DIR (the `sensitivity` set, or an earlier report's file)
/// and says so; without one it says it runs it; another scenario's or an
/// older file's is not used, and the report says why.
#[test]
fn report_from_reads_the_tornado_of_an_earlier_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    chancap().args(["run", one_pair(), "-q", "-n", "100", "--no-plots", "--out"]).arg(&dir).assert().success();
    let report = |out: &str| {
        let out = tmp.path().join(out);
        let assert =
            chancap().args(["report", one_pair(), "--from"]).arg(&dir).arg("--out").arg(&out).assert().success();
        (String::from_utf8(assert.get_output().stdout.clone()).unwrap(), bytes(out.join("tornado-contribution.json")))
    };
    // Nothing to read: it says it runs the analysis, with the run's seed.
    let (said, _) = report("r1");
    assert!(said.starts_with("What matters most: "), "{said}");
    assert!(
        said.contains("holds no analysis of contribution for this scenario") && said.contains("so the report runs it")
    );
    // An analysis with another seed, written by `sensitivity` into DIR, is read.
    chancap().args(["sensitivity", one_pair(), "-q", "-n", "300", "--seed", "3", "--out"]).arg(&dir).assert().success();
    let (said, tornado) = report("r2");
    let file = dir.join("sensitivity-contribution.json");
    assert_eq!(
        said.lines().next().unwrap(),
        format!("What matters most: read from {} (300 iterations per run, seed 3).", file.display())
    );
    assert_eq!(tornado, bytes(file.clone()));
    // A file changed after the command wrote it is not used.
    let mut changed = chancap::report::sensitivity::parse(&bytes(file.clone())).unwrap();
    changed.inputs[0].swing *= 2.0;
    std::fs::write(&file, chancap::report::sensitivity::json(&changed)).unwrap();
    let (said, _) = report("r3");
    assert!(
        said.starts_with(&format!(
            "Note: {} is not the file chancap wrote there (its content differs from the manifest's).\n",
            file.display()
        )),
        "{said}"
    );
    assert!(said.contains("so the report runs it"), "{said}");
    // The tornado file of an earlier report in DIR is read too.
    chancap().args(["report", one_pair(), "-q", "--from"]).arg(&dir).arg("--out").arg(&dir).assert().success();
    let (said, tornado) = report("r4");
    assert!(said.contains(&format!("read from {}", dir.join("tornado-contribution.json").display())), "{said}");
    assert_eq!(tornado, bytes(dir.join("tornado-contribution.json")));
}

/// An analysis in DIR that does not record its scenario, or records another,
/// is named and not used, even in a set the manifest lists for this scenario.
#[test]
fn report_from_does_not_use_a_tornado_it_cannot_tie_to_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    chancap().args(["run", one_pair(), "-q", "-n", "100", "--no-plots", "--out"]).arg(&dir).assert().success();
    let s = super::scenario(&std::fs::read_to_string(one_pair()).unwrap());
    let metric = chancap::analysis::sensitivity::Metric::Contribution;
    let mut sens =
        chancap::analysis::sensitivity::analyse(&s, &metric, &RunOptions { iterations: 50, seed: 1 }, &|_| {});
    let out = chancap::output::OutputDir::prepare(&dir).unwrap();
    let name = "sensitivity-contribution.json";
    for (hash, why) in [("", "does not record its scenario"), ("0123abcd", "is of another scenario")] {
        sens.scenario_hash = hash.into();
        let mut json: serde_json::Value = serde_json::from_slice(&chancap::report::sensitivity::json(&sens)).unwrap();
        if hash.is_empty() {
            json.as_object_mut().unwrap().remove("scenario_hash");
        }
        let file = [(name, serde_json::to_vec(&json).unwrap())];
        out.write_set_of("sensitivity-contribution", Some(&s.content_hash()), &file).unwrap();
        let assert = chancap()
            .args(["report", one_pair(), "--from"])
            .arg(&dir)
            .arg("--out")
            .arg(tmp.path().join("r"))
            .assert()
            .success();
        let said = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert!(said.starts_with(&format!("Note: {} {why}", dir.join(name).display())), "{said}");
        assert!(said.contains("so the report runs it"), "{said}");
    }
}
