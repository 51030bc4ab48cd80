//! The charts of a comparison of scenarios.

use super::axis;
use super::layout;
use super::style::share_mesh;
use super::style::{
    GRID, Key, Swatch, draw_lines, fit, font, fonts, legend_above, money_label, render, scenario_colour,
};
use super::{Chart, ChartError, Drawn, Figure};
use crate::analysis::compare::Comparison;
use crate::report::format::count;
use crate::report::labels::Labels;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;

/// The charts of a comparison: contribution distributions overlaid, and the key
/// figures of every scenario as dots (P50) with P10–P90 whiskers.
pub fn compare(c: &Comparison) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    [CompareKind::Contribution, CompareKind::KeyFigures]
        .par_iter()
        .map(|k| render(&CompareChart { c, kind: *k }))
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum CompareKind {
    Contribution,
    KeyFigures,
}

struct CompareChart<'a> {
    c: &'a Comparison,
    kind: CompareKind,
}

impl Figure for CompareChart<'_> {
    fn name(&self) -> String {
        match self.kind {
            CompareKind::Contribution => "compare-contribution".into(),
            CompareKind::KeyFigures => "compare-key-figures".into(),
        }
    }

    fn title(&self) -> String {
        match self.kind {
            CompareKind::Contribution => format!("Contribution over the horizon by scenario ({})", self.c.currency),
            CompareKind::KeyFigures => "Key figures by scenario: median with P10–P90".into(),
        }
    }

    fn source(&self) -> String {
        format!(
            "{} scenarios · {} iterations each · seed {} · common random numbers · chancap",
            self.c.scenarios.len(),
            count(self.c.iterations as f64),
            self.c.seed
        )
    }

    fn body<DB: DrawingBackend>(&self, _root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        match self.kind {
            CompareKind::Contribution => compare_contribution(self.c, body),
            CompareKind::KeyFigures => compare_key_figures(self.c, body),
        }
    }
}

/// The contribution distributions of the scenarios, overlaid.
fn compare_contribution<DB: DrawingBackend>(c: &Comparison, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let all = c.results.iter().flat_map(|r| r.distributions.contribution_values.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
    let bins = crate::results::HISTOGRAM_BINS;
    let width = (hi - lo) / bins as f64;
    let shares: Vec<Vec<f64>> = c
        .results
        .iter()
        .map(|r| {
            let v = &r.distributions.contribution_values;
            let mut counts = vec![0.0; bins];
            for x in v {
                counts[(((x - lo) / width) as usize).min(bins - 1)] += 1.0;
            }
            counts.iter().map(|n| n / v.len().max(1) as f64 * 100.0).collect()
        })
        .collect();
    let top = shares.iter().flatten().fold(0.0f64, |a, b| a.max(*b)).max(1.0) * 1.08;
    let pad = (hi - lo) * 0.03;
    let cur = &c.currency;
    let keys: Vec<Key> = c
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let beats = entry
                .versus_first
                .as_ref()
                .map_or(String::new(), |v| format!(", P(beats first) {:.1} %", v.p_beats_first * 100.0));
            let p50 = money_label(entry.figures.contribution.p50);
            (Swatch::Line(scenario_colour(i).stroke_width(4)), format!("{}: P50 {cur} {p50}{beats}", entry.name))
        })
        .collect();
    let body = legend_above(body, &keys, 19, 100)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(10)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(axis((lo - pad)..(hi + pad))?, axis(0.0..top)?)?;
    layout::plot_of(&chart);
    share_mesh(&mut chart, 8, format!("contribution over the horizon ({cur})"))?;
    for (i, (entry, share)) in c.scenarios.iter().zip(&shares).enumerate() {
        let colour = scenario_colour(i);
        let mut outline = vec![(lo, 0.0)];
        for (k, s) in share.iter().enumerate() {
            let x0 = lo + k as f64 * width;
            outline.push((x0, *s));
            outline.push((x0 + width, *s));
        }
        outline.push((hi, 0.0));
        chart.draw_series(std::iter::once(Polygon::new(outline.clone(), colour.mix(0.10))))?;
        let p50 = entry.figures.contribution.p50;
        chart.draw_series(LineSeries::new(outline, colour.stroke_width(3)))?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(p50, 0.0), (p50, top)], colour.stroke_width(2))))?;
    }
    Ok(())
}

/// Key figures of every scenario: P50 dots with P10–P90 whiskers.
fn compare_key_figures<DB: DrawingBackend>(c: &Comparison, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    type Get = Box<dyn Fn(&crate::results::KeyFigures) -> Option<crate::results::Band>>;
    type Panel = (String, Get, fn(f64) -> String);
    let cur = c.currency.clone();
    let mut panels: Vec<Panel> = vec![
        (format!("revenue ({cur})"), Box::new(|k| Some(k.revenue)), |x| money_label(x)),
        (format!("contribution ({cur})"), Box::new(|k| Some(k.contribution)), |x| money_label(x)),
    ];
    let mut channels: Vec<String> = Vec::new();
    for e in &c.scenarios {
        for ch in e.figures.channels.iter().filter(|ch| ch.utilization.is_some()) {
            if !channels.contains(&ch.channel) {
                channels.push(ch.channel.clone());
            }
        }
    }
    for ch in channels {
        let name = c
            .results
            .iter()
            .find_map(|r| r.channels.iter().find(|x| x.channel == ch).map(|_| Labels::of(r).channel(&ch).to_string()))
            .unwrap_or_else(|| ch.clone());
        panels.push((
            format!("{name}: utilisation (%)"),
            Box::new(move |k| {
                k.channels.iter().find(|x| x.channel == ch).and_then(|x| x.utilization).map(|b| crate::results::Band {
                    mean: b.mean * 100.0,
                    p10: b.p10 * 100.0,
                    p50: b.p50 * 100.0,
                    p90: b.p90 * 100.0,
                })
            }),
            |x| format!("{x:.0} %"),
        ));
    }
    let cols = if panels.len() > 4 { 3 } else { 2 };
    let label_area = 200;
    let rows = panels.len().div_ceil(cols);
    let areas = body.split_evenly((rows, cols));
    let n = c.scenarios.len();
    for ((title, get, fmt), area) in panels.iter().zip(&areas) {
        let bands: Vec<Option<crate::results::Band>> = c.scenarios.iter().map(|e| get(&e.figures)).collect();
        let lo = bands.iter().flatten().map(|b| b.p10).fold(f64::INFINITY, f64::min);
        let hi = bands.iter().flatten().map(|b| b.p90).fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            continue;
        }
        let pad = ((hi - lo) * 0.1).max(hi.abs().max(1.0) * 0.01);
        let names: Vec<String> = c.scenarios.iter().map(|e| e.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .caption(title, font(22))
            .x_label_area_size(40)
            .y_label_area_size(label_area)
            .build_cartesian_2d(axis((lo - pad)..(hi + pad))?, axis(-0.5..(n as f64 - 0.5))?)?;
        layout::plot_of(&chart);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(5)
            .x_label_formatter(&|x| fmt(*x))
            .y_labels(0)
            .label_style(font(17))
            .draw()?;
        let (x_axis, _) = chart.plotting_area().get_pixel_range();
        let row_px = chart.backend_coord(&(lo, 0.0)).1 - chart.backend_coord(&(lo, 1.0)).1;
        for (i, name) in names.iter().enumerate() {
            let (_, py) = chart.backend_coord(&(lo, (n - 1 - i) as f64));
            let max_lines = ((row_px - 2) / 17).clamp(1, 3) as usize;
            let (style, lines) = fit(name, &font, 17, 11, label_area - 30, max_lines);
            let gap = style.font.get_size() as i32 + 3;
            let (bx, by) = area.get_base_pixel();
            let at = (x_axis.start - 10 - bx, py - by);
            draw_lines(area, &lines, at, &style.pos(Pos::new(HPos::Right, VPos::Center)), gap)?;
        }
        for (i, b) in bands.iter().enumerate() {
            let Some(b) = b else { continue };
            let y = (n - 1 - i) as f64;
            let colour = scenario_colour(i);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(b.p10, y), (b.p90, y)], colour.stroke_width(4))))?;
            chart.draw_series(std::iter::once(Circle::new((b.p50, y), 9, colour.filled())))?;
        }
    }
    Ok(())
}
