/**
 * A BMP decoder in TypeScript: libvips (sharp) has no BMP loader, so BMP images are decoded here
 * on both paths. Reads the Windows headers (BITMAPCOREHEADER, BITMAPINFOHEADER and its V2-V5
 * extensions), 1, 4 and 8-bit palettes, 16 and 32-bit pixels with or without bit fields, and
 * 24-bit pixels; bottom-up and top-down rows. Compressed (RLE, embedded JPEG/PNG) bitmaps are
 * refused.
 *
 * @module
 */

/** Decoded pixels: RGBA, 4 bytes per pixel, rows top to bottom. */
export interface BmpPixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
/** Largest side accepted: larger headers are corrupt far more often than real. */
const MAX_SIDE = 1 << 15;

/** A channel of a bit-field pixel: mask, shift to its lowest bit, and its maximum value. */
interface Field {
  mask: number;
  shift: number;
  max: number;
}

function field(mask: number): Field {
  if (mask === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { mask: mask >>> 0, shift, max: (mask >>> 0) >>> shift };
}

function channel(value: number, f: Field, otherwise: number): number {
  if (f.max === 0) return otherwise;
  return Math.round((((value & f.mask) >>> f.shift) * 255) / f.max);
}

/**
 * Decodes the bytes of a BMP file.
 *
 * @throws {Error} when the header is cut or inconsistent, the compression is not supported, or
 * the pixel data is shorter than the header says.
 */
export function decodeBmp(bytes: Uint8Array): BmpPixels {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) {
    throw new Error(`the file is ${bytes.length} bytes, shorter than a header`);
  }
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (14 + headerSize > bytes.length) throw new Error("the info header is cut");
  let width: number, rawHeight: number, bits: number, compression = BI_RGB, colours = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bits = view.getUint16(24, true);
  } else if (headerSize >= 40) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bits = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colours = view.getUint32(46, true);
  } else {
    throw new Error(`the info header size ${headerSize} is not a BMP header's`);
  }
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new Error(`the size ${width}x${height} is out of range`);
  }
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitfields) {
    throw new Error(`compression ${compression} (RLE or embedded JPEG/PNG) is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bits)) throw new Error(`${bits} bits per pixel`);

  // Palette (1, 4, 8 bits): BGR triples (core header) or BGRx quads after the info header.
  const palette: number[][] = [];
  if (bits <= 8) {
    const entry = headerSize === 12 ? 3 : 4;
    const count = colours || 1 << bits;
    const start = 14 + headerSize;
    for (let k = 0; k < count && start + k * entry + 2 < bytes.length; k++) {
      const at = start + k * entry;
      palette.push([bytes[at + 2], bytes[at + 1], bytes[at]]);
    }
  }
  // Bit fields: in the V2+ header, or right after a 40-byte header.
  let red = field(0x7c00), green = field(0x03e0), blue = field(0x001f), alpha = field(0);
  if (bits === 32) [red, green, blue] = [field(0xff0000), field(0xff00), field(0xff)];
  if (bitfields) {
    if (54 + 12 > bytes.length) throw new Error("the bit fields are cut");
    red = field(view.getUint32(54, true));
    green = field(view.getUint32(58, true));
    blue = field(view.getUint32(62, true));
    if ((headerSize >= 56 || compression === BI_ALPHABITFIELDS) && 66 + 4 <= bytes.length) {
      alpha = field(view.getUint32(66, true));
    }
  }

  const stride = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) {
    throw new Error(
      `the pixel data is cut: ${bytes.length - dataOffset} bytes for ${stride * height}`,
    );
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r: number, g: number, b: number, a = 255;
      if (bits <= 8) {
        const bitIndex = x * bits;
        const byte = bytes[row + (bitIndex >> 3)];
        const k = (byte >> (8 - bits - (bitIndex & 7))) & ((1 << bits) - 1);
        [r, g, b] = palette[k] ?? [0, 0, 0];
      } else if (bits === 24) {
        const at = row + x * 3;
        [r, g, b] = [bytes[at + 2], bytes[at + 1], bytes[at]];
      } else {
        const v = bits === 16
          ? view.getUint16(row + x * 2, true)
          : view.getUint32(row + x * 4, true);
        r = channel(v, red, 0);
        g = channel(v, green, 0);
        b = channel(v, blue, 0);
        a = channel(v, alpha, 255);
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = a;
    }
  }
  // A 32-bit image whose alpha field is all zero is opaque (many writers leave it unset).
  if (alpha.max > 0 && !rgba.some((v, i) => i % 4 === 3 && v !== 0)) {
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  }
  return { width, height, rgba };
}
