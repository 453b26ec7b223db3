import type { Rng } from "./_synthetic_rng.ts";
import {
  type Colour,
  COLOUR_NAMES,
  renderScene,
  type RgbImage,
  type SceneObject,
  SHAPES,
} from "./_synthetic_draw.ts";
import { type ChoiceQuestion, shuffledOptions } from "./_synthetic_image_questions.ts";
import { GAP, placeObjects } from "./_synthetic_scene.ts";

/** Directions of motion, which are also the options of motion questions. */
export const DIRECTIONS = ["left", "right", "up", "down"] as const;
/** One of {@link DIRECTIONS}. */
export type Direction = typeof DIRECTIONS[number];

/** The question types of Shapes_Video (its `task_type` column). */
export const VIDEO_TASK_TYPES = {
  motion: "Motion Direction",
  count: "Object Counting",
  colourChange: "Colour Change",
} as const;

/** Frame side in pixels and frames per second of every clip. */
export const CLIP_SIZE = 64;
export const CLIP_FPS = 10;

/** A clip: objects at their first-frame positions, one of them moving, maybe one changing colour. */
export interface ClipSpec {
  frames: number;
  objects: SceneObject[];
  mover: number;
  direction: Direction;
  distance: number;
  /** Index of the object that changes colour, with its new colour and the first frame showing it. */
  change?: { object: number; colour: Colour; frame: number };
}

/** One question about a clip; `answer` indexes `options`. */
export interface ClipQuestion extends ChoiceQuestion {
  taskType: string;
}

const STEP: Record<Direction, [number, number]> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
};

function trySample(rng: Rng, frames: number, withChange: boolean): ClipSpec | undefined {
  const count = rng.int(1, 4);
  const shapes = rng.sample(SHAPES, count);
  const looks = shapes.map((shape) => ({
    shape,
    colour: rng.pick(COLOUR_NAMES),
    r: rng.int(6, 8),
  }));
  const direction = rng.pick(DIRECTIONS);
  const distance = rng.int(22, 34);
  const [sx, sy] = STEP[direction];
  const r = looks[0].r;
  const lo = r + GAP;
  const hi = CLIP_SIZE - r - GAP;
  // The mover's start leaves room for the whole path inside the frame.
  const moverBox = {
    x0: sx > 0 ? lo : sx < 0 ? lo + distance : lo,
    x1: sx > 0 ? hi - distance : hi,
    y0: sy > 0 ? lo : sy < 0 ? lo + distance : lo,
    y1: sy > 0 ? hi - distance : hi,
  };
  const [mover] = placeObjects(rng, CLIP_SIZE, [looks[0]], [moverBox]) ?? [];
  if (!mover) return undefined;
  const sweep = {
    ax: mover.x,
    ay: mover.y,
    bx: mover.x + sx * distance,
    by: mover.y + sy * distance,
    r: mover.r,
  };
  const statics = placeObjects(rng, CLIP_SIZE, looks.slice(1), [], [sweep]);
  if (!statics) return undefined;
  const order = rng.shuffle([...Array(count).keys()]);
  const all = [mover, ...statics];
  const objects = order.map((i) => all[i]);
  const spec: ClipSpec = {
    frames,
    objects,
    mover: order.indexOf(0),
    direction,
    distance,
  };
  if (withChange) {
    const object = rng.int(0, count - 1);
    const colour = rng.pick(COLOUR_NAMES.filter((c) => c !== objects[object].colour));
    const frame = Math.round(frames * rng.float(0.4, 0.6));
    spec.change = { object, colour, frame };
  }
  return spec;
}

/** A random clip of `frames` frames; `withChange` adds a colour change. */
export function sampleClip(rng: Rng, frames: number, withChange: boolean): ClipSpec {
  for (;;) {
    const spec = trySample(rng, frames, withChange);
    if (spec) return spec;
  }
}

/** The objects of frame `f` (0-based) of a clip. */
export function clipObjectsAt(clip: ClipSpec, f: number): SceneObject[] {
  const t = clip.frames > 1 ? f / (clip.frames - 1) : 0;
  const [sx, sy] = STEP[clip.direction];
  return clip.objects.map((o, i) => {
    const moved = i === clip.mover
      ? { ...o, x: o.x + sx * clip.distance * t, y: o.y + sy * clip.distance * t }
      : o;
    return clip.change && clip.change.object === i && f >= clip.change.frame
      ? { ...moved, colour: clip.change.colour }
      : moved;
  });
}

/** Frame `f` (0-based) of a clip, rendered. */
export function renderClipFrame(clip: ClipSpec, f: number): RgbImage {
  return renderScene(CLIP_SIZE, CLIP_SIZE, clipObjectsAt(clip, f));
}

const TEMPLATES = {
  motion: ["Which direction does the {shape} move?", "In which direction is the {shape} moving?"],
  count: ["How many objects are in the video?", "How many shapes appear in the video?"],
  colourChange: [
    "What colour does the {shape} turn into?",
    "The {shape} changes colour. What colour does it become?",
  ],
};

/** The questions a clip answers: motion direction, object count and, with a change, the new colour. */
export function clipQuestions(rng: Rng, clip: ClipSpec): ClipQuestion[] {
  const mover = clip.objects[clip.mover];
  const motion = shuffledOptions(
    rng,
    clip.direction,
    DIRECTIONS.filter((d) => d !== clip.direction),
  );
  const out: ClipQuestion[] = [{
    ...motion,
    question: rng.pick(TEMPLATES.motion).replace("{shape}", mover.shape),
    taskType: VIDEO_TASK_TYPES.motion,
  }];
  const n = clip.objects.length;
  const counts = rng.sample([1, 2, 3, 4, 5, 6].filter((c) => c !== n), 3).map(String);
  out.push({
    ...shuffledOptions(rng, String(n), counts),
    question: rng.pick(TEMPLATES.count),
    taskType: VIDEO_TASK_TYPES.count,
  });
  if (clip.change) {
    const changed = clip.objects[clip.change.object];
    const others = rng.sample(
      COLOUR_NAMES.filter((c) => c !== changed.colour && c !== clip.change!.colour),
      2,
    );
    out.push({
      ...shuffledOptions(rng, clip.change.colour, [changed.colour, ...others]),
      question: rng.pick(TEMPLATES.colourChange).replace("{shape}", changed.shape),
      taskType: VIDEO_TASK_TYPES.colourChange,
    });
  }
  return out;
}
