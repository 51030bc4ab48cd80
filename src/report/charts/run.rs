//! The charts of a run: which are drawn, their names and titles, and the outcome
//! distributions and convergence charts. The capacity charts are drawn in
//! `capacity.rs`, the service concept, margin bridge and cost-to-serve in
//! `economics.rs`.

use super::axis;
use super::capacity::{capacity, utilisation};
use super::economics::{bridge, concept, cost_to_serve};
use super::layout;
use super::style::{GRID, INK, Key, MUTED, NEUTRAL, SHORT, Swatch, font, fonts, legend_above, money_label, render};
use super::style::{Y_LABELS, distinct_ticks, money_ticks, share_mesh, ticks_of};
use super::{Chart, ChartError, Drawn, Figure, file_safe};
use crate::report::format::{count, fixed};
use crate::report::labels::Labels;
use crate::results::{Histogram, Results, Stat};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

/// The charts of a run: capacity per channel (channels with a capacity), the
/// utilisation heat map, the service-concept matrix, the outcome distributions,
/// the margin bridge and cost-to-serve by segment. Drawn in parallel; the result
/// does not depend on the thread count.
pub fn all(r: &Results) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    let mut specs: Vec<Spec> =
        r.channels.iter().enumerate().filter(|(_, c)| c.capacity.is_some()).map(|(i, _)| Spec::Capacity(i)).collect();
    if !specs.is_empty() {
        specs.push(Spec::Utilisation);
    }
    specs.extend([Spec::Concept, Spec::Outcomes, Spec::Bridge, Spec::CostToServe]);
    if !r.distributions.revenue_convergence.is_empty() {
        specs.push(Spec::Convergence);
    }
    specs.par_iter().map(|spec| render(&RunChart { r, spec: *spec })).collect()
}

/// A chart of one run.
struct RunChart<'a> {
    r: &'a Results,
    spec: Spec,
}

impl Figure for RunChart<'_> {
    fn name(&self) -> String {
        self.spec.name(self.r)
    }

    fn title(&self) -> String {
        self.spec.title(self.r)
    }

    fn source(&self) -> String {
        let info = &self.r.scenario;
        format!(
            "{} · {} iterations · seed {} · {} {}s · chancap",
            info.name,
            count(info.iterations as f64),
            info.seed,
            info.periods,
            info.period
        )
    }

    fn body<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let r = self.r;
        match self.spec {
            Spec::Capacity(c) => capacity(r, c, root, body),
            Spec::Utilisation => utilisation(r, body),
            Spec::Concept => concept(r, body),
            Spec::Outcomes => outcomes(r, body),
            Spec::Bridge => bridge(r, root, body),
            Spec::CostToServe => cost_to_serve(r, root, body),
            Spec::Convergence => convergence(r, body),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Spec {
    Capacity(usize),
    Utilisation,
    Concept,
    Outcomes,
    Bridge,
    CostToServe,
    Convergence,
}

/// The name of one period of the run: `month`, `quarter`, `week`.
pub(super) fn period_name(r: &Results) -> &str {
    r.scenario.period.as_str()
}

impl Spec {
    fn name(self, r: &Results) -> String {
        match self {
            Spec::Capacity(c) => format!("capacity-{}", file_safe(&r.channels[c].channel)),
            Spec::Utilisation => "utilisation".into(),
            Spec::Concept => "service-concept".into(),
            Spec::Outcomes => "outcomes".into(),
            Spec::Bridge => "margin-bridge".into(),
            Spec::CostToServe => "cost-to-serve".into(),
            Spec::Convergence => "convergence".into(),
        }
    }

    fn title(self, r: &Results) -> String {
        let cur = &r.scenario.currency;
        match self {
            Spec::Capacity(c) => {
                let ch = &r.channels[c];
                let unit = ch.capacity.as_ref().map_or("", |k| k.unit.as_str());
                let name = Labels::of(r).channel(&ch.channel).to_string();
                format!("Capacity of {name}: required vs available {unit} per {}", period_name(r))
            }
            Spec::Utilisation => {
                format!("Utilisation by channel and {} (median; P(shortfall) in each cell)", period_name(r))
            }
            Spec::Concept => format!("Service concept: contribution by segment and channel ({cur}, median)"),
            Spec::Outcomes => format!("Outcomes over the horizon: revenue and contribution ({cur})"),
            Spec::Bridge => format!("Margin bridge: from revenue to contribution ({cur}, medians)"),
            Spec::CostToServe => "Cost-to-serve by segment (channel cost as % of revenue)".into(),
            Spec::Convergence => format!("Convergence: running mean with its 95 % band ({cur})"),
        }
    }
}

/// Revenue and contribution over the horizon, side by side.
fn outcomes<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let panels = body.split_evenly((1, 2));
    let d = &r.distributions;
    let items = [
        ("revenue", &d.revenue, &r.totals.revenue, RGBColor(74, 98, 128)),
        ("contribution", &d.contribution, &r.totals.contribution, RGBColor(0, 136, 55)),
    ];
    for ((metric, hist, stat, colour), panel) in items.into_iter().zip(panels.iter()) {
        histogram(r, metric, hist, stat, colour, panel)?;
    }
    Ok(())
}

/// The distribution of one outcome, with its P10, P50, P90 and target.
fn histogram<DB: DrawingBackend>(
    r: &Results,
    metric: &str,
    hist: &Histogram,
    stat: &Stat,
    colour: RGBColor,
    area: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let total: u64 = hist.counts.iter().sum();
    let total = total.max(1) as f64;
    let width = hist.width();
    let target = r.targets.iter().find(|t| t.metric == metric);
    let (mut lo, mut hi) = (hist.lo, hist.hi);
    if let Some(t) = target {
        lo = lo.min(t.value);
        hi = hi.max(t.value);
    }
    let pad = ((hi - lo) * 0.04).max(1.0);
    let top = hist.counts.iter().map(|c| *c as f64 / total * 100.0).fold(0.0, f64::max).max(1.0) * 1.08;
    let marks = [("P10", stat.p10, MUTED, 2), ("P50", stat.p50, INK, 3), ("P90", stat.p90, MUTED, 2)];
    let mut keys: Vec<Key> = marks
        .iter()
        .map(|(name, x, c, w)| (Swatch::Line(c.stroke_width(*w)), format!("{name} {cur} {}", money_label(*x))))
        .collect();
    if let Some(t) = target {
        keys.push((
            Swatch::Line(SHORT.stroke_width(4)),
            format!("target {cur} {}: P(≥ target) {:.1} %", money_label(t.value), t.probability * 100.0),
        ));
    }
    let area = area.titled(metric, font(28))?;
    let area = legend_above(&area, &keys, 19, 100)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(15)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(axis((lo - pad)..(hi + pad))?, axis(0.0..top)?)?;
    layout::plot_of(&chart);
    share_mesh(&mut chart, 6, format!("{metric} over the horizon ({cur})"))?;
    chart.draw_series(hist.counts.iter().enumerate().map(|(k, n)| {
        let x0 = hist.lo + k as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, *n as f64 / total * 100.0)], colour.mix(0.55).filled())
    }))?;
    for (_, x, c, w) in marks {
        chart.draw_series(std::iter::once(PathElement::new(vec![(x, 0.0), (x, top)], c.stroke_width(w))))?;
    }
    if let Some(t) = target {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(t.value, 0.0), (t.value, top)],
            SHORT.stroke_width(4),
        )))?;
    }
    Ok(())
}

/// Running mean of revenue and contribution against the number of iterations,
/// with the 95 % band of the mean (± 1.96 standard errors).
fn convergence<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let panels = body.split_evenly((1, 2));
    let series = [
        ("revenue", &r.distributions.revenue_convergence, NEUTRAL),
        ("contribution", &r.distributions.contribution_convergence, RGBColor(0, 136, 55)),
    ];
    for ((name, points, colour), area) in series.into_iter().zip(panels.iter()) {
        let points: Vec<(f64, f64, f64)> = points.iter().map(|p| (p[0], p[1], p[2])).collect();
        let n = points.last().map_or(1.0, |p| p.0);
        let Some(last) = points.last().copied() else { continue };
        let lo = points.iter().skip(points.len() / 20).map(|p| p.1 - p.2).fold(f64::INFINITY, f64::min);
        let hi = points.iter().skip(points.len() / 20).map(|p| p.1 + p.2).fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(last.1.abs() * 1e-3).max(1e-9);
        let mut chart = ChartBuilder::on(area)
            .margin(15)
            .caption(
                format!("{name}: {} ± {} after {} iterations", money_label(last.1), money_label(last.2), count(last.0)),
                font(22),
            )
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(axis(0.0..n)?, axis((lo - pad)..(hi + pad))?)?;
        layout::plot_of(&chart);
        let x_label = distinct_ticks(&ticks_of(chart.as_coord_spec().x_spec(), 6), fixed);
        let y_label = money_ticks(&ticks_of(chart.as_coord_spec().y_spec(), Y_LABELS));
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(6)
            .y_labels(Y_LABELS)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .x_desc("iterations")
            .y_desc(format!("running mean ({cur})"))
            .label_style(font(18))
            .axis_desc_style(font(20))
            .draw()?;
        // The first iterations swing beyond the axis: held at its edges, so
        // nothing is drawn outside the plot.
        let (y0, y1) = (lo - pad, hi + pad);
        let clamp = |y: f64| y.clamp(y0, y1);
        let points: Vec<(f64, f64, f64)> = points.iter().map(|p| (p.0, clamp(p.1), p.2)).collect();
        let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, clamp(p.1 + p.2))).collect();
        band.extend(points.iter().rev().map(|p| (p.0, clamp(p.1 - p.2))));
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))?;
        chart.draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), colour.stroke_width(3)))?;
    }
    Ok(())
}
