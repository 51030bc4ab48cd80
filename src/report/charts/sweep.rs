//! The charts of a sweep: key figures against each swept parameter, and heat maps
//! over a two-parameter grid.

use super::axis;
use super::style::{
    GRID, MUTED, NEUTRAL, centred, channel_colour, colour_scale, font, fonts, ink_on, legend, money_colour,
    money_label, ramp, render, tidy_tick,
};
use super::{Chart, ChartError, Drawn, Figure, file_safe, unique};
use crate::analysis::sweep::{PointResult, SweepOutput};
use crate::report::format::count;
use crate::results::ChannelFigures;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;

/// The charts of a sweep: for each swept parameter, the key figures against it
/// (revenue and contribution with their P10–P90 band, utilisation and
/// P(shortfall) per channel); for a two-parameter grid, heat maps of mean
/// contribution and of each channel's P(shortfall).
pub fn sweep(out: &SweepOutput) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    if out.points.is_empty() {
        return Ok(Vec::new());
    }
    let mut kinds: Vec<SweepKind> = (0..out.parameters.len()).map(SweepKind::Param).collect();
    if out.parameters.len() == 2 && !out.zip {
        kinds.push(SweepKind::HeatContribution);
        let channels = &out.points[0].figures.channels;
        kinds.extend(
            channels
                .iter()
                .enumerate()
                .filter(|(_, c)| c.p_shortfall.is_some())
                .map(|(i, _)| SweepKind::HeatShortfall(i)),
        );
    }
    let charts: Result<Vec<Chart>, ChartError> =
        kinds.par_iter().map(|kind| render(&SweepChart { out, kind: *kind })).collect();
    // Two parameters can make one file name (`coverage.x.y_z.share` and
    // `coverage.x_y.z.share`).
    charts.map(unique)
}

#[derive(Debug, Clone, Copy)]
enum SweepKind {
    Param(usize),
    HeatContribution,
    HeatShortfall(usize),
}

struct SweepChart<'a> {
    out: &'a SweepOutput,
    kind: SweepKind,
}

impl Figure for SweepChart<'_> {
    fn name(&self) -> String {
        match self.kind {
            SweepKind::Param(j) => format!("sweep-{}", file_safe(&self.out.parameters[j])),
            SweepKind::HeatContribution => "sweep-heatmap-contribution".into(),
            SweepKind::HeatShortfall(c) => {
                format!("sweep-heatmap-shortfall-{}", file_safe(&self.out.points[0].figures.channels[c].channel))
            }
        }
    }

    fn title(&self) -> String {
        let p = &self.out.parameters;
        match self.kind {
            SweepKind::Param(j) => format!("Key figures against {}", p[j]),
            SweepKind::HeatContribution => format!("Mean contribution by {} and {}", p[0], p[1]),
            SweepKind::HeatShortfall(c) => {
                format!("P(shortfall) of {} by {} and {}", self.out.points[0].figures.channels[c].channel, p[0], p[1])
            }
        }
    }

    fn source(&self) -> String {
        format!(
            "{} · sweep of {} points · {} iterations per point · seed {} · chancap",
            self.out.scenario,
            count(self.out.points.len() as f64),
            count(self.out.iterations as f64),
            self.out.seed
        )
    }

    fn body<DB: DrawingBackend>(&self, _root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        match self.kind {
            SweepKind::Param(j) => sweep_param(self.out, j, body),
            SweepKind::HeatContribution => {
                let scale = self.out.points.iter().map(|p| p.figures.contribution.mean.abs()).fold(0.0, f64::max);
                sweep_heat(
                    self.out,
                    body,
                    &|p| Some(p.figures.contribution.mean),
                    &|v| money_colour(v, scale),
                    &|v| money_label(v),
                    "mean contribution",
                )
            }
            SweepKind::HeatShortfall(c) => sweep_heat(
                self.out,
                body,
                &|p| p.figures.channels.get(c).and_then(|ch| ch.p_shortfall),
                &|v| {
                    ramp(
                        &[(0.0, RGBColor(26, 150, 65)), (0.5, RGBColor(255, 255, 191)), (1.0, RGBColor(215, 25, 28))],
                        v,
                    )
                },
                &|v| format!("{:.0} %", v * 100.0),
                "P(shortfall in at least one period)",
            ),
        }
    }
}

/// Points grouped by the values of every axis but `j`, each group sorted by axis `j`.
fn lines_along(out: &SweepOutput, j: usize) -> Vec<Vec<&PointResult>> {
    let mut groups: Vec<(Vec<u64>, Vec<&PointResult>)> = Vec::new();
    for p in &out.points {
        let key: Vec<u64> = p.values.iter().enumerate().filter(|(k, _)| *k != j).map(|(_, v)| v.to_bits()).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(p),
            None => groups.push((key, vec![p])),
        }
    }
    for (_, g) in &mut groups {
        g.sort_by(|a, b| a.values[j].total_cmp(&b.values[j]));
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// Picks (low, middle, high) of one series from a point, if it has them.
type Pick = dyn Fn(&PointResult) -> Option<(f64, f64, f64)>;

/// One panel of key figures against parameter `j`: a line per series and per
/// combination of the other parameters, with its band.
fn sweep_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    out: &SweepOutput,
    j: usize,
    series: &[(String, RGBColor, Box<Pick>)],
    y_label: &dyn Fn(&f64) -> String,
    reference_line: Option<f64>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let groups = lines_along(out, j);
    let xs: Vec<f64> = out.points.iter().map(|p| p.values[j]).collect();
    let (x_lo, x_hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
    let pad = if x_hi > x_lo { (x_hi - x_lo) * 0.04 } else { x_lo.abs().max(1.0) * 0.1 };
    let mut y_lo = f64::INFINITY;
    let mut y_hi = f64::NEG_INFINITY;
    for (_, _, pick) in series {
        for p in &out.points {
            if let Some((lo, _, hi)) = pick(p) {
                y_lo = y_lo.min(lo);
                y_hi = y_hi.max(hi);
            }
        }
    }
    if let Some(r) = reference_line {
        y_lo = y_lo.min(r);
        y_hi = y_hi.max(r);
    }
    if !y_lo.is_finite() {
        (y_lo, y_hi) = (0.0, 1.0);
    }
    let y_pad = ((y_hi - y_lo) * 0.08).max(y_hi.abs().max(1e-9) * 0.02);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(caption, font(24))
        .x_label_area_size(55)
        .y_label_area_size(95)
        .build_cartesian_2d(
            axis((x_lo - pad)..(x_hi + pad))?,
            axis((y_lo - y_pad).min(if y_lo >= 0.0 { 0.0 } else { y_lo - y_pad })..(y_hi + y_pad))?,
        )?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(8)
        .x_label_formatter(&|x| crate::report::format::plain(tidy_tick(*x)))
        .y_label_formatter(y_label)
        .x_desc(out.parameters[j].as_str())
        .label_style(font(17))
        .axis_desc_style(font(18))
        .draw()?;
    if let Some(r) = reference_line {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x_lo - pad, r), (x_hi + pad, r)],
            MUTED.stroke_width(2),
        )))?;
    }
    let alpha = if groups.len() > 1 { 0.45 } else { 1.0 };
    for (name, colour, pick) in series {
        let colour = *colour;
        for (g, group) in groups.iter().enumerate() {
            let pts: Vec<(f64, (f64, f64, f64))> =
                group.iter().filter_map(|p| pick(p).map(|v| (p.values[j], v))).collect();
            if pts.is_empty() {
                continue;
            }
            if pts.iter().any(|(_, (lo, _, hi))| hi > lo) {
                let mut band: Vec<(f64, f64)> = pts.iter().map(|(x, (_, _, hi))| (*x, *hi)).collect();
                band.extend(pts.iter().rev().map(|(x, (lo, _, _))| (*x, *lo)));
                chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15 * alpha))))?;
            }
            let line = chart.draw_series(LineSeries::new(
                pts.iter().map(|(x, (_, m, _))| (*x, *m)),
                colour.mix(alpha).stroke_width(3),
            ))?;
            if g == 0 && series.len() > 1 {
                line.label(name.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3)));
            }
            chart.draw_series(pts.iter().map(|(x, (_, m, _))| Circle::new((*x, *m), 4, colour.mix(alpha).filled())))?;
        }
    }
    if series.len() > 1 {
        legend(&mut chart, SeriesLabelPosition::LowerLeft, 16, None)?;
    }
    Ok(())
}

/// The key figures against parameter `j`: revenue, contribution, utilisation and
/// P(shortfall), one panel each.
fn sweep_param<DB: DrawingBackend>(out: &SweepOutput, j: usize, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let panels = body.split_evenly((2, 2));
    let band = |f: fn(&PointResult) -> &crate::results::Band| -> Box<Pick> {
        Box::new(move |p: &PointResult| {
            let b = f(p);
            Some((b.p10, b.p50, b.p90))
        })
    };
    let money_axis = |y: &f64| money_label(*y);
    sweep_panel(
        &panels[0],
        "revenue: P50 with P10–P90 band",
        out,
        j,
        &[("revenue".into(), NEUTRAL, band(|p| &p.figures.revenue))],
        &money_axis,
        None,
    )?;
    sweep_panel(
        &panels[1],
        "contribution: P50 with P10–P90 band",
        out,
        j,
        &[("contribution".into(), RGBColor(0, 136, 55), band(|p| &p.figures.contribution))],
        &money_axis,
        Some(0.0),
    )?;
    let channels = &out.points[0].figures.channels;
    let utilisation = per_channel(channels, |c| c.utilization.map(|b| (b.p10 * 100.0, b.p50 * 100.0, b.p90 * 100.0)));
    sweep_panel(
        &panels[2],
        "utilisation per channel (%): P50, P10–P90",
        out,
        j,
        &utilisation,
        &|y| format!("{y:.0} %"),
        Some(100.0),
    )?;
    let shortfall = per_channel(channels, |c| c.p_shortfall.map(|v| (v * 100.0, v * 100.0, v * 100.0)));
    sweep_panel(&panels[3], "P(shortfall) per channel (%)", out, j, &shortfall, &|y| format!("{y:.0} %"), None)
}

/// One series per channel that has the figure `pick` reads (at the first point),
/// in the channel's colour.
fn per_channel(
    channels: &[ChannelFigures],
    pick: fn(&ChannelFigures) -> Option<(f64, f64, f64)>,
) -> Vec<(String, RGBColor, Box<Pick>)> {
    channels
        .iter()
        .enumerate()
        .filter(|(_, c)| pick(c).is_some())
        .map(|(i, c)| {
            let series: Box<Pick> = Box::new(move |p: &PointResult| pick(p.figures.channels.get(i)?));
            (c.channel.clone(), channel_colour(i), series)
        })
        .collect()
}

/// A heat map of `value` over the grid of the two swept parameters.
fn sweep_heat<DB: DrawingBackend>(
    out: &SweepOutput,
    body: &DrawingArea<DB, Shift>,
    value: &dyn Fn(&PointResult) -> Option<f64>,
    colour: &dyn Fn(f64) -> RGBColor,
    label: &dyn Fn(f64) -> String,
    what: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let mut rows: Vec<f64> = out.points.iter().map(|p| p.values[0]).collect();
    let mut cols: Vec<f64> = out.points.iter().map(|p| p.values[1]).collect();
    for v in [&mut rows, &mut cols] {
        v.sort_by(f64::total_cmp);
        v.dedup();
    }
    let (w, h) = body.dim_in_pixel();
    let (left, top, bottom) = (200i32, 70i32, 120i32);
    let cell_w = ((w as i32 - left - 20) / cols.len().max(1) as i32).max(2);
    let cell_h = ((h as i32 - top - bottom) / rows.len().max(1) as i32).clamp(2, 120);
    let size = (cell_w as f64 / 6.0).min(cell_h as f64 / 2.2).min(22.0) as u32;
    let plain = |x: f64| crate::report::format::plain(tidy_tick(x));
    body.draw(&Text::new(out.parameters[1].clone(), (left, 0), font(20).color(&MUTED)))?;
    body.draw(&Text::new(out.parameters[0].clone(), (0, top - 30), font(20).color(&MUTED)))?;
    let every = |n: usize, px: i32| (n as i32 * 60 / px.max(1)).max(1) as usize;
    let col_step = every(cols.len(), w as i32 - left);
    for (k, c) in cols.iter().enumerate().filter(|(k, _)| k % col_step == 0) {
        let x = left + k as i32 * cell_w + cell_w / 2;
        body.draw(&Text::new(plain(*c), (x, top - 16), centred(font(18))))?;
    }
    let row_step = every(rows.len(), (h as i32 - top - bottom) * 2);
    for (k, r) in rows.iter().enumerate() {
        let y = top + k as i32 * cell_h;
        if k % row_step == 0 {
            body.draw(&Text::new(
                plain(*r),
                (left - 12, y + cell_h / 2),
                font(18).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
    }
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in &out.points {
        let Some(v) = value(p) else { continue };
        lo = lo.min(v);
        hi = hi.max(v);
        let (Some(i), Some(k)) =
            (rows.iter().position(|r| *r == p.values[0]), cols.iter().position(|c| *c == p.values[1]))
        else {
            continue;
        };
        let (x, y) = (left + k as i32 * cell_w, top + i as i32 * cell_h);
        let bg = colour(v);
        body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], bg.filled()))?;
        if size >= 11 {
            body.draw(&Text::new(label(v), (x + cell_w / 2, y + cell_h / 2), centred(font(size)).color(&ink_on(bg))))?;
        }
    }
    if lo.is_finite() {
        let legend_y = top + rows.len() as i32 * cell_h + 60;
        let ticks: Vec<(f64, String)> =
            (0..=4).map(|k| lo + (hi - lo) * k as f64 / 4.0).map(|v| (v, label(v))).collect();
        let (a, b) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
        colour_scale(body, (left, legend_y, 500), what, colour, (a, b), &ticks)?;
    }
    Ok(())
}
