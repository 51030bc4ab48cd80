//! The house style of every chart: canvas size, fonts, colours, tick labels and
//! colour scales, and the rendering of a chart to SVG and PNG.

use super::layout::{self, Layout, Recorder};
use super::{Chart, ChartError, Drawn, Figure};
use crate::report::format::{fixed, money_compact};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1600;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 1000;

const FONT: &str = "sans-serif";
const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

pub(super) const INK: RGBColor = RGBColor(33, 37, 41);
pub(super) const MUTED: RGBColor = RGBColor(108, 117, 125);
pub(super) const GRID: RGBColor = RGBColor(222, 226, 230);
pub(super) const NEUTRAL: RGBColor = RGBColor(74, 98, 128);
pub(super) const EMPTY: RGBColor = RGBColor(243, 244, 246);
pub(super) const SHORT: RGBColor = RGBColor(220, 53, 69);

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

/// Colours of compared scenarios (channels keep theirs).
const SCENARIO_PALETTE: [RGBColor; 6] = [
    RGBColor(33, 37, 41),
    RGBColor(117, 112, 179),
    RGBColor(217, 95, 2),
    RGBColor(27, 158, 119),
    RGBColor(231, 41, 138),
    RGBColor(102, 166, 30),
];

/// The colour of the `i`-th compared scenario.
pub(super) fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_PALETTE[i % SCENARIO_PALETTE.len()]
}

/// Registers the embedded fonts with plotters, once per process.
pub(super) fn fonts() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        // `register_font`'s error type has no Debug; only success matters.
        plotters::style::register_font(FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, BOLD).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// Draws a figure as SVG and as PNG.
pub(super) fn render<F: Figure>(figure: &F) -> Result<Chart, ChartError> {
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
    let texts = Rc::new(RefCell::new(Vec::new()));
    layout::start();
    let drawn = (|| {
        let backend = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT));
        let root = Recorder::new(backend, texts.clone()).into_drawing_area();
        draw(figure, &title, &root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))
    })();
    let (plots, slots) = layout::finish();
    drawn?;
    let png = encode_png(&pixels).map_err(|e| fail(e.to_string()))?;
    let layout = Layout { canvas: (WIDTH, HEIGHT), texts: texts.take(), plots, slots };
    Ok(Chart { name, title, svg, png, layout })
}

/// The PNG file of an RGB canvas of the chart size.
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

/// The grid of an outcome histogram: money across with `x_labels` ticks, the
/// share of iterations up.
pub(super) fn share_mesh<DB>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x_labels: usize,
    x_desc: String,
) -> Drawn
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let x_label = money_ticks(&ticks_of(chart.as_coord_spec().x_spec(), x_labels));
    let y_label = percent_ticks(&ticks_of(chart.as_coord_spec().y_spec(), Y_LABELS));
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .x_labels(x_labels)
        .y_labels(Y_LABELS)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_desc(x_desc)
        .y_desc("share of iterations (%)")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    Ok(())
}

/// Regular text of `size` px in the ink colour.
pub(super) fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&INK)
}

/// Bold text of `size` px in the ink colour.
pub(super) fn bold(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size, FontStyle::Bold).into_font()).color(&INK)
}

/// `style`, centred on its anchor point.
pub(super) fn centred(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// White page, title on top, source line at the bottom, then the figure's body.
fn draw<F: Figure, DB: DrawingBackend>(figure: &F, title: &str, root: &DrawingArea<DB, Shift>) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    // One line, smaller if need be; two lines of the smallest size past that.
    let (mut style, mut lines) = fit(title, &bold, 34, 22, WIDTH as i32 - 80, 1);
    if lines.len() > 1 {
        (style, lines) = fit(title, &bold, 22, 22, WIDTH as i32 - 80, 2);
    }
    for (k, line) in lines.iter().enumerate() {
        root.draw(&Text::new(line.clone(), (40, 28 + 26 * k as i32), style.clone()))?;
    }
    root.draw(&Text::new(figure.source(), (40, HEIGHT as i32 - 34), font(20).color(&MUTED)))?;
    let body = root.margin(80, 50, 20, 30);
    figure.body(root, &body)
}

/// Money with the scale that reads best and a true minus sign: `23.5 M`, `−153 k`.
pub(super) fn money_label(x: f64) -> String {
    money_compact(x).replacen('-', "−", 1)
}

/// The most labels a y axis gets (plotters' own default), set on every mesh
/// whose labels [`ticks_of`] reads ahead.
pub(super) const Y_LABELS: usize = 11;

/// The values plotters labels on an axis of `spec` given at most `n` labels
/// (its bold key points, where the mesh draws its labels).
pub(super) fn ticks_of<R: Ranged<ValueType = f64>>(spec: &R, n: usize) -> Vec<f64> {
    spec.key_points(BoldPoints(n))
}

/// The tick labeller that reads every tick of an axis differently: `label(x,
/// extra)` with the fewest extra decimals (up to six) at which no two of
/// `ticks` read the same. Ticks rounded to whole percents read "0 %, 0 %, 1 %,
/// 2 %, 2 %" on a narrow axis; with this, "0.0 %, 0.5 %, 1.0 %, 1.5 %".
pub(super) fn distinct_ticks<L: Fn(f64, usize) -> String>(ticks: &[f64], label: L) -> impl Fn(&f64) -> String + use<L> {
    let reads_apart = |extra: usize| {
        let mut texts: Vec<String> = ticks.iter().map(|t| label(tidy_tick(*t), extra)).collect();
        texts.sort();
        texts.dedup();
        texts.len() == ticks.len()
    };
    let extra = (0..=6).find(|e| reads_apart(*e)).unwrap_or(6);
    move |x: &f64| label(tidy_tick(*x), extra)
}

/// Percentages on an axis whose ticks are `ticks` (in per cent): whole when
/// that tells them apart (`20 %`), else with as many decimals as it takes.
pub(super) fn percent_ticks(ticks: &[f64]) -> impl Fn(&f64) -> String + use<> {
    distinct_ticks(ticks, |x, extra| format!("{} %", fixed(x, extra)))
}

/// Money on an axis whose ticks are `ticks`: compact (`23.5 M`), with more
/// decimals when three significant digits would make two ticks read the same
/// (`23.49 M`, `23.50 M`).
pub(super) fn money_ticks(ticks: &[f64]) -> impl Fn(&f64) -> String + use<> {
    distinct_ticks(ticks, money_tick)
}

/// Money in compact form with `extra` decimals beyond the three significant
/// digits of [`money_label`].
fn money_tick(x: f64, extra: usize) -> String {
    if extra == 0 || !x.is_finite() {
        return money_label(x);
    }
    let a = x.abs();
    let (d, suffix) = match a {
        _ if a >= 1e9 => (1e9, " bn"),
        _ if a >= 1e6 => (1e6, " M"),
        _ if a >= 1e4 => (1e3, " k"),
        _ => (1.0, ""),
    };
    let v = x / d;
    let base = match v.abs() {
        _ if d == 1.0 => 0,
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    };
    format!("{}{suffix}", fixed(v, base + extra))
}

/// Tick labels only on whole numbers (periods).
pub(super) fn whole(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round()) } else { String::new() }
}

/// A tick value without binary noise.
pub(super) fn tidy_tick(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Linear interpolation between colour stops.
pub(super) fn ramp(stops: &[(f64, RGBColor)], x: f64) -> RGBColor {
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
pub(super) fn ink_on(bg: RGBColor) -> RGBColor {
    let lum = 0.2126 * bg.0 as f64 + 0.7152 * bg.1 as f64 + 0.0722 * bg.2 as f64;
    if lum < 140.0 { WHITE } else { INK }
}

/// Diverging scale for money: red below zero, white at zero, green above.
pub(super) fn money_colour(x: f64, scale: f64) -> RGBColor {
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

/// A horizontal colour scale with labelled ticks.
pub(super) fn colour_scale<DB: DrawingBackend>(
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

/// The width in pixels of `text` set in `style`.
pub(super) fn text_width(text: &str, style: &TextStyle<'_>) -> i32 {
    style.font.box_size(text).map_or(0, |(w, _)| w as i32)
}

/// `text` broken into lines no wider than `width` px in `style`: at spaces, and
/// after hyphens of a long name. A word wider than `width` keeps its own line.
pub(super) fn wrap(text: &str, style: &TextStyle<'_>, width: i32) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ') {
        if text_width(word, style) <= width {
            words.push(word.to_string());
            continue;
        }
        // A long hyphenated name: its parts, each keeping its hyphen.
        let mut part = String::new();
        for c in word.chars() {
            part.push(c);
            if c == '-' {
                words.push(std::mem::take(&mut part));
            }
        }
        if !part.is_empty() {
            words.push(part);
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in words {
        let joined = match (line.is_empty(), line.ends_with('-')) {
            (true, _) => word.clone(),
            (false, true) => format!("{line}{word}"),
            (false, false) => format!("{line} {word}"),
        };
        if line.is_empty() || text_width(&joined, style) <= width {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest size from `size` down to `min` at which `text` wraps into at
/// most `max_lines` lines of `width` px, and those lines; at `min`, the text
/// as it wraps there.
pub(super) fn fit(
    text: &str,
    make: &dyn Fn(u32) -> TextStyle<'static>,
    size: u32,
    min: u32,
    width: i32,
    max_lines: usize,
) -> (TextStyle<'static>, Vec<String>) {
    let mut s = size;
    loop {
        let style = make(s);
        let lines = wrap(text, &style, width);
        let fits = lines.len() <= max_lines && lines.iter().all(|l| text_width(l, &style) <= width);
        if fits || s <= min {
            return (style, lines);
        }
        s -= 1;
    }
}

/// Writes `text` centred across the top of `area` in the largest size from
/// `size` down to `min` at which it takes at most `max_lines` lines (more, at
/// `min`, rather than run off the area), and returns the area below it.
pub(super) fn caption_above<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    make: &dyn Fn(u32) -> TextStyle<'static>,
    sizes: (u32, u32),
    max_lines: usize,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let caption = Caption::of(area, text, make, sizes, max_lines);
    let (strip, rest) = area.split_vertically(caption.height());
    caption.draw(&strip)?;
    Ok(rest)
}

/// Writes `text` centred across the bottom of `area` as [`caption_above`] does
/// across its top, and returns the area above it.
pub(super) fn caption_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    make: &dyn Fn(u32) -> TextStyle<'static>,
    sizes: (u32, u32),
    max_lines: usize,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let caption = Caption::of(area, text, make, sizes, max_lines);
    let (rest, strip) = area.split_vertically(area.dim_in_pixel().1 as i32 - caption.height());
    caption.draw(&strip)?;
    Ok(rest)
}

/// A caption fitted to an area's width: its style and lines.
struct Caption {
    style: TextStyle<'static>,
    lines: Vec<String>,
    line_h: i32,
}

impl Caption {
    fn of<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        text: &str,
        make: &dyn Fn(u32) -> TextStyle<'static>,
        (size, min): (u32, u32),
        max_lines: usize,
    ) -> Caption {
        let (style, lines) = fit(text, make, size, min, area.dim_in_pixel().0 as i32 - 16, max_lines);
        let line_h = style.font.get_size().round() as i32 + 6;
        Caption { style: style.pos(Pos::new(HPos::Center, VPos::Top)), lines, line_h }
    }

    fn height(&self) -> i32 {
        self.lines.len() as i32 * self.line_h + 8
    }

    fn draw<DB: DrawingBackend>(&self, strip: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let middle = strip.dim_in_pixel().0 as i32 / 2;
        for (k, line) in self.lines.iter().enumerate() {
            strip.draw(&Text::new(line.clone(), (middle, 4 + k as i32 * self.line_h), self.style.clone()))?;
        }
        Ok(())
    }
}

/// Draws `lines` centred on `(x, y)` (the block's middle), `gap` px apart; the
/// style's own anchor decides the horizontal alignment.
pub(super) fn draw_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
    (x, y): (i32, i32),
    style: &TextStyle<'static>,
    gap: i32,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let n = lines.len() as i32;
    for (k, line) in lines.iter().enumerate() {
        let dy = (2 * k as i32 - (n - 1)) * gap / 2;
        area.draw(&Text::new(line.clone(), (x, y + dy), style.clone()))?;
    }
    Ok(())
}

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A line in this style.
    Line(ShapeStyle),
    /// A filled box.
    Fill(ShapeStyle),
    /// A filled dot.
    Dot(ShapeStyle),
}

/// A legend entry: its swatch and label.
pub(super) type Key = (Swatch, String);

/// Draws a legend across the top of `area`, beside the data and never on it:
/// entries left to right, a new row when one is full. Returns the rest of the
/// area, below the legend (all of it when there are no entries).
pub(super) fn legend_above<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[Key],
    size: u32,
    indent: i32,
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    if keys.is_empty() {
        return Ok(area.clone());
    }
    let style = font(size);
    let (w, _) = area.dim_in_pixel();
    let row_h = size as i32 + 12;
    let (mut x, mut row) = (indent, 0);
    let mut placed = Vec::new();
    for (swatch, label) in keys {
        let entry_w = 30 + text_width(label, &style) + 26;
        if x > indent && x + entry_w > w as i32 {
            (x, row) = (indent, row + 1);
        }
        placed.push((x, row, swatch, label));
        x += entry_w;
    }
    let height = (row + 1) * row_h + 8;
    let (strip, rest) = area.split_vertically(height);
    for (x, row, swatch, label) in placed {
        let y = row * row_h + row_h / 2;
        match swatch {
            Swatch::Line(s) => strip.draw(&PathElement::new(vec![(x, y), (x + 22, y)], *s))?,
            Swatch::Fill(s) => strip.draw(&Rectangle::new([(x, y - 8), (x + 22, y + 8)], *s))?,
            Swatch::Dot(s) => strip.draw(&Circle::new((x + 11, y), 8, *s))?,
        }
        strip.draw(&Text::new(label.clone(), (x + 30, y), style.pos(Pos::new(HPos::Left, VPos::Center))))?;
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: ticks half a percent apart read "0.0 %, 0.5 %", not "0 %, 0 %";
    /// money a few thousand apart on millions gets its extra digit.
    #[test]
    fn tick_labels_take_the_decimals_that_tell_them_apart() {
        let spec = RangedCoordf64::from(0.0..5.4);
        let ticks = ticks_of(&spec, Y_LABELS);
        let label = percent_ticks(&ticks);
        let texts: Vec<String> = ticks.iter().map(&label).collect();
        assert_eq!(texts[..3], ["0.0 %", "0.5 %", "1.0 %"]);
        let whole = percent_ticks(&[0.0, 20.0, 40.0]);
        assert_eq!(whole(&20.0), "20 %");
        let money = money_ticks(&[23_490_000.0, 23_500_000.0, 23_510_000.0]);
        assert_eq!([money(&23_490_000.0), money(&23_500_000.0)], ["23.49 M", "23.50 M"]);
        assert_eq!(money_ticks(&[1e6, 2e6])(&2e6), "2.00 M");
    }
}
