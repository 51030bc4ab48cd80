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
mod run;
mod style;
mod sweep;
mod tornado;

use plotters::coord::Shift;
use plotters::prelude::*;
use std::error::Error;

pub use compare::compare;
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

/// Keeps a channel name usable as a file name.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}
