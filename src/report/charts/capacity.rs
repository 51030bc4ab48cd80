//! The capacity charts of a run: required against available capacity per channel
//! and period, and the utilisation heat map of every channel with a capacity.

use super::Drawn;
use super::axis;
use super::layout::{self, Rect};
use super::run::period_name;
use super::style::{
    EMPTY, GRID, INK, Key, MUTED, SHORT, Swatch, bold, centred, channel_colour, colour_scale, draw_lines, fit, font,
    ink_on, legend_above, ramp, text_width, whole,
};
use crate::report::format::count;
use crate::report::labels::Labels;
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

    let short: Vec<_> = cap.periods.iter().filter(|p| p.p_shortfall >= 0.5).collect();
    let uncertain =
        cap.periods.iter().any(|p| p.available.p90 - p.available.p10 > 1e-9 * p.available.p50.abs().max(1.0));
    let mut keys: Vec<Key> = Vec::new();
    if !short.is_empty() {
        keys.push((Swatch::Fill(SHORT.mix(0.15).filled()), "P(shortfall) ≥ 50 %".into()));
    }
    if uncertain {
        keys.push((Swatch::Fill(MUTED.mix(0.25).filled()), "available P10–P90".into()));
    }
    keys.push((Swatch::Fill(colour.mix(0.3).filled()), "required P10–P90".into()));
    keys.push((Swatch::Line(INK.stroke_width(3)), "available (P50)".into()));
    keys.push((Swatch::Line(colour.stroke_width(4)), "required (P50)".into()));

    let (plot, note) = body.split_vertically(body.dim_in_pixel().1 - 50);
    let plot = legend_above(&plot, &keys, 22, 130)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(70)
        .y_label_area_size(120)
        .build_cartesian_2d(axis(0.5..x_max)?, axis(0.0..top)?)?;
    layout::plot_of(&chart);
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

    chart.draw_series(short.iter().map(|p| {
        let t = p.period as f64;
        Rectangle::new([(t - 0.5, 0.0), (t + 0.5, top)], SHORT.mix(0.10).filled())
    }))?;

    let band = |f: &dyn Fn(&Stat) -> f64, g: &dyn Fn(&Stat) -> f64, pick: &dyn Fn(usize) -> Stat| {
        let mut pts: Vec<(f64, f64)> = (0..periods).map(|t| ((t + 1) as f64, f(&pick(t)))).collect();
        pts.extend((0..periods).rev().map(|t| ((t + 1) as f64, g(&pick(t)))));
        pts
    };
    let available = |t: usize| cap.periods[t].available;
    let required = |t: usize| cap.periods[t].required;
    if uncertain {
        chart.draw_series(std::iter::once(Polygon::new(band(&|s| s.p90, &|s| s.p10, &available), MUTED.mix(0.18))))?;
    }
    chart.draw_series(std::iter::once(Polygon::new(band(&|s| s.p90, &|s| s.p10, &required), colour.mix(0.22))))?;
    chart.draw_series(LineSeries::new(
        cap.periods.iter().map(|p| (p.period as f64, p.available.p50)),
        INK.stroke_width(3),
    ))?;
    chart.draw_series(LineSeries::new(
        cap.periods.iter().map(|p| (p.period as f64, p.required.p50)),
        colour.stroke_width(4),
    ))?;
    chart
        .draw_series(cap.periods.iter().map(|p| Circle::new((p.period as f64, p.required.p50), 5, colour.filled())))?;

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
/// It fills the page; channel labels wrap in a margin sized to them; period
/// numbers are thinned and the cell numbers shrink, then go, when cells are too
/// narrow for them (a note says so).
pub(super) fn utilisation<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let rows: Vec<(usize, &ChannelResult)> =
        r.channels.iter().enumerate().filter(|(_, c)| c.capacity.is_some()).collect();
    let periods = r.scenario.periods.max(1) as i32;
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let labels = Labels::of(r);
    let label_w = rows.iter().map(|(_, c)| text_width(labels.channel(&c.channel), &bold(22))).max().unwrap_or(0);
    let left = (label_w + 50).clamp(160, w * 3 / 10);
    let (top, bottom) = (64, 130);
    let cell_w = ((w - left - 20) / periods).max(2);
    let cell_h = ((h - top - bottom) / rows.len().max(1) as i32).clamp(20, 260);

    // Period numbers: every `step`-th, so that none touches the next.
    let tick = font(18);
    let number_w = text_width(&format!("{periods}"), &tick) + 10;
    let step = [1, 2, 4, 5, 10, 13, 26, 52].into_iter().find(|k| k * cell_w >= number_w).unwrap_or(periods);
    for t in 1..=periods {
        if t % step == 0 || (t == 1 && (step - 1) * cell_w >= number_w) {
            let x = left + (t - 1) * cell_w + cell_w / 2;
            body.draw(&Text::new(format!("{t}"), (x, top - 18), centred(tick.clone())))?;
        }
    }
    body.draw(&Text::new(period_name(r).to_string(), (left, 4), font(20).color(&MUTED)))?;
    let grid = |x: i32, y: i32, ww: i32, hh: i32| {
        let (x0, y0) = body.get_base_pixel();
        Rect::new((x0 + x, y0 + y), (x0 + x + ww, y0 + y + hh))
    };
    layout::plot(grid(left, top, cell_w * periods, cell_h * rows.len() as i32));
    let numbers = cell_numbers(cell_w, cell_h);
    for (row, (c, ch)) in rows.iter().enumerate() {
        let y = top + row as i32 * cell_h;
        body.draw(&Rectangle::new([(10, y + 8), (22, y + cell_h - 8)], channel_colour(*c).filled()))?;
        let (style, lines) =
            fit(labels.channel(&ch.channel), &bold, 22, 14, left - 44, ((cell_h - 8) / 22).max(1) as usize);
        let style = style.pos(Pos::new(HPos::Left, VPos::Center));
        draw_lines(body, &lines, (32, y + cell_h / 2), &style, style.font.get_size() as i32 + 4)?;
        let Some(cap) = &ch.capacity else { continue };
        for p in &cap.periods {
            let x = left + (p.period as i32 - 1) * cell_w;
            let u = p.utilization.as_ref().map_or(f64::NAN, |s| s.p50);
            let bg = if u.is_finite() { ramp(&UTILISATION_STOPS, u) } else { EMPTY };
            body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], bg.filled()))?;
            if cell_w >= 6 {
                body.draw(&Rectangle::new([(x, y), (x + cell_w, y + cell_h)], WHITE.stroke_width(2)))?;
            }
            layout::slot(grid(x, y, cell_w, cell_h));
            let ink = ink_on(bg);
            let (cx, cy) = (x + cell_w / 2, y + cell_h / 2);
            let p_short = format!("{:.0} %", p.p_shortfall * 100.0);
            match numbers {
                Numbers::Two(size) => {
                    let util = if u.is_finite() { format!("{:.0} %", u * 100.0) } else { "–".into() };
                    let half = size as i32 * 3 / 4;
                    body.draw(&Text::new(util, (cx, cy - half), centred(bold(size)).color(&ink)))?;
                    body.draw(&Text::new(format!("P {p_short}"), (cx, cy + half), centred(font(size)).color(&ink)))?;
                }
                Numbers::One(size) => {
                    let text = format!("{:.0}", p.p_shortfall * 100.0);
                    body.draw(&Text::new(text, (cx, cy), centred(font(size)).color(&ink)))?;
                }
                Numbers::None => {}
            }
        }
    }
    let legend_y = top + rows.len() as i32 * cell_h + 64;
    let ticks: Vec<(f64, String)> =
        vec![(0.5, "≤ 50 %".into()), (0.75, "75 %".into()), (1.0, "100 %".into()), (1.25, "≥ 125 %".into())];
    let caption = match numbers {
        Numbers::Two(_) => "median utilisation (required / available); below it P(shortfall) in the period",
        Numbers::One(_) => "median utilisation (required / available); number in cell: P(shortfall) in %",
        Numbers::None => "median utilisation (required / available); cells too narrow for numbers: see capacity.csv",
    };
    colour_scale(body, (left, legend_y, 500), caption, &|v| ramp(&UTILISATION_STOPS, v), (0.5, 1.25), &ticks)
}

/// What a heat-map cell of the utilisation chart can hold.
#[derive(Debug, Clone, Copy)]
enum Numbers {
    /// Utilisation and P(shortfall), at this size.
    Two(u32),
    /// P(shortfall) alone, at this size.
    One(u32),
    /// Nothing legible.
    None,
}

/// The largest legible cell text of a `w` × `h` px cell: both numbers when
/// "P 100 %" fits at 13 px or more, P(shortfall) alone when "100" fits at
/// 11 px or more, else none.
fn cell_numbers(w: i32, h: i32) -> Numbers {
    let fits = |text: &str, size: u32, lines: i32| {
        text_width(text, &bold(size)) <= w - 8 && (size as i32 + 6) * lines <= h - 6
    };
    if let Some(size) = (13..=24).rev().find(|s| fits("P 100 %", *s, 2)) {
        return Numbers::Two(size);
    }
    match (11..=20).rev().find(|s| fits("100", *s, 1)) {
        Some(size) => Numbers::One(size),
        None => Numbers::None,
    }
}
