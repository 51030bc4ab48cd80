//! Client-ready charts of a run, drawn with plotters: SVG for slides (text stays
//! text) and PNG for a quick look, both 1600 × 1000 px.
//!
//! Every chart is drawn by one function generic over the plotters backend, so the
//! SVG and the PNG show the same thing. Text is set in DejaVu Sans, shipped with
//! the project (`assets/fonts/`) and registered with plotters' `ab_glyph` support,
//! so charts render on a machine with no fonts installed. Each channel keeps one
//! colour in every chart and in the report ([`channel_colour`]).
//!
//! The charts are laid out by family: `style.rs` holds the house style (canvas,
//! fonts, colours, tick labels, colour scales) and renders a chart to SVG and PNG;
//! `run.rs` lists the charts of a run and draws its outcome distributions and
//! convergence, `capacity.rs` its capacity and utilisation charts and
//! `economics.rs` its service-concept matrix, margin bridge and cost-to-serve;
//! `sweep.rs`, `compare.rs` and `tornado.rs` draw the charts of a sweep, a
//! comparison and a sensitivity analysis.

mod capacity;
mod compare;
mod economics;
pub mod layout;
mod optimise;
mod run;
mod style;
mod sweep;
mod tornado;

use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;

pub use compare::compare;
pub use optimise::optimise;
pub use run::all;
pub use style::{HEIGHT, WIDTH, channel_colour, hex};
pub use sweep::sweep;
pub use tornado::tornado;

/// One chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem: `capacity-direct`, `utilisation`, …
    pub name: String,
    /// Its title, as drawn.
    pub title: String,
    /// SVG text.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Where its texts, plot areas and slots landed (the PNG's layout).
    pub layout: layout::Layout,
}

/// A chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font was refused.
    #[error("the embedded font cannot be loaded")]
    Font,
    /// Drawing failed.
    #[error("drawing chart {chart}: {message}")]
    Draw {
        /// Which chart.
        chart: String,
        /// What went wrong.
        message: String,
    },
}

/// A chart: its file name, title, footer line and body.
trait Figure: Sync {
    fn name(&self) -> String;
    fn title(&self) -> String;
    /// The footer: what was run.
    fn source(&self) -> String;
    /// Draws the body below the title; `root` is the whole page.
    fn body<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static;
}

/// What drawing a chart returns: nothing, or why it failed.
type Drawn = Result<(), Box<dyn Error>>;

/// An axis range plotters can lay out. Its key-point search never ends on a
/// non-finite range, so every chart builds its axes through this: a range
/// that is not finite is refused (the scales the reader enforces keep every
/// figure finite; this is the last guard), an empty one widened.
fn axis(range: std::ops::Range<f64>) -> Result<std::ops::Range<f64>, Box<dyn Error>> {
    let (lo, hi) = (range.start, range.end);
    if !(lo.is_finite() && hi.is_finite() && (hi - lo).is_finite()) {
        return Err(format!("the axis range [{lo}, {hi}] is not finite").into());
    }
    if hi > lo {
        return Ok(lo..hi);
    }
    let half = 0.5 * lo.abs().max(hi.abs()).max(1.0);
    Ok(lo.min(hi) - half..lo.max(hi) + half)
}

/// The charts with every file name unique: a name met again gets `-2`, `-3`,
/// … (the first keeps its name), in chart order, so the names are stable.
fn unique(mut charts: Vec<Chart>) -> Vec<Chart> {
    let mut taken: std::collections::HashSet<String> = charts.iter().map(|c| c.name.clone()).collect();
    let mut seen = std::collections::HashSet::new();
    for chart in &mut charts {
        if seen.insert(chart.name.clone()) {
            continue;
        }
        let stem = chart.name.clone();
        let name = (2..).map(|k| format!("{stem}-{k}")).find(|n| !taken.contains(n)).expect("a free name");
        taken.insert(name.clone());
        seen.insert(name.clone());
        chart.name = name;
    }
    charts
}

/// Keeps a channel name usable as a file name.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15, item 8: generated chart names never collide.
    #[test]
    fn chart_names_are_made_unique_in_order() {
        let chart = |name: &str| Chart {
            name: name.into(),
            title: String::new(),
            svg: String::new(),
            png: Vec::new(),
            layout: Default::default(),
        };
        let names: Vec<String> = unique(vec![chart("a"), chart("a-2"), chart("a"), chart("b"), chart("a")])
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["a", "a-2", "a-3", "b", "a-4"]);
    }

    /// Issue 15, item 1: plotters looped forever laying out a non-finite axis;
    /// every chart's axes pass through `axis`, which refuses one and widens an
    /// empty one.
    #[test]
    fn axes_are_finite_and_never_empty() {
        for bad in [f64::NAN..1.0, 0.0..f64::INFINITY, f64::NEG_INFINITY..0.0, -f64::MAX..f64::MAX] {
            assert!(axis(bad.clone()).is_err(), "{bad:?}");
        }
        assert_eq!(axis(0.0..2.0).unwrap(), 0.0..2.0);
        assert_eq!(axis(5.0..5.0).unwrap(), 2.5..7.5);
        assert_eq!(axis(0.0..0.0).unwrap(), -0.5..0.5);
        // And a chart drawn over one fails instead of hanging.
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (200, 100)).into_drawing_area();
        let drawn: Drawn = (|| {
            ChartBuilder::on(&root).build_cartesian_2d(axis(0.0..1.0)?, axis(0.0..f64::NAN)?)?;
            Ok(())
        })();
        assert!(drawn.unwrap_err().to_string().contains("not finite"));
    }
}
