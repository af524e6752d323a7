//! The PNG rasterizer: plotters' bitmap backend with text placed glyph by glyph.
//!
//! The SVG and the PNG of a chart are drawn from one description; this backend only changes
//! how the PNG's text is drawn (see [`Raster`]), so both show the same words at the same place.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// The bitmap backend with text drawn glyph by glyph at sub-pixel positions.
///
/// plotters 0.3.7 places each glyph at a whole pixel and drops its left side bearing, which
/// makes words look unevenly spaced ("Ch ina"). This draws text the same size and at the same
/// place (the baseline half the font size below the layout box's top, as plotters does) with
/// each glyph where the font puts it; everything else goes to the bitmap backend.
pub(super) struct Raster<'a>(pub(super) BitMapBackend<'a>);

type RasterError<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Raster<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), RasterError<'a>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), RasterError<'a>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), RasterError<'a>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), RasterError<'a>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), RasterError<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), RasterError<'a>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), RasterError<'a>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), RasterError<'a>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), RasterError<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), RasterError<'a>> {
        use ab_glyph::{Font, ScaleFont};
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        // The same box as plotters' layout, so anchors and label areas agree with it.
        let ((x0, y0), (x1, y1)) = style.layout_box(text).map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (x1 - x0, y1 - y0);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let font = embedded_font();
        let scaled = font.as_scaled(style.size() as f32);
        let baseline = style.size() as f32 / 2.0;
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scaled.scale(), ab_glyph::point(pen, baseline));
            pen += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else { continue };
            let bounds = outline.px_bounds();
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                let (x, y) = (bounds.min.x as i32 + gx as i32 + dx, bounds.min.y as i32 + gy as i32 + dy);
                let (x, y) = trans.transform(x, y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    let c = BackendColor { alpha: color.alpha * coverage.min(1.0) as f64, rgb: color.rgb };
                    result = self.0.draw_pixel((x, y), c);
                }
            });
            result?;
        }
        Ok(())
    }
}

fn embedded_font() -> &'static ab_glyph::FontRef<'static> {
    static FONT: std::sync::OnceLock<ab_glyph::FontRef<'static>> = std::sync::OnceLock::new();
    FONT.get_or_init(|| {
        ab_glyph::FontRef::try_from_slice(super::style::FONT_BYTES).expect("the embedded font is valid")
    })
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};

    use super::super::style::{font, register_font};

    /// The ink's bounding box of `text` drawn by `draw` on a white 300×80 bitmap.
    fn ink(draw: impl FnOnce(&mut [u8], (u32, u32))) -> (u32, u32, u32, u32) {
        let mut buf = vec![255u8; 300 * 80 * 3];
        draw(&mut buf, (300, 80));
        let dark: Vec<(u32, u32)> =
            (0..300 * 80).filter(|i| buf[i * 3] < 128).map(|i| (i as u32 % 300, i as u32 / 300)).collect();
        let xs = dark.iter().map(|p| p.0);
        let ys = dark.iter().map(|p| p.1);
        (xs.clone().min().unwrap(), ys.clone().min().unwrap(), xs.max().unwrap(), ys.max().unwrap())
    }

    #[test]
    fn png_text_sits_where_plotters_puts_it() {
        register_font();
        let style = || font(20.0).pos(Pos::new(HPos::Center, VPos::Center));
        let ours = ink(|buf, size| {
            let root = super::Raster(BitMapBackend::with_buffer(buf, size)).into_drawing_area();
            root.draw(&Text::new("Kazakhstan 2016", (150, 40), style())).unwrap();
            root.present().unwrap();
        });
        let theirs = ink(|buf, size| {
            let root = BitMapBackend::with_buffer(buf, size).into_drawing_area();
            root.draw(&Text::new("Kazakhstan 2016", (150, 40), style())).unwrap();
            root.present().unwrap();
        });
        for (a, b) in [(ours.0, theirs.0), (ours.1, theirs.1), (ours.2, theirs.2), (ours.3, theirs.3)] {
            assert!(a.abs_diff(b) <= 3, "ours {ours:?}, plotters' {theirs:?}");
        }
    }
}
