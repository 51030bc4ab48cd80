//! Chart layout as a reader sees it: no text on top of another, none clipped by
//! the canvas, none on a plot area outside the places meant for it (legends
//! beside the data, not over it), for every chart of the shipped scenarios,
//! of a scenario with 40-character labels, of a two-year weekly plan, and of a
//! comparison, a two-parameter sweep and a tornado.

use chancap::analysis::compare::compare;
use chancap::analysis::sensitivity::{Metric, analyse};
use chancap::analysis::sweep::{Sweep, SweepOutput, run_points};
use chancap::model::paths::Document;
use chancap::report::charts::{self, Chart};
use chancap::sim::RunOptions;

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Fails naming every chart whose layout has problems, and what they are.
#[track_caller]
fn assert_clean(what: &str, charts: &[Chart]) {
    let mut report = String::new();
    for chart in charts {
        let problems = chart.layout.problems();
        if !problems.is_empty() {
            report.push_str(&format!(
                "\n{what}: {} ({} problems)\n  {}",
                chart.name,
                problems.len(),
                problems.join("\n  ")
            ));
        }
        assert!(!chart.layout.texts.is_empty(), "{what}: {} recorded no text", chart.name);
    }
    assert!(report.is_empty(), "{report}");
}

fn run_charts(text: &str, iterations: u64) -> Vec<Chart> {
    let s = super::scenario(text);
    let results = chancap::run(&s, &RunOptions { iterations, seed: 3 }, &|_| {});
    charts::all(&results).expect("charts draw")
}

#[test]
fn the_charts_of_the_shipped_scenarios_are_laid_out_cleanly() {
    for name in ["reference", "dealer-network", "saas-inside-sales"] {
        assert_clean(name, &run_charts(&file(&format!("scenarios/{name}.toml")), 400));
    }
}

#[test]
fn forty_character_labels_wrap_or_get_room() {
    let drawn = run_charts(&file("tests/fixtures/long_labels.toml"), 300);
    assert_clean("long labels", &drawn);
    for chart in &drawn {
        let text: String = chart.layout.texts.iter().map(|t| format!("{} ", t.text)).collect();
        assert!(
            !text.contains("partners") || chart.name.contains("partners"),
            "{}: channel ids do not show",
            chart.name
        );
    }
    assert_clean("one pair", &run_charts(&file("tests/fixtures/one_pair.toml"), 300));
}

#[test]
fn a_two_year_weekly_plan_thins_its_labels() {
    let drawn = run_charts(&file("tests/fixtures/weekly_104.toml"), 200);
    assert_clean("104 weeks", &drawn);
}

#[test]
fn a_comparison_is_laid_out_cleanly_with_a_panel_per_channel() {
    let base = super::scenario(&file("tests/fixtures/long_labels.toml"));
    let mut doc = Document::parse(&file("tests/fixtures/long_labels.toml"), "variant.toml").unwrap();
    doc.set(&doc.resolve("channels.inside.headcount").unwrap(), 5.0);
    let more = doc.scenario().unwrap();
    let c = compare(&[base, more], &RunOptions { iterations: 300, seed: 5 }, &|_| {});
    let drawn = charts::compare(&c).unwrap();
    assert_clean("compare", &drawn);
    let key = drawn.iter().find(|c| c.name == "compare-key-figures").unwrap();
    for ch in ["Regional field sales", "Inside sales", "Certified installation"] {
        assert!(key.layout.texts.iter().any(|t| t.text.contains(ch)), "compare has a panel for {ch}");
    }
}

fn sweep_output(text: &str, sets: &[(&str, &str)], iterations: u64) -> SweepOutput {
    let doc = Document::parse(text, "test.toml").unwrap();
    let sets: Vec<(String, String)> = sets.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let sweep = Sweep::new(&doc, &sets, false, 100).unwrap();
    let indices: Vec<usize> = (0..sweep.len()).collect();
    let opts = RunOptions { iterations, seed: 8 };
    let points = run_points(&sweep, &doc, &indices, &opts, &|_| {}, &|_| {}).unwrap();
    SweepOutput {
        scenario: "test".into(),
        file: "test.toml".into(),
        scenario_hash: String::new(),
        sweep_hash: String::new(),
        iterations,
        seed: 8,
        zip: false,
        parameters: sets.iter().map(|(p, _)| p.clone()).collect(),
        labels: chancap::analysis::sweep::SweepLabels::of(&doc.scenario().unwrap()),
        points,
    }
}

#[test]
fn a_two_parameter_sweep_is_laid_out_cleanly() {
    let out = sweep_output(
        &super::reference(),
        &[("channels.telesales.headcount", "6..10:2"), ("coverage.medium.direct.share", "0,0.1")],
        200,
    );
    assert_clean("sweep", &charts::sweep(&out).unwrap());
}

/// A sweep's charts read the labels the sweep recorded: its axis and legend
/// name segments and channels by label, never by parameter path or id.
#[test]
fn a_sweep_of_long_labels_reads_as_labels() {
    let out = sweep_output(
        &file("tests/fixtures/long_labels.toml"),
        &[("coverage.enterprise.field.hit_rate", "0.2,0.3"), ("channels.inside.headcount", "2,4")],
        100,
    );
    let drawn = charts::sweep(&out).unwrap();
    assert_clean("sweep of long labels", &drawn);
    let all: String = drawn.iter().map(|c| c.svg.as_str()).collect();
    assert!(all.contains("Enterprise accounts (1,000+ staff) north · Regional field sales"), "the swept path in words");
    assert!(all.contains("Inside sales and customer service (EMEA)"), "channel labels");
    assert!(!all.contains("coverage.enterprise") && !all.contains("channels.inside"), "no parameter paths");
}

#[test]
fn the_tornado_is_laid_out_cleanly() {
    let s = super::scenario(&file("tests/fixtures/long_labels.toml"));
    let t = analyse(&s, &Metric::Contribution, &RunOptions { iterations: 200, seed: 4 }, &|_| {});
    let chart = charts::tornado(&t, &s).unwrap();
    assert_clean("tornado", std::slice::from_ref(&chart));
    // Rows read as labels, not parameter paths.
    assert!(chart.svg.contains("Enterprise accounts (1,000+ staff) north"), "segment labels in the rows");
    assert!(!chart.svg.contains("coverage.") && !chart.svg.contains("hit_rate"), "no parameter paths");
}

fn svg_of<'a>(charts: &'a [Chart], name: &str) -> &'a str {
    &charts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("chart {name}")).svg
}

#[test]
fn the_heat_map_shows_values_past_its_scale_and_thins_its_numbers() {
    let months = run_charts(&file("tests/fixtures/long_labels.toml"), 200);
    let heat = svg_of(&months, "utilisation");
    assert!(heat.contains("≥ 125 %") && heat.contains("≤ 50 %"), "the scale's ends say that values go past them");
    assert!(heat.contains("P 0 %") || heat.contains("P 1"), "18 months leave room for both numbers");
    let weeks = run_charts(&file("tests/fixtures/weekly_104.toml"), 100);
    let heat = weeks.iter().find(|c| c.name == "utilisation").unwrap();
    assert!(heat.svg.contains("too narrow for numbers"), "104 weeks drop the cell numbers and say so");
    let period_numbers = heat.layout.texts.iter().filter(|t| t.text.parse::<u32>().is_ok()).count();
    assert!((10..=52).contains(&period_numbers), "104 weeks are numbered every few weeks: {period_numbers}");
}

#[test]
fn the_tornado_leaves_out_inputs_with_no_effect_and_says_how_many() {
    // Gross margins move contribution but not revenue.
    let s = super::scenario(&super::reference());
    let t = analyse(&s, &Metric::Revenue, &RunOptions { iterations: 200, seed: 4 }, &|_| {});
    let idle = t.inputs.iter().filter(|e| e.metric_at_p10 == e.metric_at_p90).count();
    assert!(idle > 0, "the reference has inputs with no effect on revenue");
    let chart = charts::tornado(&t, &s).unwrap();
    let note = format!("not shown: {idle} input{} with no effect", if idle == 1 { "" } else { "s" });
    assert!(chart.svg.contains(&note), "{note}");
    assert!(!chart.svg.contains("gross margin"), "a margin does not move revenue: no row");
    // The rest are in the file the command writes, named as it names it.
    let effective = t.inputs.len() - idle;
    if effective > 15 {
        assert!(
            chart
                .svg
                .contains(&format!("{} more inputs with smaller swings in sensitivity-revenue.csv", effective - 15))
        );
    }
    assert!(chart.svg.contains("What matters most for revenue (EUR)"));
}

#[test]
fn a_multi_parameter_sweep_draws_a_line_per_value_of_the_other_with_a_legend() {
    let out = sweep_output(
        &super::reference(),
        &[("channels.telesales.headcount", "6..10:2"), ("coverage.medium.direct.share", "0,0.1")],
        100,
    );
    let drawn = charts::sweep(&out).unwrap();
    let lines = svg_of(&drawn, "sweep-channels_telesales_headcount");
    for value in ["Medium customers · direct · share = 0 %", "Medium customers · direct · share = 10 %"] {
        assert!(lines.contains(value), "legend names {value}");
    }
}

/// A small optimisation of the long-label scenario: `constraint` decides
/// whether a plan is found.
fn optimise_charts(constraint: &str) -> Vec<Chart> {
    use chancap::analysis::optimise::{Objective, Problem, Resume, Sense, optimise, parse_constraint};
    use chancap::report::optimise::Setting;
    let text = file("tests/fixtures/long_labels.toml");
    let doc = Document::parse(&text, "long_labels.toml").unwrap();
    let grid = Sweep::new(&doc, &[("channels.inside.headcount".into(), "1..5:1".into())], false, 100).unwrap();
    let problem = Problem {
        grid,
        objective: Objective { metric: "contribution_mean".into(), sense: Sense::Maximise },
        constraints: vec![parse_constraint(constraint).unwrap()],
        iterations: 100,
        seed: 2,
        budget: 10,
        confidence: 0.95,
    };
    let known = std::collections::BTreeMap::new();
    let out = optimise(&problem, &doc, 100, &Resume { known: &known, done: &|_| {} }, &|_| {}).unwrap();
    let parameters = vec!["channels.inside.headcount".to_string()];
    let setting = Setting {
        scenario: "long labels",
        parameters: &parameters,
        objective: &problem.objective,
        constraints: &problem.constraints,
        iterations: problem.iterations,
        seed: problem.seed,
        budget: problem.budget,
        confidence: problem.confidence,
        grid: problem.grid.len(),
        currency: "EUR",
        ranges: &[(1.0, 5.0)],
    };
    let labels = chancap::report::labels::Labels::of_scenario(&doc.scenario().unwrap());
    charts::optimise(&out, &setting, &labels).unwrap()
}

/// The optimise charts keep their legends above the plot, and an optimisation
/// that finds no plan says so above the empty plot, not on it.
#[test]
fn the_optimise_charts_are_laid_out_cleanly() {
    let found = optimise_charts("inside_p_shortfall <= 0.5");
    assert_clean("optimise", &found);
    let trade_off = svg_of(&found, "optimise-tradeoff");
    for key in ["meets every constraint", "chosen plan", "limit: "] {
        assert!(trade_off.contains(key), "the trade-off's legend has {key:?}");
    }
    assert!(svg_of(&found, "optimise-progress").contains("so far"), "the progress line is named");
    let none = optimise_charts("contribution_mean >= 1e12");
    assert_clean("optimise with no feasible plan", &none);
    assert!(svg_of(&none, "optimise-progress").contains("no feasible plan found"));
}

/// The segment and channel ids of tests/fixtures/long_labels.toml, each with
/// its label (which differs from it).
const LONG_LABEL_IDS: [(&str, &str); 7] = [
    ("enterprise", "Enterprise accounts (1,000+ staff) north"),
    ("builders", "Small builders & landscapers (rural west)"),
    ("public", "Public sector, schools and municipalities"),
    ("field", "Regional field sales & key account teams"),
    ("inside", "Inside sales and customer service (EMEA)"),
    ("partners", "Certified installation partner network"),
    ("counter", "Online trade counter with click & collect"),
];

/// The ids of long_labels.toml that `text` shows as names: standing alone or
/// in a metric name (`inside_p_shortfall`), once the labels are taken out.
pub fn raw_ids(text: &str) -> Vec<&'static str> {
    let mut rest = text.to_string();
    for (_, label) in LONG_LABEL_IDS {
        rest = rest.replace(label, " ");
    }
    let words: Vec<&str> = rest.split(|c: char| !c.is_alphanumeric()).collect();
    LONG_LABEL_IDS.iter().map(|(id, _)| *id).filter(|id| words.contains(id)).collect()
}

/// Every chart of the long-label scenario names its segments and channels by
/// label: its title and every text drawn on it, for a run, a comparison, a
/// sweep, a tornado and an optimisation.
#[test]
fn no_chart_names_a_segment_or_channel_by_its_id() {
    let text = file("tests/fixtures/long_labels.toml");
    let s = super::scenario(&text);
    let mut drawn = run_charts(&text, 200);
    let c = compare(&[s.clone(), s.clone()], &RunOptions { iterations: 200, seed: 5 }, &|_| {});
    drawn.extend(charts::compare(&c).unwrap());
    let sets = [("coverage.enterprise.field.hit_rate", "0.2,0.3"), ("channels.inside.headcount", "2,4")];
    drawn.extend(charts::sweep(&sweep_output(&text, &sets, 100)).unwrap());
    let t = analyse(&s, &Metric::Contribution, &RunOptions { iterations: 200, seed: 4 }, &|_| {});
    drawn.push(charts::tornado(&t, &s).unwrap());
    drawn.extend(optimise_charts("inside_p_shortfall <= 0.5"));
    let mut found = Vec::new();
    for chart in &drawn {
        // A label wrapped onto lines reads whole again with its lines joined.
        let drawn: Vec<&str> = chart.layout.texts.iter().map(|t| t.text.as_str()).collect();
        for text in [chart.title.clone(), drawn.join(" ")] {
            let ids = raw_ids(&text);
            if !ids.is_empty() {
                found.push(format!("{}: {text:?} shows {ids:?}", chart.name));
            }
        }
    }
    assert!(found.is_empty(), "ids instead of labels:\n{}", found.join("\n"));
    assert_eq!(raw_ids("P(shortfall) of inside"), ["inside"], "the check finds an id");
    assert_eq!(raw_ids("inside_p_shortfall"), ["inside"], "and one in a metric name");
}

/// The tick labels of every axis a chart draws, as a reader finds them: the
/// texts right-aligned in a column just left of a plot area (its y axis) and
/// those in a row just below it (its x axis).
fn axes(chart: &Chart) -> Vec<(String, Vec<String>)> {
    let texts = &chart.layout.texts;
    let mut out = Vec::new();
    for (k, p) in chart.layout.plots.iter().enumerate() {
        let mut columns: Vec<(i32, Vec<String>)> = Vec::new();
        let mut rows: Vec<(i32, Vec<String>)> = Vec::new();
        for t in texts {
            let r = t.rect;
            let (cx, cy) = ((r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2);
            if (p.x0 - 30..=p.x0).contains(&r.x1) && (p.y0 - 4..=p.y1 + 4).contains(&cy) {
                match columns.iter_mut().find(|(x, _)| *x == r.x1) {
                    Some((_, c)) => c.push(t.text.clone()),
                    None => columns.push((r.x1, vec![t.text.clone()])),
                }
            }
            if (p.y1..=p.y1 + 30).contains(&r.y0) && (p.x0 - 4..=p.x1 + 4).contains(&cx) {
                match rows.iter_mut().find(|(y, _)| *y == r.y0) {
                    Some((_, c)) => c.push(t.text.clone()),
                    None => rows.push((r.y0, vec![t.text.clone()])),
                }
            }
        }
        out.extend(columns.into_iter().map(|(_, c)| (format!("{} plot {k} y", chart.name), c)));
        out.extend(rows.into_iter().map(|(_, c)| (format!("{} plot {k} x", chart.name), c)));
    }
    out
}

/// Fails naming every axis whose tick labels repeat one another.
#[track_caller]
fn assert_distinct_ticks(what: &str, charts: &[Chart]) {
    let mut found = Vec::new();
    let mut seen = 0;
    for chart in charts {
        for (axis, labels) in axes(chart) {
            seen += 1;
            let mut sorted = labels.clone();
            sorted.sort();
            sorted.dedup();
            if sorted.len() < labels.len() {
                found.push(format!("{what}: {axis}: {labels:?}"));
            }
        }
    }
    assert!(seen > 0, "{what}: no axis found");
    assert!(found.is_empty(), "tick labels repeat:\n{}", found.join("\n"));
}

/// Issue 16: ticks rounded to whole percents read "0 %, 0 %, 1 %, 2 %, 2 %";
/// no axis of a run's or a sweep's charts repeats a tick label.
#[test]
fn no_axis_repeats_a_tick_label() {
    let mut drawn = Vec::new();
    for name in ["reference", "dealer-network", "saas-inside-sales"] {
        drawn.extend(run_charts(&file(&format!("scenarios/{name}.toml")), 400));
    }
    let out = sweep_output(
        &super::reference(),
        &[("channels.telesales.headcount", "4..8:1"), ("coverage.medium.direct.share", "0..0.2:0.1")],
        100,
    );
    drawn.extend(charts::sweep(&out).unwrap());
    let out = sweep_output(&super::reference(), &[("channels.telesales.headcount", "4..8:1")], 100);
    drawn.extend(charts::sweep(&out).unwrap());
    assert_distinct_ticks("run and sweep", &drawn);
}

/// The tick labels of the axes of `chart` whose name ends with `which` (`y`, `x`).
fn axis_labels(chart: &Chart, which: &str) -> Vec<Vec<String>> {
    axes(chart).into_iter().filter(|(name, _)| name.ends_with(which)).map(|(_, l)| l).collect()
}

/// Issue 16: probabilities read against 0–100 % (never 102 %, never cut off
/// above zero); a headcount gets whole ticks only; a share reads as a
/// percentage on axes, legends and heat maps; money names its currency.
#[test]
fn sweep_axes_read_probabilities_headcounts_and_shares_as_such() {
    let heads = sweep_output(&super::reference(), &[("channels.telesales.headcount", "1..3:1")], 100);
    let drawn = charts::sweep(&heads).unwrap();
    let lines = drawn.iter().find(|c| c.name == "sweep-channels_telesales_headcount").unwrap();
    let ys = axis_labels(lines, "y");
    let probability = ys.last().unwrap();
    assert_eq!(probability.first().map(String::as_str), Some("0 %"), "{probability:?}");
    assert_eq!(probability.last().map(String::as_str), Some("100 %"), "{probability:?}");
    for x in axis_labels(lines, "x") {
        assert!(x.iter().all(|t| t.parse::<u32>().is_ok()), "whole headcounts only: {x:?}");
    }
    let out = sweep_output(
        &super::reference(),
        &[("channels.telesales.headcount", "4..8:1"), ("coverage.medium.direct.share", "0..0.2:0.1")],
        100,
    );
    let drawn = charts::sweep(&out).unwrap();
    let share = drawn.iter().find(|c| c.name == "sweep-coverage_medium_direct_share").unwrap();
    for x in axis_labels(share, "x") {
        assert!(x.iter().all(|t| t.ends_with(" %")), "a share in per cent: {x:?}");
    }
    for y in axis_labels(share, "y").iter().filter(|y| y.iter().any(|t| t.ends_with('%'))) {
        let top: f64 = y.last().unwrap().trim_end_matches(" %").replace(',', "").parse().unwrap();
        assert!(y.first().unwrap() != "0 %" || top == 100.0, "a probability axis ends at 100 %: {y:?}");
    }
    let heat = drawn.iter().find(|c| c.name == "sweep-heatmap-contribution").unwrap();
    assert!(heat.title.contains("Mean contribution (EUR)"), "{}", heat.title);
    let texts: Vec<&str> = heat.layout.texts.iter().map(|t| t.text.as_str()).collect();
    for value in ["0 %", "10 %", "20 %", "mean contribution (EUR)"] {
        assert!(texts.contains(&value), "the heat map shows {value:?}: {texts:?}");
    }
}

/// Issue 16: a heat map whose values all read the same draws one colour and
/// its one value, not a scale from green to red.
#[test]
fn a_heat_map_of_one_value_has_a_one_colour_scale() {
    let out = sweep_output(
        &super::reference(),
        &[("channels.telesales.headcount", "1,2"), ("coverage.medium.direct.share", "0,0.1")],
        100,
    );
    let drawn = charts::sweep(&out).unwrap();
    let heat = drawn.iter().find(|c| c.name == "sweep-heatmap-shortfall-telesales").unwrap();
    let texts: Vec<&str> = heat.layout.texts.iter().map(|t| t.text.as_str()).collect();
    let caption = texts.iter().position(|t| *t == "P(shortfall in at least one period)").unwrap();
    assert_eq!(texts[caption + 1..], ["100 %"], "one value, one tick");
    // The scale is one colour: 120 px of it, then white, not a 500 px ramp.
    let r = heat.layout.texts[caption].rect;
    let mut reader = png::Decoder::new(std::io::Cursor::new(&heat.png)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    let at = |x: i32, y: i32| {
        let i = (y as usize * charts::WIDTH as usize + x as usize) * 3;
        (buf[i], buf[i + 1], buf[i + 2])
    };
    let top = (r.y1..r.y1 + 40).find(|y| at(r.x0 + 2, *y) != (255, 255, 255)).expect("the scale below its caption");
    let px = |x: i32| at(x, top + 8);
    let one = px(r.x0 + 2);
    assert!((r.x0 + 2..r.x0 + 110).all(|x| px(x) == one), "one colour");
    assert_eq!(px(r.x0 + 300), (255, 255, 255), "no ramp past the swatch");
    let other = out.points.iter().filter_map(|p| p.figures.channels[1].p_shortfall).collect::<Vec<_>>();
    assert!(other.iter().all(|v| *v == 1.0), "the test's premise: telesales is always short {other:?}");
}
