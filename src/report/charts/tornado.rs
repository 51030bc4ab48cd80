//! The tornado chart of a sensitivity analysis.

use super::axis;
use super::layout;
use super::style::{GRID, INK, Key, MUTED, Swatch, draw_lines, fit, font, fonts, legend_above, money_label, render};
use super::{Chart, ChartError, Drawn, Figure, file_safe};
use crate::model::Scenario;
use crate::report::format::count;
use crate::report::labels::Labels;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The tornado chart of a sensitivity analysis: the 15 inputs with the largest
/// swing (inputs with none left out and counted in a note), each a bar from the metric's mean with the input at its P10 to its mean
/// with the input at its P90, around the ordinary run's mean.
pub fn tornado(s: &crate::analysis::sensitivity::Sensitivity, scenario: &Scenario) -> Result<Chart, ChartError> {
    fonts()?;
    render(&Tornado { s, scenario: &scenario.name, labels: Labels::of_scenario(scenario) })
}

struct Tornado<'a> {
    s: &'a crate::analysis::sensitivity::Sensitivity,
    scenario: &'a str,
    labels: Labels,
}

impl Figure for Tornado<'_> {
    fn name(&self) -> String {
        format!("tornado-{}", file_safe(&self.s.metric))
    }

    fn title(&self) -> String {
        format!("What matters most for {} ({})", self.labels.metric(&self.s.metric), self.s.unit)
    }

    fn source(&self) -> String {
        format!(
            "{} · each input at its P10 and P90, others varying · {} iterations per run · seed {} · chancap",
            self.scenario,
            count(self.s.iterations as f64),
            self.s.seed
        )
    }

    fn body<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let s = self.s;
        // Inputs that move nothing are left out, and counted in a note.
        let moves = |e: &&crate::analysis::sensitivity::InputEffect| {
            (e.metric_at_p90 - e.metric_at_p10).abs() > 1e-9 * s.base_mean.abs().max(1.0)
        };
        let effective: Vec<_> = s.inputs.iter().filter(moves).collect();
        let idle = s.inputs.len() - effective.len();
        let shown: Vec<_> = effective.iter().take(15).copied().collect();
        let n = shown.len().max(1);
        let lo = shown.iter().map(|e| e.metric_at_p10.min(e.metric_at_p90)).fold(s.base_mean, f64::min);
        let hi = shown.iter().map(|e| e.metric_at_p10.max(e.metric_at_p90)).fold(s.base_mean, f64::max);
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
        let fmt = |x: &f64| if s.unit == "FTE" { format!("{x:.1}") } else { money_label(*x) };
        let (low_colour, high_colour) = (RGBColor(166, 189, 219), RGBColor(4, 90, 141));
        let keys: Vec<Key> = vec![
            (Swatch::Line(INK.stroke_width(2)), format!("mean of the ordinary run: {}", fmt(&s.base_mean))),
            (Swatch::Fill(low_colour.filled()), "input held at its P10".into()),
            (Swatch::Fill(high_colour.filled()), "input held at its P90".into()),
        ];
        let mut notes = Vec::new();
        if effective.len() > shown.len() {
            notes.push(format!(
                "{} more inputs with smaller swings in {}",
                effective.len() - shown.len(),
                crate::report::sensitivity::file_name(&s.metric, "csv")
            ));
        }
        if idle > 0 {
            notes.push(format!("not shown: {idle} input{} with no effect", if idle == 1 { "" } else { "s" }));
        }
        let (plot, note) = body.split_vertically(body.dim_in_pixel().1 - if notes.is_empty() { 0 } else { 40 });
        let plot = legend_above(&plot, &keys, 18, 20)?;
        let label_area = (body.dim_in_pixel().0 as i32 * 3 / 10).min(480);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(60)
            .y_label_area_size(label_area)
            .build_cartesian_2d(axis((lo - pad)..(hi + pad))?, axis(-0.5..(n as f64 - 0.5))?)?;
        layout::plot_of(&chart);
        let labels: Vec<String> = shown.iter().map(|e| self.labels.parameter(&e.input)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(7)
            .x_label_formatter(&fmt)
            .y_labels(0)
            .x_desc(format!("mean {} ({})", self.labels.metric(&s.metric), s.unit))
            .label_style(font(18))
            .axis_desc_style(font(22))
            .draw()?;
        let (row_px, _) = (chart.backend_coord(&(lo, 0.0)).1 - chart.backend_coord(&(lo, 1.0)).1, 0);
        let (x_axis, _) = chart.plotting_area().get_pixel_range();
        for (i, label) in labels.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let (_, py) = chart.backend_coord(&(lo, y));
            let max_lines = ((row_px - 2) / 18).clamp(1, 3) as usize;
            let (style, lines) = fit(label, &font, 18, 11, label_area - 30, max_lines);
            let gap = style.font.get_size() as i32 + 3;
            let style = style.pos(Pos::new(HPos::Right, VPos::Center));
            draw_lines(root, &lines, (x_axis.start - 12, py), &style, gap)?;
        }
        for (i, e) in shown.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(s.base_mean, y - 0.35), (e.metric_at_p10, y + 0.35)],
                low_colour.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(s.base_mean, y - 0.35), (e.metric_at_p90, y + 0.35)],
                high_colour.mix(0.85).filled(),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(s.base_mean, -0.5), (s.base_mean, n as f64 - 0.5)],
            INK.stroke_width(2),
        )))?;
        if !notes.is_empty() {
            note.draw(&Text::new(notes.join("; "), (20, 14), font(19).color(&MUTED)))?;
        }
        Ok(())
    }
}
