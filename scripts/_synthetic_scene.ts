import type { Rng } from "./_synthetic_rng.ts";
import type { Colour, SceneObject, Shape } from "./_synthetic_draw.ts";

/** What an object to place looks like, before it has a position. */
export interface ObjectLook {
  shape: Shape;
  colour: Colour;
  r: number;
}

/** An axis-aligned box the centre of an object must fall in (inclusive bounds). */
export interface CentreBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Pixels kept free between objects and between an object and the image border. */
export const GAP = 3;
const TRIES = 500;

/** Where the centre of an object of half-size r may lie so that it stays inside the image. */
export function fullBox(size: number, r: number): CentreBox {
  return { x0: r + GAP, x1: size - r - GAP, y0: r + GAP, y1: size - r - GAP };
}

/** Distance from point p to the segment a-b. */
export function pointSegmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

/** A segment an object sweeps (its centre moves from a to b) with the object's half-size. */
export interface Sweep {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  r: number;
}

/**
 * Places objects one by one at random centres inside their boxes so that no two overlap and
 * none touches a sweep. Returns undefined when some object finds no room.
 */
export function placeObjects(
  rng: Rng,
  size: number,
  looks: ObjectLook[],
  boxes: (CentreBox | undefined)[] = [],
  sweeps: Sweep[] = [],
): SceneObject[] | undefined {
  const placed: SceneObject[] = [];
  for (let i = 0; i < looks.length; i++) {
    const look = looks[i];
    const box = boxes[i] ?? fullBox(size, look.r);
    let done = false;
    for (let t = 0; t < TRIES && !done; t++) {
      const x = rng.float(box.x0, box.x1);
      const y = rng.float(box.y0, box.y1);
      const clear = placed.every((o) => Math.hypot(o.x - x, o.y - y) >= o.r + look.r + GAP) &&
        sweeps.every((s) =>
          pointSegmentDistance(x, y, s.ax, s.ay, s.bx, s.by) >= s.r + look.r + GAP
        );
      if (clear) {
        placed.push({ ...look, x, y });
        done = true;
      }
    }
    if (!done) return undefined;
  }
  return placed;
}
