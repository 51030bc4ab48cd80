//! The tornado chart of a sensitivity analysis.

use super::axis;
use super::style::row_label;
use super::style::{GRID, INK, font, fonts, legend, money_label, render};
use super::{Chart, ChartError, Drawn, Figure, file_safe};
use crate::report::format::count;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The tornado chart of a sensitivity analysis: the 15 inputs with the largest
/// swing, each a bar from the metric's mean with the input at its P10 to its mean
/// with the input at its P90, around the ordinary run's mean.
pub fn tornado(s: &crate::analysis::sensitivity::Sensitivity, scenario: &str) -> Result<Chart, ChartError> {
    fonts()?;
    render(&Tornado { s, scenario })
}

struct Tornado<'a> {
    s: &'a crate::analysis::sensitivity::Sensitivity,
    scenario: &'a str,
}

impl Figure for Tornado<'_> {
    fn name(&self) -> String {
        format!("tornado-{}", file_safe(&self.s.metric))
    }

    fn title(&self) -> String {
        format!("What matters most for {} ({})", self.s.metric, self.s.unit)
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
        let shown: Vec<_> = s.inputs.iter().take(15).collect();
        let n = shown.len().max(1);
        let lo = shown.iter().map(|e| e.metric_at_p10.min(e.metric_at_p90)).fold(s.base_mean, f64::min);
        let hi = shown.iter().map(|e| e.metric_at_p10.max(e.metric_at_p90)).fold(s.base_mean, f64::max);
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
        let fmt = |x: &f64| if s.unit == "FTE" { format!("{x:.1}") } else { money_label(*x) };
        let mut chart = ChartBuilder::on(body)
            .margin(10)
            .x_label_area_size(60)
            .y_label_area_size(430)
            .build_cartesian_2d(axis((lo - pad)..(hi + pad))?, axis(-0.5..(n as f64 - 0.5))?)?;
        let labels: Vec<String> = shown.iter().map(|e| e.input.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(7)
            .x_label_formatter(&fmt)
            .y_labels(n)
            .y_label_formatter(&|y| row_label(&labels, *y))
            .x_desc(format!("mean {} ({})", s.metric, s.unit))
            .label_style(font(18))
            .axis_desc_style(font(22))
            .draw()?;
        let (low_colour, high_colour) = (RGBColor(166, 189, 219), RGBColor(4, 90, 141));
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
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(s.base_mean, -0.5), (s.base_mean, n as f64 - 0.5)],
                INK.stroke_width(2),
            )))?
            .label(format!("mean of the ordinary run: {}", fmt(&s.base_mean)))
            .legend(|(x, y)| PathElement::new(vec![(x, y - 8), (x, y + 8)], INK.stroke_width(2)));
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(s.base_mean, 0.0), (s.base_mean, 0.0)], WHITE)))?
            .label("input held at its P10")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], low_colour.filled()));
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(s.base_mean, 0.0), (s.base_mean, 0.0)], WHITE)))?
            .label("input held at its P90")
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], high_colour.filled()));
        legend(&mut chart, SeriesLabelPosition::LowerRight, 18, None)?;
        let _ = root;
        Ok(())
    }
}
