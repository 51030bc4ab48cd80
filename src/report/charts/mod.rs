//! Client-ready charts of a run, drawn with plotters: SVG for slides (text stays
//! text) and PNG for a quick look, both 1600 × 1000 px.
//!
//! Every chart is drawn by one function generic over the plotters backend, so the
//! SVG and the PNG show the same thing. Text is set in DejaVu Sans, shipped with
//! the project (`assets/fonts/`) and registered with plotters' `ab_glyph` support,
//! so charts render on a machine with no fonts installed. Each channel keeps one
//! colour in every chart and in the report ([`channel_colour`]).

use super::format::{count, money_compact};
use crate::analysis::compare::Comparison;
use crate::analysis::sweep::{PointResult, SweepOutput};
use crate::results::Stat;
use crate::results::{ChannelResult, Histogram, Results};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;
use std::error::Error;
use std::sync::OnceLock;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1600;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 1000;

const FONT: &str = "sans-serif";
const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(108, 117, 125);
const GRID: RGBColor = RGBColor(222, 226, 230);
const NEUTRAL: RGBColor = RGBColor(74, 98, 128);
const EMPTY: RGBColor = RGBColor(243, 244, 246);
const SHORT: RGBColor = RGBColor(220, 53, 69);

/// Okabe–Ito colours: distinguishable with every common form of colour blindness.
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(140, 120, 20),
];

/// The colour of the `index`-th channel (file order), in every chart and the report.
pub fn channel_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// A colour as CSS hex, `#0072b2`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

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

/// Registers the embedded fonts with plotters, once per process.
fn fonts() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        // `register_font`'s error type has no Debug; only success matters.
        plotters::style::register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// The charts of a run: capacity per channel (channels with a capacity), the
/// utilisation heat map, the service-concept matrix, the outcome distributions,
/// the margin bridge and cost-to-serve by segment. Drawn in parallel; the result
/// does not depend on the thread count.
pub fn all(r: &Results) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    let mut specs: Vec<Spec> =
        r.channels.iter().enumerate().filter(|(_, c)| c.capacity.is_some()).map(|(i, _)| Spec::Capacity(i)).collect();
    if !specs.is_empty() {
        specs.push(Spec::Utilisation);
    }
    specs.extend([Spec::Concept, Spec::Outcomes, Spec::Bridge, Spec::CostToServe]);
    if !r.distributions.revenue_convergence.is_empty() {
        specs.push(Spec::Convergence);
    }
    specs.par_iter().map(|spec| render(&RunChart { r, spec: *spec })).collect()
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

/// A chart of one run.
struct RunChart<'a> {
    r: &'a Results,
    spec: Spec,
}

impl Figure for RunChart<'_> {
    fn name(&self) -> String {
        self.spec.name(self.r)
    }

    fn title(&self) -> String {
        self.spec.title(self.r)
    }

    fn source(&self) -> String {
        let info = &self.r.scenario;
        format!(
            "{} · {} iterations · seed {} · {} {}s · chancap",
            info.name,
            count(info.iterations as f64),
            info.seed,
            info.periods,
            info.period
        )
    }

    fn body<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let r = self.r;
        match self.spec {
            Spec::Capacity(c) => capacity(r, c, root, body),
            Spec::Utilisation => utilisation(r, body),
            Spec::Concept => concept(r, body),
            Spec::Outcomes => outcomes(r, body),
            Spec::Bridge => bridge(r, root, body),
            Spec::CostToServe => cost_to_serve(r, root, body),
            Spec::Convergence => convergence(r, body),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Spec {
    Capacity(usize),
    Utilisation,
    Concept,
    Outcomes,
    Bridge,
    CostToServe,
    Convergence,
}

type Drawn = Result<(), Box<dyn Error>>;

fn period_name(r: &Results) -> &str {
    r.scenario.period.as_str()
}

impl Spec {
    fn name(self, r: &Results) -> String {
        match self {
            Spec::Capacity(c) => format!("capacity-{}", file_safe(&r.channels[c].channel)),
            Spec::Utilisation => "utilisation".into(),
            Spec::Concept => "service-concept".into(),
            Spec::Outcomes => "outcomes".into(),
            Spec::Bridge => "margin-bridge".into(),
            Spec::CostToServe => "cost-to-serve".into(),
            Spec::Convergence => "convergence".into(),
        }
    }

    fn title(self, r: &Results) -> String {
        let cur = &r.scenario.currency;
        match self {
            Spec::Capacity(c) => {
                let ch = &r.channels[c];
                let unit = ch.capacity.as_ref().map_or("", |k| k.unit.as_str());
                format!("Capacity of {}: required vs available {unit} per {}", ch.channel, period_name(r))
            }
            Spec::Utilisation => {
                format!("Utilisation by channel and {} (median; P(shortfall) in each cell)", period_name(r))
            }
            Spec::Concept => format!("Service concept: contribution by segment and channel ({cur}, median)"),
            Spec::Outcomes => format!("Outcomes over the horizon: revenue and contribution ({cur})"),
            Spec::Bridge => format!("Margin bridge: from revenue to contribution ({cur}, medians)"),
            Spec::CostToServe => "Cost-to-serve by segment (channel cost as % of revenue)".into(),
            Spec::Convergence => format!("Convergence: running mean with its 95 % band ({cur})"),
        }
    }
}

/// Keeps a channel name usable as a file name.
fn file_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn render<F: Figure>(figure: &F) -> Result<Chart, ChartError> {
    let name = figure.name();
    let title = figure.title();
    let fail = |message: String| ChartError::Draw { chart: name.clone(), message };

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(figure, &title, &root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(figure, &title, &root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&pixels).map_err(|e| fail(e.to_string()))?;
    Ok(Chart { name, title, svg, png })
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}

fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&INK)
}

fn bold(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size, FontStyle::Bold).into_font()).color(&INK)
}

fn centred(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// White page, title on top, source line at the bottom, then the figure's body.
fn draw<F: Figure, DB: DrawingBackend>(figure: &F, title: &str, root: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    root.draw(&Text::new(title.to_string(), (40, 28), bold(34)))?;
    root.draw(&Text::new(figure.source(), (40, HEIGHT as i32 - 34), font(20).color(&MUTED)))?;
    let body = root.margin(80, 50, 20, 30);
    figure.body(root, &body)
}

/// Money with the scale that reads best and a true minus sign: `23.5 M`, `−153 k`.
fn money_label(x: f64) -> String {
    money_compact(x).replacen('-', "−", 1)
}

/// The unit of a capacity figure per period, e.g. `hours per month`.
fn per_period(unit: &str, r: &Results) -> String {
    format!("{unit} per {}", period_name(r))
}

/// Tick labels only on whole numbers (periods).
fn whole(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round()) } else { String::new() }
}

fn capacity<DB: DrawingBackend>(
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
        .build_cartesian_2d(0.5..x_max, 0.0..top)?;
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
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(22))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .margin(12)
        .draw()?;

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

fn fte(x: f64) -> String {
    format!("{x:.1}")
}

fn pct0(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

/// Linear interpolation between colour stops.
fn ramp(stops: &[(f64, RGBColor)], x: f64) -> RGBColor {
    let x = if x.is_finite() { x } else { stops[0].0 };
    if x <= stops[0].0 {
        return stops[0].1;
    }
    for w in stops.windows(2) {
        let ((a, ca), (b, cb)) = (w[0], w[1]);
        if x <= b {
            let f = (x - a) / (b - a);
            let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
            return RGBColor(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2));
        }
    }
    stops[stops.len() - 1].1
}

/// Text colour readable on `bg`.
fn ink_on(bg: RGBColor) -> RGBColor {
    let lum = 0.2126 * bg.0 as f64 + 0.7152 * bg.1 as f64 + 0.0722 * bg.2 as f64;
    if lum < 140.0 { WHITE } else { INK }
}

const UTILISATION_STOPS: [(f64, RGBColor); 5] = [
    (0.5, RGBColor(26, 150, 65)),
    (0.8, RGBColor(166, 217, 106)),
    (0.95, RGBColor(255, 255, 191)),
    (1.05, RGBColor(253, 174, 97)),
    (1.25, RGBColor(215, 25, 28)),
];

/// A horizontal colour scale with labelled ticks.
fn colour_scale<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y, w): (i32, i32, i32),
    caption: &str,
    colour: &dyn Fn(f64) -> RGBColor,
    (lo, hi): (f64, f64),
    ticks: &[(f64, String)],
) -> Drawn
where
    DB::ErrorType: 'static,
{
    area.draw(&Text::new(caption.to_string(), (x, y - 30), font(20).color(&MUTED)))?;
    for i in 0..w {
        let v = lo + (hi - lo) * i as f64 / (w - 1).max(1) as f64;
        area.draw(&Rectangle::new([(x + i, y), (x + i + 1, y + 22)], colour(v).filled()))?;
    }
    for (v, label) in ticks {
        let px = x + ((v - lo) / (hi - lo) * (w - 1) as f64).round() as i32;
        area.draw(&PathElement::new(vec![(px, y + 22), (px, y + 30)], INK))?;
        area.draw(&Text::new(label.clone(), (px, y + 44), centred(font(18))))?;
    }
    Ok(())
}

fn utilisation<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
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

/// Diverging scale for money: red below zero, white at zero, green above.
fn money_colour(x: f64, scale: f64) -> RGBColor {
    let f = if scale > 0.0 { (x / scale).clamp(-1.0, 1.0) } else { 0.0 };
    ramp(
        &[
            (-1.0, RGBColor(202, 0, 32)),
            (-0.3, RGBColor(244, 165, 130)),
            (0.0, RGBColor(247, 247, 247)),
            (0.3, RGBColor(166, 219, 160)),
            (1.0, RGBColor(0, 136, 55)),
        ],
        f,
    )
}

fn concept<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let (w, h) = body.dim_in_pixel();
    let (left, top, bottom) = (260i32, 70i32, 110i32);
    let cols = r.channels.len().max(1) as i32;
    let rows = r.segments.len().max(1) as i32;
    let cell_w = ((w as i32 - left - 20) / cols).clamp(10, 360);
    let cell_h = ((h as i32 - top - bottom) / rows).clamp(24, 170);
    let scale = r.cells.iter().map(|c| c.metrics.contribution.p50.abs()).fold(0.0, f64::max);
    let size = (cell_w as f64 / 11.0).min(cell_h as f64 / 4.2).clamp(10.0, 22.0) as u32;

    for (j, ch) in r.channels.iter().enumerate() {
        let x = left + j as i32 * cell_w;
        body.draw(&Rectangle::new([(x + 6, top - 14), (x + cell_w - 6, top - 6)], channel_colour(j).filled()))?;
        body.draw(&Text::new(ch.channel.clone(), (x + cell_w / 2, top - 38), centred(bold(22))))?;
    }
    for (i, seg) in r.segments.iter().enumerate() {
        let y = top + i as i32 * cell_h;
        body.draw(&Text::new(
            seg.label.clone(),
            (10, y + cell_h / 2),
            bold(22).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        for (j, ch) in r.channels.iter().enumerate() {
            let x = left + j as i32 * cell_w;
            let cell = r.cells.iter().find(|c| c.segment == seg.segment && c.channel == ch.channel);
            let area = [(x + 3, y + 3), (x + cell_w - 3, y + cell_h - 3)];
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

fn outcomes<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let panels = body.split_evenly((1, 2));
    let d = &r.distributions;
    let items = [
        ("revenue", &d.revenue, &r.totals.revenue, RGBColor(74, 98, 128)),
        ("contribution", &d.contribution, &r.totals.contribution, RGBColor(0, 136, 55)),
    ];
    for ((metric, hist, stat, colour), panel) in items.into_iter().zip(panels.iter()) {
        histogram(r, metric, hist, stat, colour, panel)?;
    }
    Ok(())
}

fn histogram<DB: DrawingBackend>(
    r: &Results,
    metric: &str,
    hist: &Histogram,
    stat: &Stat,
    colour: RGBColor,
    area: &DrawingArea<DB, Shift>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let total: u64 = hist.counts.iter().sum();
    let total = total.max(1) as f64;
    let width = hist.width();
    let target = r.targets.iter().find(|t| t.metric == metric);
    let (mut lo, mut hi) = (hist.lo, hist.hi);
    if let Some(t) = target {
        lo = lo.min(t.value);
        hi = hi.max(t.value);
    }
    let pad = ((hi - lo) * 0.04).max(1.0);
    let top = hist.counts.iter().map(|c| *c as f64 / total * 100.0).fold(0.0, f64::max).max(1.0) * 1.35;
    let mut chart = ChartBuilder::on(area)
        .margin(15)
        .caption(metric, font(28))
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(6)
        .x_label_formatter(&|x| money_label(*x))
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .x_desc(format!("{metric} over the horizon ({cur})"))
        .y_desc("share of iterations (%)")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    chart.draw_series(hist.counts.iter().enumerate().map(|(k, n)| {
        let x0 = hist.lo + k as f64 * width;
        Rectangle::new([(x0, 0.0), (x0 + width, *n as f64 / total * 100.0)], colour.mix(0.55).filled())
    }))?;
    let marks = [("P10", stat.p10, MUTED, 2), ("P50", stat.p50, INK, 3), ("P90", stat.p90, MUTED, 2)];
    for (name, x, c, w) in marks {
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(x, 0.0), (x, top * 0.74)], c.stroke_width(w))))?
            .label(format!("{name} {cur} {}", money_label(x)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(w)));
    }
    if let Some(t) = target {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(t.value, 0.0), (t.value, top * 0.74)],
                SHORT.stroke_width(4),
            )))?
            .label(format!("target {cur} {}: P(≥ target) {:.1} %", money_label(t.value), t.probability * 100.0))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], SHORT.stroke_width(4)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(19))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .margin(10)
        .draw()?;
    Ok(())
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
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, y_axis));
        for (k, line) in label.split('\n').enumerate() {
            let style = if k == 0 { bold(20) } else { font(18).color(&MUTED) };
            root.draw(&Text::new(line.to_string(), (px, py + 22 + 24 * k as i32), centred(style)))?;
        }
    }
    Ok(())
}

fn bridge<DB: DrawingBackend>(r: &Results, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
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
        steps.push((format!("{}\ncost", ch.channel), level, level - cost, channel_colour(j)));
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
        .x_label_area_size(80)
        .y_label_area_size(130)
        .build_cartesian_2d(-0.6..(n as f64 - 0.4), (lowest - span * 0.05)..(highest + span * 0.12))?;
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

fn cost_to_serve<DB: DrawingBackend>(r: &Results, root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let n = r.segments.len();
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
    let mut chart = ChartBuilder::on(body)
        .margin(10)
        .x_label_area_size(80)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.6..(n as f64 - 0.4), 0.0..top)?;
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
        let (px, py) = chart.backend_coord(&(x, p90));
        root.draw(&Text::new(format!("{p50:.1} %"), (px, py - 20), centred(bold(20))))?;
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
        chart
            .draw_series(dots.into_iter().map(|p| Circle::new(p, 9, colour.filled())))?
            .label(format!("{} (P50 of its pairs)", ch.channel))
            .legend(move |(x, y)| Circle::new((x + 10, y), 8, colour.filled()));
    }
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, 0.0)], INK.stroke_width(3))))?
        .label("segment: P50 bar, P10–P90 whisker")
        .legend(|(x, y)| Rectangle::new([(x, y - 9), (x + 22, y + 9)], NEUTRAL.mix(0.75).filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(19))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .margin(10)
        .draw()?;
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
    kinds.par_iter().map(|kind| render(&SweepChart { out, kind: *kind })).collect()
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

type Pick = dyn Fn(&PointResult) -> Option<(f64, f64, f64)>;

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
            (x_lo - pad)..(x_hi + pad),
            (y_lo - y_pad).min(if y_lo >= 0.0 { 0.0 } else { y_lo - y_pad })..(y_hi + y_pad),
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
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .label_font(font(16))
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .draw()?;
    }
    Ok(())
}

/// A tick value without binary noise.
fn tidy_tick(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

fn sweep_param<DB: DrawingBackend>(out: &SweepOutput, j: usize, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let panels = body.split_evenly((2, 2));
    let band = |f: fn(&PointResult) -> &crate::analysis::sweep::Band| -> Box<Pick> {
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
    let utilisation: Vec<(String, RGBColor, Box<Pick>)> = channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.utilization.is_some())
        .map(|(i, c)| {
            let pick: Box<Pick> = Box::new(move |p: &PointResult| {
                p.figures.channels.get(i)?.utilization.map(|b| (b.p10 * 100.0, b.p50 * 100.0, b.p90 * 100.0))
            });
            (c.channel.clone(), channel_colour(i), pick)
        })
        .collect();
    sweep_panel(
        &panels[2],
        "utilisation per channel (%): P50, P10–P90",
        out,
        j,
        &utilisation,
        &|y| format!("{y:.0} %"),
        Some(100.0),
    )?;
    let shortfall: Vec<(String, RGBColor, Box<Pick>)> = channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.p_shortfall.is_some())
        .map(|(i, c)| {
            let pick: Box<Pick> = Box::new(move |p: &PointResult| {
                let v = p.figures.channels.get(i)?.p_shortfall? * 100.0;
                Some((v, v, v))
            });
            (c.channel.clone(), channel_colour(i), pick)
        })
        .collect();
    sweep_panel(&panels[3], "P(shortfall) per channel (%)", out, j, &shortfall, &|y| format!("{y:.0} %"), None)
}

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

/// Colours of compared scenarios (channels keep theirs).
const SCENARIO_PALETTE: [RGBColor; 6] = [
    RGBColor(33, 37, 41),
    RGBColor(117, 112, 179),
    RGBColor(217, 95, 2),
    RGBColor(27, 158, 119),
    RGBColor(231, 41, 138),
    RGBColor(102, 166, 30),
];

fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_PALETTE[i % SCENARIO_PALETTE.len()]
}

/// The charts of a comparison: contribution distributions overlaid, and the key
/// figures of every scenario as dots (P50) with P10–P90 whiskers.
pub fn compare(c: &Comparison) -> Result<Vec<Chart>, ChartError> {
    fonts()?;
    [CompareKind::Contribution, CompareKind::KeyFigures]
        .par_iter()
        .map(|k| render(&CompareChart { c, kind: *k }))
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum CompareKind {
    Contribution,
    KeyFigures,
}

struct CompareChart<'a> {
    c: &'a Comparison,
    kind: CompareKind,
}

impl Figure for CompareChart<'_> {
    fn name(&self) -> String {
        match self.kind {
            CompareKind::Contribution => "compare-contribution".into(),
            CompareKind::KeyFigures => "compare-key-figures".into(),
        }
    }

    fn title(&self) -> String {
        match self.kind {
            CompareKind::Contribution => format!("Contribution over the horizon by scenario ({})", self.c.currency),
            CompareKind::KeyFigures => "Key figures by scenario: median with P10–P90".into(),
        }
    }

    fn source(&self) -> String {
        format!(
            "{} scenarios · {} iterations each · seed {} · common random numbers · chancap",
            self.c.scenarios.len(),
            count(self.c.iterations as f64),
            self.c.seed
        )
    }

    fn body<DB: DrawingBackend>(&self, _root: &DrawingArea<DB, Shift>, body: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        match self.kind {
            CompareKind::Contribution => compare_contribution(self.c, body),
            CompareKind::KeyFigures => compare_key_figures(self.c, body),
        }
    }
}

fn compare_contribution<DB: DrawingBackend>(c: &Comparison, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let all = c.results.iter().flat_map(|r| r.distributions.contribution_values.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
    let bins = crate::results::HISTOGRAM_BINS;
    let width = (hi - lo) / bins as f64;
    let shares: Vec<Vec<f64>> = c
        .results
        .iter()
        .map(|r| {
            let v = &r.distributions.contribution_values;
            let mut counts = vec![0.0; bins];
            for x in v {
                counts[(((x - lo) / width) as usize).min(bins - 1)] += 1.0;
            }
            counts.iter().map(|n| n / v.len().max(1) as f64 * 100.0).collect()
        })
        .collect();
    let top = shares.iter().flatten().fold(0.0f64, |a, b| a.max(*b)).max(1.0) * 1.3;
    let pad = (hi - lo) * 0.03;
    let cur = &c.currency;
    let mut chart = ChartBuilder::on(body)
        .margin(10)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(8)
        .x_label_formatter(&|x| money_label(*x))
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .x_desc(format!("contribution over the horizon ({cur})"))
        .y_desc("share of iterations (%)")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    for (i, (entry, share)) in c.scenarios.iter().zip(&shares).enumerate() {
        let colour = scenario_colour(i);
        let mut outline = vec![(lo, 0.0)];
        for (k, s) in share.iter().enumerate() {
            let x0 = lo + k as f64 * width;
            outline.push((x0, *s));
            outline.push((x0 + width, *s));
        }
        outline.push((hi, 0.0));
        chart.draw_series(std::iter::once(Polygon::new(outline.clone(), colour.mix(0.10))))?;
        let p50 = entry.figures.contribution.p50;
        let beats = entry
            .versus_first
            .as_ref()
            .map_or(String::new(), |v| format!(", P(beats first) {:.1} %", v.p_beats_first * 100.0));
        chart
            .draw_series(LineSeries::new(outline, colour.stroke_width(3)))?
            .label(format!("{}: P50 {cur} {}{beats}", entry.name, money_label(p50)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(4)));
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(p50, 0.0), (p50, top * 0.72)],
            colour.stroke_width(2),
        )))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(19))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .margin(10)
        .draw()?;
    Ok(())
}

fn compare_key_figures<DB: DrawingBackend>(c: &Comparison, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    type Get = Box<dyn Fn(&crate::analysis::sweep::KeyFigures) -> Option<crate::analysis::sweep::Band>>;
    type Panel = (String, Get, fn(f64) -> String);
    let cur = c.currency.clone();
    let mut panels: Vec<Panel> = vec![
        (format!("revenue ({cur})"), Box::new(|k| Some(k.revenue)), |x| money_label(x)),
        (format!("contribution ({cur})"), Box::new(|k| Some(k.contribution)), |x| money_label(x)),
    ];
    let mut channels: Vec<String> = Vec::new();
    for e in &c.scenarios {
        for ch in e.figures.channels.iter().filter(|ch| ch.utilization.is_some()) {
            if !channels.contains(&ch.channel) {
                channels.push(ch.channel.clone());
            }
        }
    }
    for ch in channels.into_iter().take(4) {
        let name = ch.clone();
        panels.push((
            format!("{name}: utilisation (%)"),
            Box::new(move |k| {
                k.channels.iter().find(|x| x.channel == ch).and_then(|x| x.utilization).map(|b| {
                    crate::analysis::sweep::Band {
                        mean: b.mean * 100.0,
                        p10: b.p10 * 100.0,
                        p50: b.p50 * 100.0,
                        p90: b.p90 * 100.0,
                    }
                })
            }),
            |x| format!("{x:.0} %"),
        ));
    }
    let cols = if panels.len() > 4 { 3 } else { 2 };
    let rows = panels.len().div_ceil(cols);
    let areas = body.split_evenly((rows, cols));
    let n = c.scenarios.len();
    for ((title, get, fmt), area) in panels.iter().zip(&areas) {
        let bands: Vec<Option<crate::analysis::sweep::Band>> = c.scenarios.iter().map(|e| get(&e.figures)).collect();
        let lo = bands.iter().flatten().map(|b| b.p10).fold(f64::INFINITY, f64::min);
        let hi = bands.iter().flatten().map(|b| b.p90).fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            continue;
        }
        let pad = ((hi - lo) * 0.1).max(hi.abs().max(1.0) * 0.01);
        let names: Vec<String> = c.scenarios.iter().map(|e| e.name.clone()).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .caption(title, font(22))
            .x_label_area_size(40)
            .y_label_area_size(200)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(5)
            .x_label_formatter(&|x| fmt(*x))
            .y_labels(n)
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() < 1e-6 && k >= 0.0 {
                    names.get(n - 1 - k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .label_style(font(17))
            .draw()?;
        for (i, b) in bands.iter().enumerate() {
            let Some(b) = b else { continue };
            let y = (n - 1 - i) as f64;
            let colour = scenario_colour(i);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(b.p10, y), (b.p90, y)], colour.stroke_width(4))))?;
            chart.draw_series(std::iter::once(Circle::new((b.p50, y), 9, colour.filled())))?;
        }
    }
    Ok(())
}

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
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(n as f64 - 0.5))?;
        let labels: Vec<String> = shown.iter().map(|e| e.input.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(7)
            .x_label_formatter(&fmt)
            .y_labels(n)
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() < 1e-6 && k >= 0.0 {
                    labels.get(n - 1 - k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
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
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font(font(18))
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .draw()?;
        let _ = root;
        Ok(())
    }
}

/// Running mean of revenue and contribution against the number of iterations,
/// with the 95 % band of the mean (± 1.96 standard errors).
fn convergence<DB: DrawingBackend>(r: &Results, body: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    let cur = &r.scenario.currency;
    let panels = body.split_evenly((1, 2));
    let series = [
        ("revenue", &r.distributions.revenue_convergence, NEUTRAL),
        ("contribution", &r.distributions.contribution_convergence, RGBColor(0, 136, 55)),
    ];
    for ((name, points, colour), area) in series.into_iter().zip(panels.iter()) {
        let points: Vec<(f64, f64, f64)> = points.iter().map(|p| (p[0], p[1], p[2])).collect();
        let n = points.last().map_or(1.0, |p| p.0);
        let Some(last) = points.last().copied() else { continue };
        let lo = points.iter().skip(points.len() / 20).map(|p| p.1 - p.2).fold(f64::INFINITY, f64::min);
        let hi = points.iter().skip(points.len() / 20).map(|p| p.1 + p.2).fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(last.1.abs() * 1e-3).max(1e-9);
        let mut chart = ChartBuilder::on(area)
            .margin(15)
            .caption(
                format!("{name}: {} ± {} after {} iterations", money_label(last.1), money_label(last.2), count(last.0)),
                font(22),
            )
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(0.0..n, (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .x_labels(6)
            .x_label_formatter(&|x| count(*x))
            .y_label_formatter(&|y| money_label(*y))
            .x_desc("iterations")
            .y_desc(format!("running mean ({cur})"))
            .label_style(font(18))
            .axis_desc_style(font(20))
            .draw()?;
        let mut band: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.1 + p.2)).collect();
        band.extend(points.iter().rev().map(|p| (p.0, p.1 - p.2)));
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))?;
        chart.draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), colour.stroke_width(3)))?;
    }
    Ok(())
}
