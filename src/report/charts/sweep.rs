//! The charts of a sweep: key figures against each swept parameter, and heat maps
//! over a two-parameter grid.

use super::axis;
use super::layout::{self, Rect};
use super::style::{
    GRID, Key, MUTED, NEUTRAL, Swatch, Y_LABELS, caption_above, caption_below, centred, channel_colour, colour_scale,
    distinct_ticks, fit, font, fonts, ink_on, legend_above, money_colour, money_label, money_ticks, percent_ticks,
    ramp, render, ticks_of, tidy_tick, whole,
};
use super::{Chart, ChartError, Drawn, Figure, file_safe, unique};
use crate::analysis::sweep::{PointResult, SweepOutput};
use crate::model::schema::{self, Domain, Value};
use crate::report::format::{count, fixed, pct_plain, plain};
use crate::report::labels::Labels;
use crate::results::ChannelFigures;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
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
            SweepKind::Param(j) => format!("Key figures against {}", words(self.out, &p[j])),
            SweepKind::HeatContribution => format!(
                "Mean contribution{} by {} and {}",
                currency_note(self.out),
                words(self.out, &p[0]),
                words(self.out, &p[1])
            ),
            SweepKind::HeatShortfall(c) => {
                let labels = Labels::of_sweep(self.out);
                let channel = labels.channel(&self.out.points[0].figures.channels[c].channel);
                format!("P(shortfall) of {channel} by {} and {}", words(self.out, &p[0]), words(self.out, &p[1]))
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
                let values = self.out.points.iter().map(|p| p.figures.contribution.mean);
                let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
                sweep_heat(
                    self.out,
                    body,
                    &|p| Some(p.figures.contribution.mean),
                    &|v| contribution_colour(v, lo, hi),
                    &|v| money_label(v),
                    &format!("mean contribution{}", currency_note(self.out)),
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

/// A parameter path in words with the labels the sweep recorded ("Medium
/// customers · direct · share"); the shards carry them too, so the charts of a
/// merged sweep are those of the sweep run in one go.
fn words(out: &SweepOutput, path: &str) -> String {
    Labels::of_sweep(out).parameter(path)
}

/// The currency of the sweep's money, as a note after a figure's name: `
/// (EUR)`; nothing when the sweep's files do not record it (files written
/// before they did), so the chart does not name a currency it does not know.
fn currency_note(out: &SweepOutput) -> String {
    let cur = out.labels.currency.trim();
    if cur.is_empty() { String::new() } else { format!(" ({cur})") }
}

/// How the values of a swept parameter read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParamKind {
    /// A share in [0, 1] (a `Rate` field of the schema): a percentage.
    Share,
    /// A whole number (headcount, partners): never a fraction.
    Whole,
    /// Any other number.
    Plain,
}

/// The kind of the field a parameter path ends in, from the schema.
fn param_kind(path: &str) -> ParamKind {
    let key = path.rsplit('.').next().unwrap_or(path);
    let fields: Vec<_> = schema::fields_named(key).filter(|f| f.is_number()).collect();
    if fields.iter().any(|f| f.domain == Domain::Rate) {
        ParamKind::Share
    } else if !fields.is_empty() && fields.iter().all(|f| f.value == Value::Whole) {
        ParamKind::Whole
    } else {
        ParamKind::Plain
    }
}

/// A value of parameter `path` as legends and heat maps show it: `10 %` for a
/// share, `6` for a headcount, `0.25` for any other number.
fn value_text(path: &str, x: f64) -> String {
    match param_kind(path) {
        ParamKind::Share => pct_plain(tidy_tick(x)),
        ParamKind::Whole | ParamKind::Plain => plain(tidy_tick(x)),
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

/// One series of a panel: its name, colour and values.
type Series = (String, RGBColor, Box<Pick>);

/// The colour of the `g`-th of `n` lines of a multi-parameter grid: light to
/// dark blue, so that the order of the other parameter's values reads.
fn group_colour(g: usize, n: usize) -> RGBColor {
    let f = if n > 1 { g as f64 / (n - 1) as f64 } else { 1.0 };
    ramp(&[(0.0, RGBColor(130, 190, 230)), (0.5, RGBColor(33, 113, 181)), (1.0, RGBColor(8, 38, 84))], f)
}

/// What tells the lines along parameter `j` apart: the other parameters' values.
fn group_name(out: &SweepOutput, j: usize, p: &PointResult) -> String {
    let parts: Vec<String> = (0..out.parameters.len())
        .filter(|k| *k != j)
        .map(|k| format!("{} = {}", words(out, &out.parameters[k]), value_text(&out.parameters[k], p.values[k])))
        .collect();
    parts.join(", ")
}

/// One panel of key figures against parameter `j`: a line per series, or, when
/// the grid has other parameters, a line per combination of their values (the
/// figure's own axis range, not forced to zero), each with its band.
fn sweep_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    out: &SweepOutput,
    j: usize,
    series: &[Series],
    y_axis: YAxis,
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
    if !y_lo.is_finite() {
        (y_lo, y_hi) = (0.0, 1.0);
    }
    // A probability reads against the whole scale: 58 % is not drawn near
    // the bottom of an axis cut off at 55 %, nor does the axis pass 100 %.
    let (y0, y1) = if y_axis == YAxis::Probability { (0.0, 100.0) } else { y_range(y_lo, y_hi) };
    // A panel is a quarter of the canvas or less: its caption wraps rather than
    // run into its neighbour's.
    let area = caption_above(area, caption, &font, (22, 15), 2)?;
    let keys: Vec<Key> = if groups.len() == 1 && series.len() > 1 {
        series.iter().map(|(name, colour, _)| (Swatch::Line(colour.stroke_width(3)), name.clone())).collect()
    } else {
        Vec::new()
    };
    let area = legend_above(&area, &keys, 16, 100)?;
    let x_range = axis((x_lo - pad)..(x_hi + pad))?;
    let kind = param_kind(&out.parameters[j]);
    let x_labels = x_label_count(kind, &x_range);
    let mut chart = ChartBuilder::on(&area)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(95)
        .build_cartesian_2d(x_range, axis(y0..y1)?)?;
    layout::plot_of(&chart);
    let x_ticks = ticks_of(chart.as_coord_spec().x_spec(), x_labels);
    let x_label: Box<dyn Fn(&f64) -> String> = match kind {
        ParamKind::Share => Box::new(distinct_ticks(&x_ticks, |x, extra| format!("{} %", fixed(x * 100.0, extra)))),
        ParamKind::Whole => Box::new(whole),
        ParamKind::Plain => Box::new(|x: &f64| plain(tidy_tick(*x))),
    };
    let y_ticks = ticks_of(chart.as_coord_spec().y_spec(), Y_LABELS);
    let y_label: Box<dyn Fn(&f64) -> String> = match y_axis {
        YAxis::Money => Box::new(money_ticks(&y_ticks)),
        YAxis::Percent | YAxis::Probability => Box::new(percent_ticks(&y_ticks)),
    };
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(x_labels)
        .y_labels(Y_LABELS)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(font(17))
        .draw()?;
    if let Some(r) = reference_line.filter(|r| (y0..=y1).contains(r)) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x_lo - pad, r), (x_hi + pad, r)],
            MUTED.stroke_width(2),
        )))?;
    }
    for (_, colour, pick) in series {
        for (g, group) in groups.iter().enumerate() {
            let colour = if groups.len() > 1 { group_colour(g, groups.len()) } else { *colour };
            let pts: Vec<(f64, (f64, f64, f64))> =
                group.iter().filter_map(|p| pick(p).map(|v| (p.values[j], v))).collect();
            if pts.is_empty() {
                continue;
            }
            if pts.iter().any(|(_, (lo, _, hi))| hi > lo) {
                let mut band: Vec<(f64, f64)> = pts.iter().map(|(x, (_, _, hi))| (*x, *hi)).collect();
                band.extend(pts.iter().rev().map(|(x, (lo, _, _))| (*x, *lo)));
                chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.12))))?;
            }
            chart.draw_series(LineSeries::new(pts.iter().map(|(x, (_, m, _))| (*x, *m)), colour.stroke_width(3)))?;
            chart.draw_series(pts.iter().map(|(x, (_, m, _))| Circle::new((*x, *m), 4, colour.filled())))?;
        }
    }
    Ok(())
}

/// What a panel's y axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum YAxis {
    /// Money, compact.
    Money,
    /// A percentage with the data's own range (utilisation).
    Percent,
    /// A probability in per cent, always on 0–100 %.
    Probability,
}

/// How many labels the x axis of a parameter of `kind` over `range` gets: up
/// to eight, and for a whole-number parameter no more than leave every tick on
/// a whole number (headcount 1, 2, 3, not 1.5, 2.5); the labeller shows whole
/// ticks only, should one still fall between.
fn x_label_count(kind: ParamKind, range: &std::ops::Range<f64>) -> usize {
    if kind != ParamKind::Whole {
        return 8;
    }
    let spec = RangedCoordf64::from(range.clone());
    (2..=8).rev().find(|n| ticks_of(&spec, *n).iter().all(|t| (t - t.round()).abs() < 1e-9)).unwrap_or(2)
}

/// The key figures against parameter `j`: revenue, contribution, utilisation and
/// P(shortfall). With one parameter, one panel each (a line per channel); with
/// more, a line per value of the others (legend on top) and a panel per channel.
fn sweep_param<DB: DrawingBackend>(out: &SweepOutput, j: usize, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let groups = lines_along(out, j);
    let band = |f: fn(&PointResult) -> &crate::results::Band| -> Box<Pick> {
        Box::new(move |p: &PointResult| {
            let b = f(p);
            Some((b.p10, b.p50, b.p90))
        })
    };
    let channels = &out.points[0].figures.channels;
    let labels = Labels::of_sweep(out);
    let utilisation =
        per_channel(&labels, channels, |c| c.utilization.map(|b| (b.p10 * 100.0, b.p50 * 100.0, b.p90 * 100.0)));
    let shortfall = per_channel(&labels, channels, |c| c.p_shortfall.map(|v| (v * 100.0, v * 100.0, v * 100.0)));
    type Panel = (String, Vec<Series>, Option<f64>, YAxis);
    let mut panels: Vec<Panel> = vec![
        (
            "revenue: P50 with P10–P90 band".into(),
            vec![("revenue".into(), NEUTRAL, band(|p| &p.figures.revenue))],
            None,
            YAxis::Money,
        ),
        (
            "contribution: P50 with P10–P90 band".into(),
            vec![("contribution".into(), RGBColor(0, 136, 55), band(|p| &p.figures.contribution))],
            Some(0.0),
            YAxis::Money,
        ),
    ];
    let body = if groups.len() > 1 {
        for s in utilisation {
            panels.push((format!("{}: utilisation (%)", s.0), vec![s], Some(100.0), YAxis::Percent));
        }
        for s in shortfall {
            panels.push((format!("{}: P(shortfall) (%)", s.0), vec![s], None, YAxis::Probability));
        }
        let keys: Vec<Key> = groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                (Swatch::Line(group_colour(g, groups.len()).stroke_width(3)), group_name(out, j, group[0]))
            })
            .collect();
        legend_above(body, &keys, 18, 10)?
    } else {
        panels.push(("utilisation per channel (%): P50, P10–P90".into(), utilisation, Some(100.0), YAxis::Percent));
        panels.push(("P(shortfall) per channel (%)".into(), shortfall, None, YAxis::Probability));
        body.clone()
    };
    // Every panel has the same x axis: it is named once, under them all.
    let body = caption_below(&body, &words(out, &out.parameters[j]), &font, (22, 15), 2)?;
    let cols = if panels.len() > 4 { panels.len().div_ceil(2) } else { 2 };
    let areas = body.split_evenly((panels.len().div_ceil(cols), cols));
    for ((caption, series, reference, y_axis), area) in panels.iter().zip(&areas) {
        sweep_panel(area, caption, out, j, series, *y_axis, *reference)?;
    }
    Ok(())
}

/// The y range of a panel whose values run from `lo` to `hi`: a little room
/// above and below, and when all are the same, a range around them (from zero
/// up when they are zero), so no two ticks read the same.
fn y_range(lo: f64, hi: f64) -> (f64, f64) {
    if hi - lo > 1e-9 * hi.abs().max(1.0) {
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02);
        return (lo - pad, hi + pad);
    }
    let pad = (hi.abs() * 0.1).max(1.0);
    if lo >= 0.0 && lo - pad < 0.0 { (0.0, hi + pad) } else { (lo - pad, hi + pad) }
}

/// One series per channel that has the figure `pick` reads (at the first point),
/// in the channel's colour.
fn per_channel(
    labels: &Labels,
    channels: &[ChannelFigures],
    pick: fn(&ChannelFigures) -> Option<(f64, f64, f64)>,
) -> Vec<Series> {
    channels
        .iter()
        .enumerate()
        .filter(|(_, c)| pick(c).is_some())
        .map(|(i, c)| {
            let series: Box<Pick> = Box::new(move |p: &PointResult| pick(p.figures.channels.get(i)?));
            (labels.channel(&c.channel).to_string(), channel_colour(i), series)
        })
        .collect()
}

/// The colour of a mean contribution between `lo` and `hi`: light to dark
/// green when all are gains (dark to light red when all are losses), so the
/// differences show; red–white–green around zero when the grid crosses it.
fn contribution_colour(v: f64, lo: f64, hi: f64) -> RGBColor {
    let span = (hi - lo).max(1e-9);
    if lo >= 0.0 {
        ramp(&[(0.0, RGBColor(229, 245, 224)), (1.0, RGBColor(0, 109, 44))], (v - lo) / span)
    } else if hi <= 0.0 {
        ramp(&[(0.0, RGBColor(165, 15, 21)), (1.0, RGBColor(254, 224, 210))], (v - lo) / span)
    } else {
        money_colour(v, lo.abs().max(hi.abs()))
    }
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
    let (left, top, bottom) = (200i32, 84i32, 120i32);
    let cell_w = ((w as i32 - left - 20) / cols.len().max(1) as i32).max(2);
    let cell_h = ((h as i32 - top - bottom) / rows.len().max(1) as i32).clamp(2, 120);
    let size = (cell_w as f64 / 6.0).min(cell_h as f64 / 2.2).min(22.0) as u32;
    let wide = w as i32 - left - 20;
    let (across, down) =
        (format!("across: {}", words(out, &out.parameters[1])), format!("down: {}", words(out, &out.parameters[0])));
    let (style, _) = fit(&across, &|s| font(s).color(&MUTED), 20, 12, wide, 1);
    body.draw(&Text::new(across, (left, 0), style))?;
    let (style, _) = fit(&down, &|s| font(s).color(&MUTED), 20, 12, w as i32, 1);
    body.draw(&Text::new(down, (0, 28), style))?;
    let (bx, by) = body.get_base_pixel();
    let grid_h = rows.len() as i32 * cell_h;
    layout::plot(Rect::new((bx + left, by + top), (bx + left + cols.len() as i32 * cell_w, by + top + grid_h)));
    let every = |n: usize, px: i32| (n as i32 * 60 / px.max(1)).max(1) as usize;
    let col_step = every(cols.len(), w as i32 - left);
    for (k, c) in cols.iter().enumerate().filter(|(k, _)| k % col_step == 0) {
        let x = left + k as i32 * cell_w + cell_w / 2;
        body.draw(&Text::new(value_text(&out.parameters[1], *c), (x, top - 16), centred(font(18))))?;
    }
    let row_step = every(rows.len(), (h as i32 - top - bottom) * 2);
    for (k, r) in rows.iter().enumerate() {
        let y = top + k as i32 * cell_h;
        if k % row_step == 0 {
            body.draw(&Text::new(
                value_text(&out.parameters[0], *r),
                (left - 12, y + cell_h / 2),
                font(18).pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
        }
    }
    let (lo, hi) =
        out.points.iter().filter_map(value).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    // Values that all read the same get one colour, not shades of one number.
    let single = lo.is_finite() && label(lo) == label(hi);
    for p in &out.points {
        let Some(v) = value(p) else { continue };
        let (Some(i), Some(k)) =
            (rows.iter().position(|r| *r == p.values[0]), cols.iter().position(|c| *c == p.values[1]))
        else {
            continue;
        };
        let (x, y) = (left + k as i32 * cell_w, top + i as i32 * cell_h);
        let bg = colour(if single { lo } else { v });
        body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], bg.filled()))?;
        layout::slot(Rect::new((bx + x, by + y), (bx + x + cell_w, by + y + cell_h)));
        if size >= 11 {
            body.draw(&Text::new(label(v), (x + cell_w / 2, y + cell_h / 2), centred(font(size)).color(&ink_on(bg))))?;
        }
    }
    let legend_y = top + rows.len() as i32 * cell_h + 60;
    if single {
        // One value everywhere: its one colour, not a scale from green to red.
        let one = colour(lo);
        colour_scale(body, (left, legend_y, 120), what, &|_| one, (lo - 1.0, lo + 1.0), &[(lo, label(lo))])?;
    } else if lo.is_finite() {
        // Five ticks, but never two that read the same.
        let mut ticks: Vec<(f64, String)> = Vec::new();
        for v in (0..=4).map(|k| lo + (hi - lo) * k as f64 / 4.0) {
            let text = label(v);
            if ticks.last().is_none_or(|(_, t)| *t != text) {
                ticks.push((v, text));
            }
        }
        let (a, b) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
        colour_scale(body, (left, legend_y, 500), what, colour, (a, b), &ticks)?;
    }
    Ok(())
}
