//! The charts of `chancap optimise`: the objective against the tightest
//! constraint's metric for every plan the search evaluated (feasible or not,
//! the chosen plan marked), and the best objective found against evaluations.

use super::layout;
use super::style::{GRID, Key, MUTED, Swatch, caption_above, font, fonts, legend_above, money_label, render};
use super::{Chart, ChartError, Drawn, Figure, axis};
use crate::analysis::optimise::{Candidate, Outcome, Relation};
use crate::report::format::count;
use crate::report::labels::Labels;
use crate::report::optimise::{Setting, Unit, unit};
use plotters::coord::Shift;
use plotters::prelude::*;

const FEASIBLE: RGBColor = RGBColor(31, 120, 180);
const INFEASIBLE: RGBColor = RGBColor(190, 190, 190);
const CHOSEN: RGBColor = RGBColor(227, 26, 28);

/// The two charts of an optimisation; metrics name channels by their `labels`.
pub fn optimise(out: &Outcome, s: &Setting<'_>, labels: &Labels) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    [Kind::TradeOff, Kind::Progress].iter().map(|k| render(&OptimiseChart { out, s, labels, kind: *k })).collect()
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    TradeOff,
    Progress,
}

struct OptimiseChart<'a> {
    out: &'a Outcome,
    s: &'a Setting<'a>,
    labels: &'a Labels,
    kind: Kind,
}

impl OptimiseChart<'_> {
    /// The constraint with the least slack at the chosen (or closest) plan.
    fn tightest(&self) -> Option<usize> {
        let plan = self.out.best.as_ref().or(self.out.closest.as_ref())?;
        (0..self.s.constraints.len()).min_by(|&a, &b| {
            let slack = |k: usize| {
                let c = &self.s.constraints[k];
                let v = plan.constraints.get(k).and_then(|j| j.estimate).unwrap_or(f64::NAN);
                let d = if c.relation == Relation::AtMost { c.limit - v } else { v - c.limit };
                d / c.limit.abs().max(1e-9)
            };
            slack(a).total_cmp(&slack(b))
        })
    }

    /// A metric column in words, channels by label: `contribution_mean` →
    /// "mean contribution", `inside_p_shortfall` → "P(shortfall) of Inside
    /// sales"; a name of a shape this does not know comes back as it is.
    fn words(&self, metric: &str) -> String {
        let stat = |name: &str| -> Option<(&'static str, String)> {
            let (base, stat) = name.rsplit_once('_')?;
            let stat = match stat {
                "mean" => "mean",
                "p10" => "P10",
                "p50" => "median",
                "p90" => "P90",
                _ => return None,
            };
            Some((stat, base.replace("_fte", " FTE").replace("utilization", "utilisation").replace('_', " ")))
        };
        if let Some(target) = metric.strip_prefix("p_target_") {
            return format!("P({target} ≥ target)");
        }
        // The channel whose name starts the metric (the longest, as names may
        // share a beginning).
        let plan = self.out.best.as_ref().or(self.out.closest.as_ref()).unwrap_or(&self.out.start);
        let channel = plan
            .figures
            .iter()
            .flat_map(|f| &f.channels)
            .map(|c| c.channel.as_str())
            .filter(|c| metric.len() > c.len() + 1 && metric.starts_with(c) && metric.as_bytes()[c.len()] == b'_');
        match channel.max_by_key(|c| c.len()) {
            Some(c) => {
                let label = self.labels.channel(c);
                match &metric[c.len() + 1..] {
                    "p_shortfall" => format!("P(shortfall) of {label}"),
                    rest => match stat(rest) {
                        Some((stat, what)) => format!("{stat} {what} of {label}"),
                        None => metric.to_string(),
                    },
                }
            }
            None => stat(metric).map_or_else(|| metric.to_string(), |(stat, what)| format!("{stat} {what}")),
        }
    }

    fn value_label(metric: &str, x: f64) -> String {
        match unit(metric) {
            Unit::Share => format!("{:.0} %", x * 100.0),
            Unit::Money => money_label(x),
            Unit::Plain => crate::report::format::plain(x),
        }
    }
}

impl Figure for OptimiseChart<'_> {
    fn name(&self) -> String {
        match self.kind {
            Kind::TradeOff => "optimise-tradeoff".into(),
            Kind::Progress => "optimise-progress".into(),
        }
    }

    fn title(&self) -> String {
        let m = self.words(&self.s.objective.metric);
        match (self.kind, self.tightest()) {
            (Kind::TradeOff, Some(k)) => capitalised(&format!(
                "{m} against {} for every plan evaluated",
                self.words(&self.s.constraints[k].metric)
            )),
            (Kind::TradeOff, None) => capitalised(&format!("{m} of every plan evaluated, in the order evaluated")),
            (Kind::Progress, _) => format!("Best feasible {m} found against plans evaluated"),
        }
    }

    fn source(&self) -> String {
        format!(
            "{} · {} plans of {} · {} iterations each on common random numbers · seed {} · chancap",
            self.s.scenario,
            count(self.out.candidates as f64),
            count(self.s.grid as f64),
            count(self.s.iterations as f64),
            self.s.seed
        )
    }

    fn body<DB: DrawingBackend>(&self, _root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        match self.kind {
            Kind::TradeOff => self.trade_off(body),
            Kind::Progress => self.progress(body),
        }
    }
}

/// `text` with its first letter in upper case (a title begins with a metric's
/// own words, never a label).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// (lo, hi) of `xs` padded by 6 %.
fn padded(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.06).max(hi.abs().max(1e-9) * 0.01);
    (lo - pad, hi + pad)
}

impl OptimiseChart<'_> {
    fn trade_off<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let tight = self.tightest();
        let valid: Vec<(usize, &Candidate)> =
            self.out.trail.iter().enumerate().filter(|(_, c)| c.objective.is_some()).collect();
        let x_of = |i: usize, c: &Candidate| match tight {
            Some(k) => c.constraints.get(k).and_then(|j| j.estimate),
            None => Some(i as f64 + 1.0),
        };
        let pts: Vec<(f64, f64, bool)> =
            valid.iter().filter_map(|(i, c)| Some((x_of(*i, c)?, c.objective?, c.feasible))).collect();
        let (x_lo, x_hi) = padded(pts.iter().map(|p| p.0).chain(tight.map(|k| self.s.constraints[k].limit)));
        let (y_lo, y_hi) = padded(pts.iter().map(|p| p.1));
        let metric = self.s.objective.metric.clone();
        let x_metric = tight.map(|k| self.s.constraints[k].metric.clone());
        let chosen = self.out.best.as_ref().and_then(|b| b.point);
        let chosen = valid.iter().find(|(_, c)| c.point == chosen && chosen.is_some());
        let mut keys: Vec<Key> =
            [(false, INFEASIBLE, "fails a constraint"), (true, FEASIBLE, "meets every constraint")]
                .into_iter()
                .filter(|(feasible, _, _)| pts.iter().any(|p| p.2 == *feasible))
                .map(|(_, colour, label)| (Swatch::Dot(colour.filled()), label.to_string()))
                .collect();
        if chosen.is_some() {
            keys.push((Swatch::Dot(CHOSEN.stroke_width(3)), "chosen plan".into()));
        }
        if let Some(k) = tight {
            let c = &self.s.constraints[k];
            let relation = if c.relation == Relation::AtMost { "≤" } else { "≥" };
            let limit = Self::value_label(&c.metric, c.limit);
            keys.push((
                Swatch::Line(MUTED.stroke_width(2)),
                format!("limit: {} {relation} {limit}", self.words(&c.metric)),
            ));
        }
        let area = legend_above(area, &keys, 20, 120)?;
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(axis(x_lo..x_hi)?, axis(y_lo..y_hi)?)?;
        layout::plot_of(&chart);
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|x| match &x_metric {
                Some(m) => Self::value_label(m, *x),
                None => format!("{x:.0}"),
            })
            .y_label_formatter(&|y| Self::value_label(&metric, *y))
            .x_desc(x_metric.as_ref().map_or_else(|| "plan evaluated (order)".into(), |m| self.words(m)))
            .y_desc(self.words(&metric))
            .label_style(font(18))
            .axis_desc_style(font(20))
            .draw()?;
        if let Some(k) = tight {
            let limit = self.s.constraints[k].limit;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(limit, y_lo), (limit, y_hi)],
                MUTED.stroke_width(2),
            )))?;
        }
        for (feasible, colour) in [(false, INFEASIBLE), (true, FEASIBLE)] {
            chart.draw_series(
                pts.iter().filter(|p| p.2 == feasible).map(|p| Circle::new((p.0, p.1), 5, colour.mix(0.8).filled())),
            )?;
        }
        // The chosen plan, as the search saw it.
        if let Some((i, c)) = chosen
            && let (Some(x), Some(y)) = (x_of(*i, c), c.objective)
        {
            chart.draw_series(std::iter::once(Circle::new((x, y), 11, CHOSEN.stroke_width(4))))?;
        }
        Ok(())
    }

    fn progress<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let maximise = self.s.objective.sense == crate::analysis::optimise::Sense::Maximise;
        let mut best: Option<f64> = None;
        let mut steps: Vec<(f64, f64)> = Vec::new();
        for (i, c) in self.out.trail.iter().enumerate() {
            if let (true, Some(v)) = (c.feasible, c.objective) {
                let better = best.is_none_or(|b| if maximise { v > b } else { v < b });
                if better {
                    best = Some(v);
                }
            }
            if let Some(b) = best {
                steps.push((i as f64 + 1.0, b));
            }
        }
        let n = self.out.trail.len().max(1) as f64;
        let (y_lo, y_hi) = padded(steps.iter().map(|p| p.1));
        let metric = self.s.objective.metric.clone();
        // Above the plot, never on it: what the line is, or why there is none.
        let area = if steps.is_empty() {
            caption_above(area, "no feasible plan found: no plan met every constraint", &font, (24, 18), 2)?
        } else {
            let key = (Swatch::Line(FEASIBLE.stroke_width(3)), format!("best feasible {} so far", self.words(&metric)));
            legend_above(area, &[key], 20, 120)?
        };
        let mut chart = ChartBuilder::on(&area)
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(axis(0.0..n + 1.0)?, axis(y_lo..y_hi)?)?;
        layout::plot_of(&chart);
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(10)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| if steps.is_empty() { String::new() } else { Self::value_label(&metric, *y) })
            .x_desc("plans evaluated")
            .y_desc(format!("best feasible {}", self.words(&metric)))
            .label_style(font(18))
            .axis_desc_style(font(20))
            .draw()?;
        if steps.is_empty() {
            return Ok(());
        }
        let mut stair: Vec<(f64, f64)> = Vec::new();
        for (x, y) in &steps {
            if let Some(&(_, last)) = stair.last() {
                stair.push((*x, last));
            }
            stair.push((*x, *y));
        }
        chart.draw_series(LineSeries::new(stair, FEASIBLE.stroke_width(3)))?;
        Ok(())
    }
}
