//! A plotters drawing backend that writes SVG elements, with named groups around the
//! parts of a chart.
//!
//! plotters' own SVG backend keeps its markup to itself until the drawing ends, so
//! nothing can wrap a panel or a band in a `<g>` with its series, model and level. Here
//! the markup goes into a buffer shared with [`Groups`], which the renderer uses to open
//! and close groups between drawing calls. Text stays text (`<text>` with a generic
//! family): the SVG needs no font, only its layout was measured with the embedded one.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

type Markup = Rc<RefCell<String>>;

/// The SVG document being drawn.
pub(crate) struct SvgCanvas {
    size: (u32, u32),
    markup: Markup,
}

/// Opens and closes `<g>` groups in the document of an [`SvgCanvas`]; does nothing for
/// other backends.
#[derive(Default)]
pub(crate) struct Groups {
    markup: Option<Markup>,
}

impl Groups {
    /// Opens `<g class="{class}" {name}="{value}" ...>`.
    pub(crate) fn open(&self, class: &str, attributes: &[(&str, &str)]) {
        if let Some(markup) = &self.markup {
            let mut markup = markup.borrow_mut();
            let _ = write!(markup, r#"<g class="{class}""#);
            for (name, value) in attributes {
                let _ = write!(markup, r#" {name}="{}""#, escape(value));
            }
            markup.push_str(">\n");
        }
    }

    /// Closes the group opened last.
    pub(crate) fn close(&self) {
        if let Some(markup) = &self.markup {
            markup.borrow_mut().push_str("</g>\n");
        }
    }

    /// The finished document, once drawing is over; empty for other backends.
    pub(crate) fn finish(self) -> String {
        let mut document = self.markup.map(|markup| markup.take()).unwrap_or_default();
        if !document.is_empty() {
            document.push_str("</svg>\n");
        }
        document
    }
}

impl SvgCanvas {
    /// An empty document of `size` pixels, and the handle that groups its elements.
    pub(crate) fn new(size: (u32, u32)) -> (Self, Groups) {
        let markup = Rc::new(RefCell::new(String::with_capacity(64 * 1024)));
        let (width, height) = size;
        let _ = writeln!(
            markup.borrow_mut(),
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
        );
        let groups = Groups {
            markup: Some(Rc::clone(&markup)),
        };
        (SvgCanvas { size, markup }, groups)
    }

    fn element(&self, element: std::fmt::Arguments<'_>) {
        let mut markup = self.markup.borrow_mut();
        let _ = markup.write_fmt(element);
        markup.push('\n');
    }
}

/// `fill="#rrggbb"` or `stroke="#rrggbb"`, with its opacity when not opaque.
fn paint(kind: &str, color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    let mut paint = format!(r##"{kind}="#{r:02x}{g:02x}{b:02x}""##);
    if color.alpha < 1.0 {
        let _ = write!(paint, r#" {kind}-opacity="{:.3}""#, color.alpha.max(0.0));
    }
    paint
}

/// `stroke="#rrggbb" stroke-width="w"`: an outline in the style's colour and width.
fn stroke<S: BackendStyle>(style: &S) -> String {
    format!(
        r#"{} stroke-width="{}""#,
        paint("stroke", style.color()),
        style.stroke_width()
    )
}

/// A closed shape's paint: filled in the style's colour, or only outlined.
fn shape_paint<S: BackendStyle>(style: &S, fill: bool) -> String {
    if fill {
        paint("fill", style.color())
    } else {
        format!(r#"fill="none" {}"#, stroke(style))
    }
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut points = String::new();
    for (x, y) in path {
        if !points.is_empty() {
            points.push(' ');
        }
        let _ = write!(points, "{x},{y}");
    }
    points
}

/// Text and attribute values with XML's special characters escaped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if c.is_control() => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

impl DrawingBackend for SvgCanvas {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if color.alpha > 0.0 {
            self.element(format_args!(
                r#"<rect x="{x}" y="{y}" width="1" height="1" {}/>"#,
                paint("fill", color)
            ));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0 {
            self.element(format_args!(
                r#"<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {}/>"#,
                stroke(style)
            ));
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0 {
            let (x, y) = (x1.min(x2), y1.min(y2));
            let (width, height) = ((x2 - x1).abs(), (y2 - y1).abs());
            let look = shape_paint(style, fill);
            self.element(format_args!(
                r#"<rect x="{x}" y="{y}" width="{width}" height="{height}" {look}/>"#
            ));
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0 {
            self.element(format_args!(
                r#"<polyline points="{}" fill="none" {} stroke-linejoin="round"/>"#,
                points(path),
                stroke(style)
            ));
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0 {
            let look = shape_paint(style, fill);
            self.element(format_args!(
                r#"<circle cx="{x}" cy="{y}" r="{radius}" {look}/>"#
            ));
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha > 0.0 {
            self.element(format_args!(
                r#"<polygon points="{}" {}/>"#,
                points(vertices),
                paint("fill", style.color())
            ));
        }
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Center => "middle",
            HPos::Right => "end",
        };
        // Shifts from the baseline to the top or middle of Latin capitals, portable
        // where `dominant-baseline` is not.
        let shift = match style.anchor().v_pos {
            VPos::Top => r#" dy="0.76em""#,
            VPos::Center => r#" dy="0.35em""#,
            VPos::Bottom => "",
        };
        let rotation = match style.transform() {
            FontTransform::None => String::new(),
            FontTransform::Rotate90 => format!(r#" transform="rotate(90 {x} {y})""#),
            FontTransform::Rotate180 => format!(r#" transform="rotate(180 {x} {y})""#),
            FontTransform::Rotate270 => format!(r#" transform="rotate(270 {x} {y})""#),
        };
        self.element(format_args!(
            r#"<text x="{x}" y="{y}"{shift} font-family="DejaVu Sans, Verdana, sans-serif" font-size="{:.1}" text-anchor="{anchor}" {}{rotation}>{}</text>"#,
            style.size(),
            paint("fill", color),
            escape(text)
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_svg_groups_wrap_elements_and_escape_values() {
        let (mut canvas, groups) = SvgCanvas::new((40, 30));
        groups.open("panel", &[("data-series", "a&b \"c\"")]);
        let red = BackendColor {
            alpha: 0.5,
            rgb: (255, 0, 0),
        };
        canvas
            .fill_polygon([(0, 0), (10, 0), (10, 10)], &red)
            .unwrap();
        groups.close();
        drop(canvas);
        let document = groups.finish();
        assert!(document.starts_with("<svg "));
        assert!(document.contains(r#"<g class="panel" data-series="a&amp;b &quot;c&quot;">"#));
        assert!(document.contains(
            r##"<polygon points="0,0 10,0 10,10" fill="#ff0000" fill-opacity="0.500"/>"##
        ));
        assert!(document.trim_end().ends_with("</g>\n</svg>"));
    }
}
