//! The economics of a run: the service-concept matrix (contribution of every
//! segment–channel pair), the margin bridge and cost-to-serve by segment.

use super::Drawn;
use super::axis;
use super::layout::{self, Rect};
use super::style::{
    GRID, INK, Key, MUTED, NEUTRAL, SHORT, Swatch, bold, centred, channel_colour, colour_scale, draw_lines, fit, font,
    ink_on, legend_above, money_colour, money_label, text_width,
};
use crate::report::labels::Labels;
use crate::results::Results;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The service-concept matrix: median contribution, hit rate and cost-to-serve of each pair.
pub(super) fn concept<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let labels = Labels::of(r);
    let (w, h) = body.dim_in_pixel();
    let label_w = r.segments.iter().map(|s| text_width(&s.label, &bold(22))).max().unwrap_or(0);
    let (left, top, bottom) = ((label_w + 30).clamp(200, w as i32 * 3 / 10), 84i32, 110i32);
    let cols = r.channels.len().max(1) as i32;
    let rows = r.segments.len().max(1) as i32;
    let cell_w = ((w as i32 - left - 20) / cols).clamp(10, 360);
    let cell_h = ((h as i32 - top - bottom) / rows).clamp(24, 170);
    let scale = r.cells.iter().map(|c| c.metrics.contribution.p50.abs()).fold(0.0, f64::max);
    let size = (cell_w as f64 / 11.0).min(cell_h as f64 / 4.2).clamp(10.0, 22.0) as u32;

    for (j, ch) in r.channels.iter().enumerate() {
        let x = left + j as i32 * cell_w;
        body.draw(&Rectangle::new([(x + 6, top - 14), (x + cell_w - 6, top - 6)], channel_colour(j).filled()))?;
        let (style, lines) = fit(labels.channel(&ch.channel), &bold, 22, 13, cell_w - 12, 2);
        let gap = style.font.get_size() as i32 + 4;
        draw_lines(
            body,
            &lines,
            (x + cell_w / 2, top - 26 - gap * (lines.len() as i32 - 1) / 2),
            &centred(style),
            gap,
        )?;
    }
    for (i, seg) in r.segments.iter().enumerate() {
        let y = top + i as i32 * cell_h;
        let (style, lines) = fit(&seg.label, &bold, 22, 13, left - 20, ((cell_h - 6) / 20).max(1) as usize);
        let gap = style.font.get_size() as i32 + 4;
        draw_lines(body, &lines, (10, y + cell_h / 2), &style.pos(Pos::new(HPos::Left, VPos::Center)), gap)?;
        for (j, ch) in r.channels.iter().enumerate() {
            let x = left + j as i32 * cell_w;
            let cell = r.cells.iter().find(|c| c.segment == seg.segment && c.channel == ch.channel);
            let area = [(x + 3, y + 3), (x + cell_w - 3, y + cell_h - 3)];
            let (bx, by) = body.get_base_pixel();
            layout::plot(Rect::new((bx + x + 3, by + y + 3), (bx + x + cell_w - 3, by + y + cell_h - 3)));
            layout::slot(Rect::new((bx + x + 3, by + y + 3), (bx + x + cell_w - 3, by + y + cell_h - 3)));
            let cx = x + cell_w / 2;
            let cy = y + cell_h / 2;
            match cell {
                None => {
                    body.draw(&Rectangle::new(area, GRID.stroke_width(2)))?;
                    body.draw(&Text::new("not covered", (cx, cy), centred(font(size)).color(&MUTED)))?;
                }
                Some(cell) => {
                    let m = &cell.metrics;
                    let bg = money_colour(m.contribution.p50, scale);
                    let ink = ink_on(bg);
                    body.draw(&Rectangle::new(area, bg.filled()))?;
                    let line = size as i32 + 8;
                    let hit = m.hit_rate.as_ref().map_or("–".into(), |s| format!("{:.0} %", s.p50 * 100.0));
                    let cts = m.cost_to_serve.as_ref().map_or("–".into(), |s| format!("{:.1} %", s.p50 * 100.0));
                    let lines = [
                        (format!("{cur} {}", money_label(m.contribution.p50)), bold(size + 2)),
                        (format!("hit rate {hit}"), font(size)),
                        (format!("cost-to-serve {cts}"), font(size)),
                    ];
                    for (k, (text, style)) in lines.into_iter().enumerate() {
                        body.draw(&Text::new(text, (cx, cy + (k as i32 - 1) * line), centred(style).color(&ink)))?;
                    }
                }
            }
        }
    }
    let legend_y = top + rows * cell_h + 55;
    let ticks: Vec<(f64, String)> =
        [-1.0, -0.5, 0.0, 0.5, 1.0].iter().map(|f| (f * scale, money_label(f * scale))).collect();
    colour_scale(
        body,
        (left, legend_y, 600),
        &format!("contribution of the pair, P50 ({cur}); hit rate and cost-to-serve are P50 too"),
        &|v| money_colour(v, scale),
        (-scale.max(1.0), scale.max(1.0)),
        &ticks,
    )
}

/// Draws category labels under the x axis at whole-number positions.
fn category_labels<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    labels: &[String],
    y_axis: f64,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (x0, _) = chart.backend_coord(&(0.0, y_axis));
    let (x1, _) = chart.backend_coord(&(1.0, y_axis));
    let width = (x1 - x0 - 8).max(40);
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, y_axis));
        let mut y = py + 22;
        for (k, part) in label.split('\n').enumerate() {
            let (style, lines) = if k == 0 {
                fit(part, &bold, 20, 12, width, 2)
            } else {
                fit(part, &|s| font(s).color(&MUTED), 18, 11, width, 1)
            };
            for line in lines {
                root.draw(&Text::new(line, (px, y), centred(style.clone())))?;
                y += style.font.get_size() as i32 + 4;
            }
        }
    }
    Ok(())
}

/// The margin bridge: revenue, product cost, each channel's cost, contribution.
pub(super) fn bridge<DB: DrawingBackend>(
    r: &Results,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let labels = Labels::of(r);
    let revenue = r.totals.revenue.p50;
    let margin = r.totals.gross_margin.p50;
    // (label, start, end, colour): a step from start to end.
    let mut steps: Vec<(String, f64, f64, RGBColor)> = vec![
        ("Revenue".into(), 0.0, revenue, NEUTRAL),
        ("Product cost".into(), revenue, margin, RGBColor(160, 166, 173)),
        ("Gross margin".into(), 0.0, margin, NEUTRAL),
    ];
    let mut level = margin;
    for (j, ch) in r.channels.iter().enumerate() {
        let cost = ch.metrics.channel_cost.p50;
        steps.push((format!("{}\ncost", labels.channel(&ch.channel)), level, level - cost, channel_colour(j)));
        level -= cost;
    }
    let contribution = r.totals.contribution.p50;
    let green = if contribution >= 0.0 { RGBColor(0, 136, 55) } else { SHORT };
    steps.push(("Contribution".into(), 0.0, contribution, green));

    let lowest = steps.iter().map(|s| s.1.min(s.2)).fold(0.0, f64::min);
    let highest = steps.iter().map(|s| s.1.max(s.2)).fold(0.0, f64::max);
    let span = (highest - lowest).max(1.0);
    let n = steps.len();
    let (plot, note) = body.split_vertically(body.dim_in_pixel().1 - 50);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(110)
        .y_label_area_size(130)
        .build_cartesian_2d(axis(-0.6..(n as f64 - 0.4))?, axis((lowest - span * 0.05)..(highest + span * 0.12))?)?;
    layout::plot_of(&chart);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .y_label_formatter(&|y| money_label(*y))
        .y_desc(format!("{cur}, median of the iterations"))
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    chart.draw_series(steps.iter().enumerate().map(|(i, (_, a, b, c))| {
        let x = i as f64;
        Rectangle::new([(x - 0.35, *a), (x + 0.35, *b)], c.filled())
    }))?;
    // Connectors from the end of one step to the start of the next.
    for (i, step) in steps.iter().take(n - 1).enumerate() {
        let (x, y) = (i as f64, step.2);
        chart.draw_series(std::iter::once(PathElement::new(vec![(x + 0.35, y), (x + 0.65, y)], MUTED)))?;
    }
    for (i, (_, a, b, _)) in steps.iter().enumerate() {
        let delta = b - a;
        let is_total = *a == 0.0;
        let text = if is_total {
            money_label(*b)
        } else {
            format!("{}{}", if delta < 0.0 { "−" } else { "+" }, money_label(delta.abs()))
        };
        let (px, py) = chart.backend_coord(&(i as f64, a.max(*b)));
        root.draw(&Text::new(text, (px, py - 18), centred(bold(20))))?;
        label_slot(&chart, i as f64, a.max(*b));
    }
    let labels: Vec<String> = steps.iter().map(|s| s.0.clone()).collect();
    category_labels(root, &chart, &labels, lowest - span * 0.05)?;
    note.draw(&Text::new(
        "Each bar is the median over the iterations; medians do not add up exactly, so the contribution bar is its own median.",
        (140, 20),
        font(20).color(&MUTED),
    ))?;
    Ok(())
}

/// Notes the slot of a value label over the bar at `x` whose top is `y`: the
/// bar's column (its width), from above that top to the plot's top.
fn label_slot<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &ChartContext<DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    x: f64,
    y: f64,
) {
    let (left, top) = chart.backend_coord(&(x - 0.5, y));
    let (right, _) = chart.backend_coord(&(x + 0.5, y));
    let (_, plot_y) = chart.plotting_area().get_pixel_range();
    layout::slot(Rect::new((left, plot_y.start), (right, top - 6)));
}

/// Cost-to-serve by segment, with each serving channel's own as a dot.
pub(super) fn cost_to_serve<DB: DrawingBackend>(
    r: &Results,
    root: &DrawingArea<DB, Shift>,
    body: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let n = r.segments.len();
    let labels = Labels::of(r);
    let top = r
        .segments
        .iter()
        .filter_map(|s| s.metrics.cost_to_serve.as_ref().map(|c| c.p90))
        .chain(r.cells.iter().filter_map(|c| c.metrics.cost_to_serve.as_ref().map(|c| c.p50)))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(0.01)
        * 100.0
        * 1.2;
    let mut keys: Vec<Key> = r
        .channels
        .iter()
        .enumerate()
        .filter(|(_, ch)| r.cells.iter().any(|c| c.channel == ch.channel && c.metrics.cost_to_serve.is_some()))
        .map(|(j, ch)| {
            (Swatch::Dot(channel_colour(j).filled()), format!("{} (P50 of its pairs)", labels.channel(&ch.channel)))
        })
        .collect();
    keys.push((Swatch::Fill(NEUTRAL.mix(0.75).filled()), "segment: P50 bar, P10–P90 whisker".into()));
    let plot = legend_above(body, &keys, 19, 120)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(110)
        .y_label_area_size(110)
        .build_cartesian_2d(axis(-0.6..(n as f64 - 0.4))?, axis(0.0..top)?)?;
    layout::plot_of(&chart);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .y_desc("channel cost as % of revenue")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    for (i, seg) in r.segments.iter().enumerate() {
        let x = i as f64;
        let Some(c) = &seg.metrics.cost_to_serve else { continue };
        let (p10, p50, p90) = (c.p10 * 100.0, c.p50 * 100.0, c.p90 * 100.0);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.3, 0.0), (x + 0.3, p50)],
            NEUTRAL.mix(0.75).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(x, p10), (x, p90)], INK.stroke_width(3))))?;
        for y in [p10, p90] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x - 0.08, y), (x + 0.08, y)],
                INK.stroke_width(3),
            )))?;
        }
        // Above the whisker and above every channel's dot of the segment.
        let dots = r
            .cells
            .iter()
            .filter(|c| c.segment == seg.segment)
            .filter_map(|c| c.metrics.cost_to_serve.as_ref().map(|s| s.p50 * 100.0))
            .filter(|v| v.is_finite());
        let high = dots.fold(p90, f64::max);
        let (px, py) = chart.backend_coord(&(x, high));
        root.draw(&Text::new(format!("{p50:.1} %"), (px, py - 24), centred(bold(20))))?;
        label_slot(&chart, x, high);
    }
    // Each serving channel's own cost-to-serve in the segment, as a dot in its colour.
    for (j, ch) in r.channels.iter().enumerate() {
        let dots: Vec<(f64, f64)> = r
            .segments
            .iter()
            .enumerate()
            .filter_map(|(i, seg)| {
                let cell = r.cells.iter().find(|c| c.segment == seg.segment && c.channel == ch.channel)?;
                let v = cell.metrics.cost_to_serve.as_ref()?.p50 * 100.0;
                let offset = -0.24 + 0.48 * (j as f64 + 0.5) / r.channels.len() as f64;
                v.is_finite().then_some((i as f64 + offset, v))
            })
            .collect();
        if dots.is_empty() {
            continue;
        }
        let colour = channel_colour(j);
        chart.draw_series(dots.into_iter().map(|p| Circle::new(p, 9, colour.filled())))?;
    }
    let labels: Vec<String> = r
        .segments
        .iter()
        .map(|s| {
            let rev = format!("revenue {} {}", r.scenario.currency, money_label(s.metrics.revenue.p50));
            format!("{}\n{rev}", s.label)
        })
        .collect();
    category_labels(root, &chart, &labels, 0.0)?;
    Ok(())
}
