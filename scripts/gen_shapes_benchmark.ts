/**
 * Generates the bundled image benchmark Shapes_MCQ: coloured shapes drawn on 64x64 images, with
 * multiple-choice questions about colour, shape, count and position, written in VLMEvalKit's
 * TSV format (base64 PNG in `image`; some rows reuse another row's image by its index, some
 * carry a `hint`). The output depends only on the seed and the row count.
 *
 * Usage: deno run -A scripts/gen_shapes_benchmark.ts [--out DIR] [--rows N] [--seed S]
 * (default: packages/datasets/bundled, 300 rows, seed 1); writes DIR/Shapes_MCQ.tsv.
 * Exit: 0 written; 2 for a bad option.
 */
import { encodeBase64 } from "./_synthetic_base64.ts";
import { renderScene, type SceneObject } from "./_synthetic_draw.ts";
import {
  IMAGE_QUESTION_TYPES,
  IMAGE_SIZE,
  type ImageQuestionType,
  L2_CATEGORY,
  questionAboutScene,
  sampleImageQuestion,
} from "./_synthetic_image_questions.ts";
import { encodePng } from "./_synthetic_png.ts";
import { Rng } from "./_synthetic_rng.ts";
import { toQuotedTsv } from "./_synthetic_tsv.ts";
import { parseScriptArgs, usageError } from "./_script_help.ts";

/** Seed of the shipped benchmark; training uses other seeds. */
export const SHAPES_MCQ_SEED = 1;
/** Rows in the shipped benchmark. */
export const SHAPES_MCQ_ROWS = 300;

const COLUMNS = [
  "index",
  "question",
  "hint",
  "A",
  "B",
  "C",
  "D",
  "answer",
  "category",
  "l2-category",
  "split",
  "image",
];
const LETTERS = ["A", "B", "C", "D"];
const HINTS = [
  "The picture shows flat shapes on a light background.",
  "Look at every shape in the image.",
  "Each shape is drawn in a single colour.",
];
/** Every REUSE_EVERY-th row asks about the image of an earlier row. */
const REUSE_EVERY = 15;
/** Every HINT_EVERY-th row carries a hint. */
const HINT_EVERY = 7;

/** Options of {@link generateShapesMcq}. */
export interface ShapesMcqOptions {
  rows?: number;
  seed?: number;
}

/** The Shapes_MCQ benchmark as TSV text. */
export function generateShapesMcq(opts: ShapesMcqOptions = {}): string {
  const rowCount = opts.rows ?? SHAPES_MCQ_ROWS;
  const rng = new Rng(opts.seed ?? SHAPES_MCQ_SEED);
  const plan: ImageQuestionType[] = rng.shuffle(
    Array.from({ length: rowCount }, (_, i) => IMAGE_QUESTION_TYPES[i % 4]),
  );
  const scenes: { index: number; objects: SceneObject[] }[] = [];
  const rows: Record<string, string>[] = [];
  for (let index = 0; index < rowCount; index++) {
    const reuse = index % REUSE_EVERY === REUSE_EVERY - 1 && scenes.length > 0;
    let image: string;
    let q;
    if (reuse) {
      const earlier = rng.pick(scenes.slice(-10));
      q = questionAboutScene(rng, earlier.objects);
      image = String(earlier.index);
    } else {
      q = sampleImageQuestion(rng, plan[index]);
      scenes.push({ index, objects: q.objects });
      image = encodeBase64(encodePng(renderScene(IMAGE_SIZE, IMAGE_SIZE, q.objects)));
    }
    const options = Object.fromEntries(LETTERS.map((l, i) => [l, q.options[i] ?? ""]));
    rows.push({
      index: String(index),
      question: q.question,
      hint: index % HINT_EVERY === 3 ? rng.pick(HINTS) : "",
      ...options,
      answer: LETTERS[q.answer],
      category: q.type,
      "l2-category": L2_CATEGORY[q.type],
      split: "dev",
      image,
    });
  }
  return toQuotedTsv(COLUMNS, rows);
}

if (import.meta.main) {
  const { values } = parseScriptArgs(import.meta, {
    out: { type: "string" },
    rows: { type: "string" },
    seed: { type: "string" },
  });
  const out = values.out ?? new URL("../packages/datasets/bundled", import.meta.url).pathname;
  const rows = Number(values.rows ?? SHAPES_MCQ_ROWS);
  const seed = Number(values.seed ?? SHAPES_MCQ_SEED);
  if (!Number.isInteger(rows) || rows < 1) {
    usageError(
      import.meta,
      `Cannot generate Shapes_MCQ as --rows must be a positive integer: current value is ${values.rows}`,
    );
  }
  if (!Number.isInteger(seed)) {
    usageError(
      import.meta,
      `Cannot generate Shapes_MCQ as --seed must be an integer: current value is ${values.seed}`,
    );
  }
  await Deno.mkdir(out, { recursive: true });
  const path = `${out}/Shapes_MCQ.tsv`;
  await Deno.writeTextFile(path, generateShapesMcq({ rows, seed }));
  console.log(`wrote ${path} (${rows} rows, seed ${seed})`);
}
