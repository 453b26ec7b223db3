import { Buffer } from "node:buffer";
import pngjs from "pngjs";
import type { RgbImage } from "./_synthetic_draw.ts";

/** Encodes an RGB image as an 8-bit truecolour PNG (deterministic for equal input). */
export function encodePng(image: RgbImage): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  const rgba = Buffer.alloc(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    rgba[i * 4] = image.data[i * 3];
    rgba[i * 4 + 1] = image.data[i * 3 + 1];
    rgba[i * 4 + 2] = image.data[i * 3 + 2];
    rgba[i * 4 + 3] = 255;
  }
  png.data = rgba;
  return new Uint8Array(pngjs.PNG.sync.write(png, { colorType: 2, deflateLevel: 9 }));
}
