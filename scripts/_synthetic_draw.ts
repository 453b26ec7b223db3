/** An RGB image, 3 bytes per pixel, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Shapes the synthetic benchmarks draw. */
export const SHAPES = ["circle", "square", "triangle", "diamond", "cross"] as const;
/** One of {@link SHAPES}. */
export type Shape = typeof SHAPES[number];

/** Colours the synthetic benchmarks draw, with their RGB values. */
export const COLOURS = {
  red: [220, 50, 47],
  green: [46, 160, 67],
  blue: [38, 99, 220],
  yellow: [240, 200, 30],
  purple: [145, 70, 190],
  orange: [245, 130, 30],
} as const;
/** One of the names in {@link COLOURS}. */
export type Colour = keyof typeof COLOURS;
/** Every colour name. */
export const COLOUR_NAMES = Object.keys(COLOURS) as Colour[];

/** One drawn object: centre (x, y) and half-size r in pixels. */
export interface SceneObject {
  shape: Shape;
  colour: Colour;
  x: number;
  y: number;
  r: number;
}

const BACKGROUND = [236, 236, 232] as const;
const SUPERSAMPLE = 4;

/** A blank canvas in the background colour. */
export function blankImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(BACKGROUND, i * 3);
  return { width, height, data };
}

/** True when the offset (dx, dy) from the centre lies inside the shape of half-size r. */
function inside(shape: Shape, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case "circle":
      return dx * dx + dy * dy <= r * r;
    case "square":
      return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
    case "diamond":
      return Math.abs(dx) + Math.abs(dy) <= r * 1.1;
    case "cross": {
      const arm = r * 0.38;
      return (Math.abs(dx) <= arm && Math.abs(dy) <= r) ||
        (Math.abs(dy) <= arm && Math.abs(dx) <= r);
    }
    case "triangle": {
      // Apex at the top, base at the bottom: y from -r to 0.8r, half-width grows linearly.
      const top = -r;
      const bottom = r * 0.8;
      if (dy < top || dy > bottom) return false;
      const halfWidth = r * 1.05 * (dy - top) / (bottom - top);
      return Math.abs(dx) <= halfWidth;
    }
  }
}

/** Draws a filled, anti-aliased shape onto the image. */
export function drawObject(image: RgbImage, object: SceneObject): void {
  const { width, height, data } = image;
  const rgb = COLOURS[object.colour];
  const x0 = Math.max(0, Math.floor(object.x - object.r - 1));
  const x1 = Math.min(width - 1, Math.ceil(object.x + object.r + 1));
  const y0 = Math.max(0, Math.floor(object.y - object.r - 1));
  const y1 = Math.min(height - 1, Math.ceil(object.y + object.r + 1));
  const step = 1 / SUPERSAMPLE;
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const dx = px + (sx + 0.5) * step - object.x;
          const dy = py + (sy + 0.5) * step - object.y;
          if (inside(object.shape, dx, dy, object.r)) hits++;
        }
      }
      if (hits === 0) continue;
      const a = hits / (SUPERSAMPLE * SUPERSAMPLE);
      const o = (py * width + px) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = Math.round(data[o + c] * (1 - a) + rgb[c] * a);
    }
  }
}

/** A new image with every object drawn in order. */
export function renderScene(width: number, height: number, objects: SceneObject[]): RgbImage {
  const image = blankImage(width, height);
  for (const object of objects) drawObject(image, object);
  return image;
}
