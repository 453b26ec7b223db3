import type { Rng } from "./_synthetic_rng.ts";
import { COLOUR_NAMES, type SceneObject, SHAPES } from "./_synthetic_draw.ts";
import { type CentreBox, GAP, type ObjectLook, placeObjects } from "./_synthetic_scene.ts";

/** The question types of Shapes_MCQ (its `category` column). */
export const IMAGE_QUESTION_TYPES = ["colour", "shape", "count", "position"] as const;
/** One of {@link IMAGE_QUESTION_TYPES}. */
export type ImageQuestionType = typeof IMAGE_QUESTION_TYPES[number];

/** The `l2-category` of each question type. */
export const L2_CATEGORY: Record<ImageQuestionType, string> = {
  colour: "attribute",
  shape: "attribute",
  count: "counting",
  position: "spatial",
};

/** Quadrant names, which are also the options of position questions. */
export const QUADRANTS = ["top left", "top right", "bottom left", "bottom right"] as const;

/** A multiple-choice question about a scene; `answer` indexes `options`. */
export interface ChoiceQuestion {
  question: string;
  options: string[];
  answer: number;
}

/** A scene with one question about it. */
export interface ImageQuestion extends ChoiceQuestion {
  type: ImageQuestionType;
  objects: SceneObject[];
}

/** Image side in pixels. */
export const IMAGE_SIZE = 64;
const MAX_COUNT = 5;
const COUNT_OPTIONS = [1, 2, 3, 4, 5, 6];

const TEMPLATES: Record<ImageQuestionType, string[]> = {
  colour: [
    "What colour is the {shape}?",
    "Which colour does the {shape} have?",
    "What is the colour of the {shape}?",
  ],
  shape: [
    "What shape is the {colour} object?",
    "Which shape is drawn in {colour}?",
    "What kind of shape is the {colour} one?",
  ],
  count: [
    "How many shapes are in the image?",
    "How many objects can you see?",
    "Count the shapes in the picture. How many are there?",
  ],
  position: [
    "Where is the {colour} {shape}?",
    "In which part of the image is the {colour} {shape}?",
    "Where in the picture is the {colour} {shape} located?",
  ],
};

function fill(template: string, object: SceneObject): string {
  return template.replace("{shape}", object.shape).replace("{colour}", object.colour);
}

/** Options made of the correct text plus distractors, shuffled; returns the answer's index. */
export function shuffledOptions(rng: Rng, correct: string, distractors: string[]): ChoiceQuestion {
  const options = rng.shuffle([correct, ...distractors]);
  return { question: "", options, answer: options.indexOf(correct) };
}

function randomLooks(rng: Rng, count: number, rLo: number, rHi: number): ObjectLook[] {
  return Array.from({ length: count }, () => ({
    shape: rng.pick(SHAPES),
    colour: rng.pick(COLOUR_NAMES),
    r: rng.int(rLo, rHi),
  }));
}

/** A count question about any scene (used for rows that reuse another row's image too). */
export function countQuestion(rng: Rng, objects: SceneObject[]): ChoiceQuestion {
  const n = objects.length;
  const distractors = rng.sample(COUNT_OPTIONS.filter((c) => c !== n), 3).map(String);
  const q = shuffledOptions(rng, String(n), distractors);
  return { ...q, question: rng.pick(TEMPLATES.count) };
}

function quadrantBox(quadrant: number, r: number): CentreBox {
  const half = IMAGE_SIZE / 2;
  const left = quadrant % 2 === 0;
  const top = quadrant < 2;
  const lo = r + GAP;
  const hi = half - r - GAP;
  return {
    x0: left ? lo : half + (half - hi),
    x1: left ? hi : IMAGE_SIZE - lo,
    y0: top ? lo : half + (half - hi),
    y1: top ? hi : IMAGE_SIZE - lo,
  };
}

function tryQuestion(rng: Rng, type: ImageQuestionType): ImageQuestion | undefined {
  switch (type) {
    case "colour": {
      const looks = randomLooks(rng, rng.int(1, 3), 7, 10);
      const shapes = rng.sample(SHAPES, looks.length);
      looks.forEach((look, i) => look.shape = shapes[i]);
      const objects = placeObjects(rng, IMAGE_SIZE, looks);
      if (!objects) return undefined;
      const target = rng.pick(objects);
      const others = rng.sample(COLOUR_NAMES.filter((c) => c !== target.colour), 3);
      const q = shuffledOptions(rng, target.colour, others);
      return { ...q, type, objects, question: fill(rng.pick(TEMPLATES.colour), target) };
    }
    case "shape": {
      const looks = randomLooks(rng, rng.int(1, 3), 7, 10);
      const colours = rng.sample(COLOUR_NAMES, looks.length);
      looks.forEach((look, i) => look.colour = colours[i]);
      const objects = placeObjects(rng, IMAGE_SIZE, looks);
      if (!objects) return undefined;
      const target = rng.pick(objects);
      const others = rng.sample(SHAPES.filter((s) => s !== target.shape), 3);
      const q = shuffledOptions(rng, target.shape, others);
      return { ...q, type, objects, question: fill(rng.pick(TEMPLATES.shape), target) };
    }
    case "count": {
      const looks = randomLooks(rng, rng.int(1, MAX_COUNT), 6, 8);
      const objects = placeObjects(rng, IMAGE_SIZE, looks);
      if (!objects) return undefined;
      return { ...countQuestion(rng, objects), type, objects };
    }
    case "position": {
      const looks = randomLooks(rng, rng.int(1, 3), 7, 9);
      const target = looks[0];
      // The target is the only object with its colour and shape pair.
      for (const other of looks.slice(1)) {
        if (other.shape === target.shape && other.colour === target.colour) {
          other.shape = rng.pick(SHAPES.filter((s) => s !== target.shape));
        }
      }
      const quadrant = rng.int(0, 3);
      const objects = placeObjects(rng, IMAGE_SIZE, looks, [quadrantBox(quadrant, target.r)]);
      if (!objects) return undefined;
      const q = shuffledOptions(
        rng,
        QUADRANTS[quadrant],
        QUADRANTS.filter((_, i) => i !== quadrant),
      );
      return {
        ...q,
        type,
        objects: rng.shuffle(objects),
        question: fill(rng.pick(TEMPLATES.position), objects[0]),
      };
    }
  }
}

function isUnique(objects: SceneObject[], o: SceneObject, key: (o: SceneObject) => string) {
  return objects.filter((p) => key(p) === key(o)).length === 1;
}

function quadrantOf(o: SceneObject): number | undefined {
  for (let q = 0; q < 4; q++) {
    const box = quadrantBox(q, o.r);
    if (o.x >= box.x0 && o.x <= box.x1 && o.y >= box.y0 && o.y <= box.y1) return q;
  }
  return undefined;
}

/**
 * Another question about an existing scene, of a type its objects allow (a colour question
 * needs an object with a unique shape, and so on); rows that reuse another row's image use it.
 */
export function questionAboutScene(
  rng: Rng,
  objects: SceneObject[],
): ChoiceQuestion & { type: ImageQuestionType } {
  for (const type of rng.shuffle(IMAGE_QUESTION_TYPES)) {
    const target = rng.pick(objects);
    if (type === "colour" && isUnique(objects, target, (o) => o.shape)) {
      const q = shuffledOptions(
        rng,
        target.colour,
        rng.sample(COLOUR_NAMES.filter((c) => c !== target.colour), 3),
      );
      return { ...q, type, question: fill(rng.pick(TEMPLATES.colour), target) };
    }
    if (type === "shape" && isUnique(objects, target, (o) => o.colour)) {
      const q = shuffledOptions(
        rng,
        target.shape,
        rng.sample(SHAPES.filter((s) => s !== target.shape), 3),
      );
      return { ...q, type, question: fill(rng.pick(TEMPLATES.shape), target) };
    }
    const quadrant = quadrantOf(target);
    if (
      type === "position" && quadrant !== undefined &&
      isUnique(objects, target, (o) => `${o.colour} ${o.shape}`)
    ) {
      const q = shuffledOptions(
        rng,
        QUADRANTS[quadrant],
        QUADRANTS.filter((_, i) => i !== quadrant),
      );
      return { ...q, type, question: fill(rng.pick(TEMPLATES.position), target) };
    }
  }
  return { ...countQuestion(rng, objects), type: "count" };
}

/** A random scene with one question of the given type. */
export function sampleImageQuestion(rng: Rng, type: ImageQuestionType): ImageQuestion {
  for (;;) {
    const q = tryQuestion(rng, type);
    if (q) return q;
  }
}
