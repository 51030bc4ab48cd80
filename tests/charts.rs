//! Charts: every chart is drawn, PNGs decode at the stated size and are not
//! blank, SVGs carry their titles and labels as text.

use chancap::report::charts::{self, Chart, HEIGHT, WIDTH};
use chancap::results::Results;
use chancap::sim::RunOptions;

fn one_pair() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one_pair.toml")).unwrap()
}

fn draw(text: &str, iterations: u64) -> (Results, Vec<Chart>) {
    let s = super::scenario(text);
    let results = chancap::run(&s, &RunOptions { iterations, seed: 3 }, &|_| {});
    let drawn = charts::all(&results).expect("charts draw");
    (results, drawn)
}

/// Decodes a PNG and returns (width, height, share of pixels that are not white,
/// number of distinct colours among a sample of pixels).
fn inspect_png(bytes: &[u8]) -> (u32, u32, f64, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let ink = pixels.iter().filter(|p| p.iter().take(3).any(|c| *c < 250)).count() as f64 / pixels.len() as f64;
    let mut colours: Vec<&[u8]> = pixels.iter().step_by(97).copied().collect();
    colours.sort();
    colours.dedup();
    (info.width, info.height, ink, colours.len())
}

fn check_chart(chart: &Chart) {
    let (w, h, ink, colours) = inspect_png(&chart.png);
    assert_eq!((w, h), (WIDTH, HEIGHT), "{}: PNG size", chart.name);
    assert!(w >= 1600, "PNG at least 1600 px wide");
    assert!(ink > 0.02, "{}: PNG is nearly blank ({:.1} % ink)", chart.name, ink * 100.0);
    assert!(colours >= 5, "{}: PNG has only {colours} colours", chart.name);
    assert!(chart.svg.starts_with("<svg"), "{}: SVG", chart.name);
    assert!(chart.svg.contains(&chart.title), "{}: SVG has its title as text", chart.name);
}

fn named<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("chart {name} drawn"))
}

#[test]
fn every_chart_of_the_reference_scenario() {
    let (results, drawn) = draw(&super::reference(), 600);
    let names: Vec<&str> = drawn.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "capacity-direct",
            "capacity-telesales",
            "capacity-partners",
            "utilisation",
            "service-concept",
            "outcomes",
            "margin-bridge",
            "cost-to-serve",
            "convergence"
        ]
    );
    for chart in &drawn {
        check_chart(chart);
    }
    // Labels: segment labels, channel names, units, currency.
    let concept = &named(&drawn, "service-concept").svg;
    for seg in &results.segments {
        assert!(concept.contains(&seg.label), "service concept names segment {}", seg.label);
    }
    for ch in &results.channels {
        assert!(concept.contains(&ch.channel), "service concept names channel {}", ch.channel);
    }
    assert!(concept.contains("not covered"), "uncovered pairs are marked");
    assert!(concept.contains("hit rate") && concept.contains("cost-to-serve"));
    assert!(named(&drawn, "capacity-direct").svg.contains("hours per month"), "capacity axis has its unit");
    assert!(named(&drawn, "capacity-partners").svg.contains("opportunities per month"));
    let outcomes = &named(&drawn, "outcomes").svg;
    assert!(outcomes.contains("P(≥ target)") && outcomes.contains("P50 EUR"), "targets and percentiles in the legend");
    assert!(outcomes.contains("share of iterations (%)"));
    let bridge = &named(&drawn, "margin-bridge").svg;
    for label in ["Revenue", "Gross margin", "Contribution", "webshop"] {
        assert!(bridge.contains(label), "bridge has {label}");
    }
    let cts = &named(&drawn, "cost-to-serve").svg;
    assert!(cts.contains("Key accounts") && cts.contains("% of revenue"));
}

#[test]
fn every_chart_of_a_single_segment_and_channel() {
    let (_, drawn) = draw(&one_pair(), 400);
    let names: Vec<&str> = drawn.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "capacity-inside",
            "utilisation",
            "service-concept",
            "outcomes",
            "margin-bridge",
            "cost-to-serve",
            "convergence"
        ]
    );
    for chart in &drawn {
        check_chart(chart);
    }
    assert!(named(&drawn, "service-concept").svg.contains("Small businesses"));
    assert!(named(&drawn, "outcomes").svg.contains("USD"));
}

#[test]
fn charts_are_the_same_on_every_thread_count() {
    let s = super::scenario(&one_pair());
    let results = chancap::run(&s, &RunOptions { iterations: 300, seed: 5 }, &|_| {});
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| charts::all(&results));
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap().install(|| charts::all(&results));
    let (one, two) = (one.unwrap(), two.unwrap());
    for (a, b) in one.iter().zip(&two) {
        assert!(a.svg == b.svg && a.png == b.png, "{} differs", a.name);
    }
}

#[test]
fn channel_colours_are_distinct_and_stable() {
    let colours: Vec<String> = (0..7).map(|i| charts::hex(charts::channel_colour(i))).collect();
    let mut unique = colours.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7);
    assert_eq!(colours[0], "#0072b2");
    assert_eq!(charts::channel_colour(7), charts::channel_colour(0));
}

/// report.html names segments and channels by label: in its charts' titles,
/// their figure labels and every heading and cell of its results tables (the
/// assumptions tables show the file's keys on purpose, each with its label).
#[test]
fn the_report_names_segments_and_channels_by_label() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/long_labels.toml")).unwrap();
    let (results, drawn) = draw(&text, 200);
    let s = super::scenario(&text);
    let report = chancap::report::html::Report {
        scenario: &s,
        results: &results,
        charts: &drawn,
        date: "2026-12-03",
        sensitivity: None,
    };
    let html = chancap::report::html::html(&report);
    let unescape = |t: &str| t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
    let mut shown: Vec<String> = Vec::new();
    for piece in html.split("aria-label=\"").skip(1) {
        shown.push(unescape(piece.split('"').next().unwrap()));
    }
    let results_tables = html.split("<section class=\"assumptions\">").next().unwrap();
    for table in results_tables.split("<table class=\"results\">").skip(1) {
        let table = table.split("</table>").next().unwrap();
        for cell in table.split(['<', '>']).step_by(2) {
            shown.push(unescape(cell));
        }
    }
    assert!(shown.len() > 50, "the report's tables were read: {} texts", shown.len());
    assert!(
        shown.iter().any(|t| t == "Inside sales and customer service (EMEA)"),
        "a channel's row reads as its label"
    );
    let found: Vec<String> = shown
        .iter()
        .filter_map(|t| {
            let ids = super::chart_layout::raw_ids(t);
            (!ids.is_empty()).then(|| format!("{t:?} shows {ids:?}"))
        })
        .collect();
    assert!(found.is_empty(), "ids instead of labels in report.html:\n{}", found.join("\n"));
}
