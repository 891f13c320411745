//! Raster logos are decoded and re-encoded as PNG: the published file holds pixels only, never
//! the uploaded bytes (no trailing data, no metadata chunks, no polyglots). Dimensions are
//! checked from the header before any pixel is decoded.

use std::io::Cursor;

/// Logos wider or taller than this are refused before decoding.
pub const MAX_SIDE: u32 = 2048;

fn too_big(w: usize, h: usize) -> Option<String> {
    let max = MAX_SIDE as usize;
    (w > max || h > max || w == 0 || h == 0)
        .then(|| format!("the image is {w}×{h} pixels; logos may be at most {MAX_SIDE}×{MAX_SIDE}"))
}

/// Decode a PNG (first frame, 8 bits per channel) and encode it again.
pub fn rebuild_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let bad = |e: png::DecodingError| format!("not a readable PNG image ({e})");
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if let Some(e) = too_big(w as usize, h as usize) {
        return Err(e);
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "the PNG image is too large to decode".to_owned())?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(bad)?;
    pixels.truncate(frame.buffer_size());
    encode_png(w, h, frame.color_type, &pixels)
}

/// Decode a JPEG to RGB and encode it as PNG.
pub fn rebuild_jpeg(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use zune_jpeg::zune_core::{
        bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions,
    };
    let bad = |e: zune_jpeg::errors::DecodeErrors| format!("not a readable JPEG image ({e})");
    let options = DecoderOptions::default()
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(bad)?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| "not a readable JPEG image (no dimensions)".to_owned())?;
    if let Some(e) = too_big(w, h) {
        return Err(e);
    }
    let pixels = decoder.decode().map_err(bad)?;
    if pixels.len() != w * h * 3 {
        return Err("not a readable JPEG image (unexpected pixel data)".into());
    }
    encode_png(w as u32, h as u32, png::ColorType::Rgb, &pixels)
}

fn encode_png(w: u32, h: u32, color: png::ColorType, pixels: &[u8]) -> Result<Vec<u8>, String> {
    let fail = |e: png::EncodingError| format!("re-encoding the image failed ({e})");
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(pixels).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// The pixels of a PNG as 8-bit samples: (width, height, color type, samples). For tests that
/// compare a rebuilt logo with its source.
pub fn png_pixels(bytes: &[u8]) -> Result<(u32, u32, png::ColorType, Vec<u8>), String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader.output_buffer_size().ok_or("too large")?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
    pixels.truncate(frame.buffer_size());
    Ok((frame.width, frame.height, frame.color_type, pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(w: u32, h: u32, extra_chunk: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        if extra_chunk {
            wr.write_chunk(
                png::chunk::ChunkType(*b"tEXt"),
                b"Comment\0<script>alert(1)</script>",
            )
            .unwrap();
        }
        wr.write_image_data(&vec![7; (w * h * 3) as usize]).unwrap();
        wr.finish().unwrap();
        out
    }

    #[test]
    fn pngs_keep_their_pixels_and_lose_everything_else() {
        let mut input = png_of(3, 2, true);
        input.extend_from_slice(b"<html><script>alert(1)</script>");
        let out = rebuild_png(&input).unwrap();
        assert!(!out.windows(7).any(|w| w == b"<script"));
        let (w, h, c, px) = png_pixels(&out).unwrap();
        assert_eq!((w, h, c), (3, 2, png::ColorType::Rgb));
        assert_eq!(px, vec![7; 18]);
    }

    #[test]
    fn jpegs_become_pngs_of_the_same_pixels() {
        // 4×2 pixels of #3366cc, drawn and exported by Chromium's canvas (quality 0.95).
        let mut input = include_bytes!("../../tests/data/blue-4x2.jpg").to_vec();
        input.extend_from_slice(b"<html><script>alert(1)</script>");
        let out = rebuild_jpeg(&input).unwrap();
        assert!(out.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(!out.windows(7).any(|w| w == b"<script"));
        let (w, h, c, px) = png_pixels(&out).unwrap();
        assert_eq!((w, h, c), (4, 2, png::ColorType::Rgb));
        for rgb in px.chunks(3) {
            let near = |got: u8, want: u8| got.abs_diff(want) <= 3;
            assert!(
                near(rgb[0], 0x33) && near(rgb[1], 0x66) && near(rgb[2], 0xcc),
                "{rgb:?}"
            );
        }
    }

    #[test]
    fn oversized_and_broken_images_are_refused() {
        let big = png_of(MAX_SIDE + 1, 1, false);
        assert_eq!(
            rebuild_png(&big).unwrap_err(),
            "the image is 2049×1 pixels; logos may be at most 2048×2048"
        );
        let truncated = &png_of(4, 4, false)[..40];
        assert!(rebuild_png(truncated)
            .unwrap_err()
            .starts_with("not a readable PNG image"));
        assert!(rebuild_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0])
            .unwrap_err()
            .starts_with("not a readable JPEG image"));
    }
}
