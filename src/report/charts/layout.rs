//! The layout of a drawn chart, so that tests can check it as a reader would:
//! where every text landed (its box as the embedded font sets it), where data
//! is drawn (plot areas) and where text may sit on data on purpose (slots: a
//! heat map's cell, the space above a bar). [`Recorder`] wraps the PNG pass's
//! backend and forwards every call unchanged, so the pixels are those of the
//! unwrapped backend; the chart functions name their plot areas and slots with
//! [`plot`] and [`slot`], which note them for the chart being drawn on this
//! thread (a chart is drawn on one thread from start to end).

use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use std::cell::RefCell;
use std::rc::Rc;

/// A box on the canvas in pixels: `x0..x1` across, `y0..y1` down (ends excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x0: i32,
    /// Top edge.
    pub y0: i32,
    /// Right edge (excluded).
    pub x1: i32,
    /// Bottom edge (excluded).
    pub y1: i32,
}

impl Rect {
    /// The box from `(x0, y0)` to `(x1, y1)`, whichever corner comes first.
    pub fn new((x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> Rect {
        Rect { x0: x0.min(x1), y0: y0.min(y1), x1: x0.max(x1), y1: y0.max(y1) }
    }

    /// True when the two boxes share at least one pixel.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// True when `o` lies wholly inside this box.
    pub fn contains(&self, o: &Rect) -> bool {
        self.x0 <= o.x0 && o.x1 <= self.x1 && self.y0 <= o.y0 && o.y1 <= self.y1
    }
}

/// One text as drawn: what it says and its box.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// The text.
    pub text: String,
    /// Its box on the canvas.
    pub rect: Rect,
}

/// Where a chart's texts, plot areas and slots are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// The canvas size, width × height.
    pub canvas: (u32, u32),
    /// Every text drawn, in drawing order.
    pub texts: Vec<TextBox>,
    /// The areas where data is drawn.
    pub plots: Vec<Rect>,
    /// The places inside plot areas where a text may stand on purpose.
    pub slots: Vec<Rect>,
}

impl Layout {
    /// What a reader would find wrong: two texts on top of each other, a text
    /// (partly) off the canvas, a text on a plot area outside any slot. Empty
    /// when the layout is clean.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let canvas = Rect { x0: 0, y0: 0, x1: self.canvas.0 as i32, y1: self.canvas.1 as i32 };
        for (i, a) in self.texts.iter().enumerate() {
            if !canvas.contains(&a.rect) {
                out.push(format!("{:?} at {:?} is clipped by the canvas", a.text, a.rect));
            }
            for b in &self.texts[i + 1..] {
                if a.rect.overlaps(&b.rect) {
                    out.push(format!("{:?} at {:?} overlaps {:?} at {:?}", a.text, a.rect, b.text, b.rect));
                }
            }
            let on_data = self.plots.iter().any(|p| p.overlaps(&a.rect));
            if on_data && !self.slots.iter().any(|s| s.contains(&a.rect)) {
                out.push(format!("{:?} at {:?} sits on a plot area", a.text, a.rect));
            }
        }
        out
    }
}

thread_local! {
    /// The plot areas and slots noted for the chart drawn on this thread.
    static NOTED: RefCell<Option<(Vec<Rect>, Vec<Rect>)>> = const { RefCell::new(None) };
}

/// Notes a plot area of the chart being drawn (nothing when none is recorded).
pub(super) fn plot(rect: Rect) {
    NOTED.with(|n| {
        if let Some((plots, _)) = n.borrow_mut().as_mut() {
            plots.push(rect);
        }
    });
}

/// Notes a slot: a place on a plot area where a text stands on purpose.
pub(super) fn slot(rect: Rect) {
    NOTED.with(|n| {
        if let Some((_, slots)) = n.borrow_mut().as_mut() {
            slots.push(rect);
        }
    });
}

/// Notes the plotting area of a cartesian chart.
pub(super) fn plot_of<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(chart: &ChartContext<'_, DB, CT>) {
    let (x, y) = chart.plotting_area().get_pixel_range();
    plot(Rect::new((x.start, y.start), (x.end, y.end)));
}

/// Starts noting plot areas and slots on this thread.
pub(super) fn start() {
    NOTED.with(|n| *n.borrow_mut() = Some((Vec::new(), Vec::new())));
}

/// Stops noting and returns what was noted since [`start`].
pub(super) fn finish() -> (Vec<Rect>, Vec<Rect>) {
    NOTED.with(|n| n.borrow_mut().take()).unwrap_or_default()
}

/// A backend that records the box of every text and hands every call on to
/// `inner` unchanged.
pub(super) struct Recorder<DB> {
    inner: DB,
    texts: Rc<RefCell<Vec<TextBox>>>,
}

impl<DB> Recorder<DB> {
    /// Wraps `inner`; `texts` receives the boxes.
    pub(super) fn new(inner: DB, texts: Rc<RefCell<Vec<TextBox>>>) -> Self {
        Recorder { inner, texts }
    }
}

/// The box of `text` drawn at `pos` in `style`, as the default text drawing of
/// plotters places it (anchor, then rotation).
fn text_box<S: BackendTextStyle>(text: &str, style: &S, pos: BackendCoord) -> Option<Rect> {
    let ((min_x, min_y), (max_x, max_y)) = style.layout_box(text).ok()?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    let trans = style.transform();
    let a = trans.transform(dx, dy);
    let b = trans.transform(dx + width, dy + height);
    Some(Rect::new((pos.0 + a.0, pos.1 + a.1), (pos.0 + b.0, pos.1 + b.1)))
}

impl<DB: DrawingBackend> DrawingBackend for Recorder<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0
            && !text.trim().is_empty()
            && let Some(rect) = text_box(text, style, pos)
        {
            self.texts.borrow_mut().push(TextBox { text: text.to_string(), rect });
        }
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, (x0, y0): (i32, i32), (x1, y1): (i32, i32)) -> TextBox {
        TextBox { text: s.into(), rect: Rect::new((x0, y0), (x1, y1)) }
    }

    #[test]
    fn problems_name_overlaps_clipping_and_text_on_data() {
        let mut layout = Layout { canvas: (100, 100), ..Layout::default() };
        layout.texts = vec![text("a", (0, 0), (10, 10)), text("b", (10, 0), (20, 10))];
        assert!(layout.problems().is_empty(), "touching boxes do not overlap");
        layout.texts.push(text("c", (5, 5), (15, 15)));
        layout.texts.push(text("d", (95, 50), (105, 60)));
        layout.texts.push(text("e", (50, 50), (60, 60)));
        layout.plots.push(Rect::new((40, 40), (90, 90)));
        let problems = layout.problems();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems.iter().any(|p| p.contains("\"d\"") && p.contains("clipped")));
        assert!(problems.iter().any(|p| p.contains("\"e\"") && p.contains("plot area")));
        layout.slots.push(Rect::new((45, 45), (65, 65)));
        assert_eq!(layout.problems().len(), 3, "a text in a slot may stand on data");
    }

    #[test]
    fn the_recorder_finds_text_where_the_pixels_are() {
        super::super::style::fonts().unwrap();
        let texts = Rc::new(RefCell::new(Vec::new()));
        let mut pixels = vec![255u8; 400 * 200 * 3];
        {
            let backend = BitMapBackend::with_buffer(&mut pixels, (400, 200));
            let root = Recorder::new(backend, texts.clone()).into_drawing_area();
            root.draw(&Text::new("Hamburg", (200, 100), super::super::style::centred(super::super::style::font(30))))
                .unwrap();
            root.present().unwrap();
        }
        let boxes = texts.borrow();
        assert_eq!(boxes.len(), 1);
        let r = boxes[0].rect;
        assert!((r.x1 - r.x0) > 80 && (r.y1 - r.y0) > 15, "{r:?}");
        // Every inked pixel lies in the box, give or take the glyphs' overhang.
        for y in 0..200 {
            for x in 0..400 {
                if pixels[(y * 400 + x) * 3] < 200 {
                    let (x, y) = (x as i32, y as i32);
                    assert!(x >= r.x0 - 3 && x < r.x1 + 3 && y >= r.y0 - 8 && y < r.y1 + 8, "({x}, {y}) outside {r:?}");
                }
            }
        }
    }
}
