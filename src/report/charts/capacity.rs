//! The capacity charts of a run: required against available capacity per channel
//! and period, and the utilisation heat map of every channel with a capacity.

use super::Drawn;
use super::axis;
use super::run::period_name;
use super::style::{
    EMPTY, GRID, INK, MUTED, SHORT, bold, centred, channel_colour, colour_scale, font, ink_on, legend, ramp, whole,
};
use crate::report::format::count;
use crate::results::{ChannelResult, Results, Stat};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The unit of a capacity figure per period, e.g. `hours per month`.
fn per_period(unit: &str, r: &Results) -> String {
    format!("{unit} per {}", period_name(r))
}

/// Required against available capacity of channel `c` per period, with P10–P90 bands.
pub(super) fn capacity<DB: DrawingBackend>(
    r: &Results,
    c: usize,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let ch: &ChannelResult = &r.channels[c];
    let Some(cap) = &ch.capacity else { return Ok(()) };
    let colour = channel_colour(c);
    let periods = cap.periods.len();
    let top = cap.periods.iter().map(|p| p.required.p90.max(p.available.p90)).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.25 } else { 1.0 };
    let x_max = periods as f64 + 0.5;

    let (plot, note) = body.split_vertically(body.dim_in_pixel().1 - 50);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(70)
        .y_label_area_size(120)
        .build_cartesian_2d(axis(0.5..x_max)?, axis(0.0..top)?)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(periods.min(26))
        .x_label_formatter(&whole)
        .y_label_formatter(&|y| count(*y))
        .x_desc(period_name(r))
        .y_desc(per_period(&cap.unit, r))
        .label_style(font(22))
        .axis_desc_style(font(24))
        .draw()?;

    let short: Vec<_> = cap.periods.iter().filter(|p| p.p_shortfall >= 0.5).collect();
    if !short.is_empty() {
        chart
            .draw_series(short.iter().map(|p| {
                let t = p.period as f64;
                Rectangle::new([(t - 0.5, 0.0), (t + 0.5, top)], SHORT.mix(0.10).filled())
            }))?
            .label("P(shortfall) ≥ 50 %")
            .legend(|(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], SHORT.mix(0.15).filled()));
    }

    let band = |f: &dyn Fn(&Stat) -> f64, g: &dyn Fn(&Stat) -> f64, pick: &dyn Fn(usize) -> Stat| {
        let mut pts: Vec<(f64, f64)> = (0..periods).map(|t| ((t + 1) as f64, f(&pick(t)))).collect();
        pts.extend((0..periods).rev().map(|t| ((t + 1) as f64, g(&pick(t)))));
        pts
    };
    let available = |t: usize| cap.periods[t].available;
    let required = |t: usize| cap.periods[t].required;
    if cap.periods.iter().any(|p| p.available.p90 - p.available.p10 > 1e-9 * p.available.p50.abs().max(1.0)) {
        chart
            .draw_series(std::iter::once(Polygon::new(band(&|s| s.p90, &|s| s.p10, &available), MUTED.mix(0.18))))?
            .label("available P10–P90")
            .legend(|(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], MUTED.mix(0.25).filled()));
    }
    chart
        .draw_series(std::iter::once(Polygon::new(band(&|s| s.p90, &|s| s.p10, &required), colour.mix(0.22))))?
        .label("required P10–P90")
        .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], colour.mix(0.3).filled()));
    chart
        .draw_series(LineSeries::new(
            cap.periods.iter().map(|p| (p.period as f64, p.available.p50)),
            INK.stroke_width(3),
        ))?
        .label("available (P50)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], INK.stroke_width(3)));
    chart
        .draw_series(LineSeries::new(
            cap.periods.iter().map(|p| (p.period as f64, p.required.p50)),
            colour.stroke_width(4),
        ))?
        .label("required (P50)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(4)));
    chart
        .draw_series(cap.periods.iter().map(|p| Circle::new((p.period as f64, p.required.p50), 5, colour.filled())))?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 22, Some(12))?;

    let mut text = match (&cap.required_fte, &cap.available_fte) {
        (Some(req), Some(avail)) => {
            format!("Over the horizon: {} FTE required vs {} available (P50); ", fte(req.p50), fte(avail.p50))
        }
        _ => format!(
            "Over the horizon: {} {} required vs {} available (P50); ",
            count(cap.required.p50),
            cap.unit,
            count(cap.available.p50)
        ),
    };
    text.push_str(&format!("P(shortfall in at least one {}) {}.", period_name(r), pct0(cap.p_shortfall)));
    let _ = root;
    note.draw(&Text::new(text, (130, 20), font(22).color(&MUTED)))?;
    Ok(())
}

/// FTE with one decimal.
fn fte(x: f64) -> String {
    format!("{x:.1}")
}

/// A probability as a whole percentage.
fn pct0(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

/// Colour stops of utilisation: green well below 100 %, red above.
const UTILISATION_STOPS: [(f64, RGBColor); 5] = [
    (0.5, RGBColor(26, 150, 65)),
    (0.8, RGBColor(166, 217, 106)),
    (0.95, RGBColor(255, 255, 191)),
    (1.05, RGBColor(253, 174, 97)),
    (1.25, RGBColor(215, 25, 28)),
];

/// The heat map of median utilisation and P(shortfall) by channel and period.
pub(super) fn utilisation<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let rows: Vec<(usize, &ChannelResult)> =
        r.channels.iter().enumerate().filter(|(_, c)| c.capacity.is_some()).collect();
    let periods = r.scenario.periods.max(1);
    let (w, h) = body.dim_in_pixel();
    let (left, top, bottom) = (230i32, 60i32, 120i32);
    let cell_w = ((w as i32 - left - 20) / periods as i32).max(4);
    let cell_h = ((h as i32 - top - bottom) / rows.len().max(1) as i32).clamp(20, 150);
    let size = ((cell_w as f64 / 5.2).min(cell_h as f64 / 3.2).min(24.0)) as u32;

    for t in 0..periods {
        if periods <= 26 || (t + 1) % 4 == 0 || t == 0 {
            let x = left + t as i32 * cell_w + cell_w / 2;
            body.draw(&Text::new(format!("{}", t + 1), (x, top - 20), centred(font(size.clamp(14, 22)))))?;
        }
    }
    body.draw(&Text::new(period_name(r).to_string(), (left, 4), font(20).color(&MUTED)))?;
    for (row, (c, ch)) in rows.iter().enumerate() {
        let y = top + row as i32 * cell_h;
        body.draw(&Rectangle::new([(10, y + 8), (22, y + cell_h - 8)], channel_colour(*c).filled()))?;
        body.draw(&Text::new(
            ch.channel.clone(),
            (32, y + cell_h / 2),
            bold(22).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let Some(cap) = &ch.capacity else { continue };
        for p in &cap.periods {
            let x = left + (p.period as i32 - 1) * cell_w;
            let u = p.utilization.as_ref().map_or(f64::NAN, |s| s.p50);
            let bg = if u.is_finite() { ramp(&UTILISATION_STOPS, u) } else { EMPTY };
            body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], bg.filled()))?;
            body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], WHITE.stroke_width(2)))?;
            let ink = ink_on(bg);
            let cx = x + cell_w / 2;
            let p_short = format!("{:.0}", p.p_shortfall * 100.0);
            if cell_w >= 90 && cell_h >= 60 {
                let util = if u.is_finite() { format!("{:.0} %", u * 100.0) } else { "–".into() };
                body.draw(&Text::new(
                    util,
                    (cx, y + cell_h / 2 - size as i32 * 3 / 4),
                    centred(bold(size)).color(&ink),
                ))?;
                body.draw(&Text::new(
                    format!("P {p_short} %"),
                    (cx, y + cell_h / 2 + size as i32 * 3 / 4),
                    centred(font(size)).color(&ink),
                ))?;
            } else {
                body.draw(&Text::new(p_short, (cx, y + cell_h / 2), centred(font(size.max(10))).color(&ink)))?;
            }
        }
    }
    let legend_y = top + rows.len() as i32 * cell_h + 60;
    let ticks: Vec<(f64, String)> =
        [0.5, 0.75, 1.0, 1.25].iter().map(|v| (*v, format!("{:.0} %", v * 100.0))).collect();
    colour_scale(
        body,
        (left, legend_y, 500),
        "median utilisation (required / available); number in cell: P(shortfall) in %",
        &|v| ramp(&UTILISATION_STOPS, v),
        (0.5, 1.25),
        &ticks,
    )
}
