/**
 * Trains the bundled ShapesVLM models on synthetic data drawn with seeds other than the
 * benchmarks' (no benchmark row is seen in training) and saves them as tfjs layers models:
 *
 * - packages/models/bundled/shapes_vlm/        image model (Shapes_MCQ questions)
 * - packages/models/bundled/shapes_vlm_video/  video model (Shapes_Video questions, 3 frames)
 *
 * Image questions are drawn fresh for every batch (shape and colour questions weighted up).
 * Video clips are drawn, encoded with libx264 and sampled through ffmpeg's JPEG output, like
 * the benchmark's clips in the pipeline. Accuracy on held-out synthetic questions (other seeds)
 * is printed as training goes. Runs on the wasm backend, single-threaded and deterministic
 * (the same weights every run); about 11 minutes for the image model and 10 for the video
 * model on our 2-core machine.
 *
 * Usage: deno run -A scripts/train_bundled_model.ts [--only image|video] [--image-steps N]
 *        [--video-steps N] [--video-clips N] [--out DIR]
 *   --only image|video  train one of the two models (default: both)
 *   --image-steps N     training steps of the image model (default 3000)
 *   --video-steps N     training steps of the video model (default 1500)
 *   --video-clips N     synthetic clips in the video training pool (default 8000)
 *   --out DIR           where the model folders go (default packages/models/bundled)
 * Exit: 0 trained and saved; 1 when training or saving fails; 2 for a bad option.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "@vlmeval/models";
import { buildVocabulary, vocabularyIndex } from "@vlmeval/models/training";
import { COLOUR_NAMES, SHAPES } from "./_synthetic_draw.ts";
import { useFastTransposedMatMul } from "./_synthetic_fast_matmul.ts";
import {
  IMAGE_QUESTION_TYPES,
  IMAGE_SIZE,
  QUADRANTS,
  sampleImageQuestion,
} from "./_synthetic_image_questions.ts";
import { buildShapesNet, copyToShippedForm, FIRST_STRIDE } from "./_synthetic_model_arch.ts";
import { saveModelFiles } from "./_synthetic_model_save.ts";
import { Rng } from "./_synthetic_rng.ts";
import {
  type Batch,
  type ChunkSettings,
  imageBatch,
  type TrainingClip,
  trainingClips,
  videoBatch,
} from "./_synthetic_train_data.ts";
import { clipQuestions, DIRECTIONS, sampleClip } from "./_synthetic_video_clips.ts";
import { parseScriptArgs, usageError } from "./_script_help.ts";

/** Training seeds; the benchmarks use 1 (Shapes_MCQ) and 2 (Shapes_Video). */
const SEEDS = { vocabulary: 100, image: 101, imageCheck: 102, video: 201, videoCheck: 202 };
const BATCH = 64;
/**
 * Image question types drawn for training, repeats giving weight: shape questions learn
 * slowest (and colour questions name objects by shape), counts and positions fastest.
 */
const IMAGE_TRAINING_MIX = [
  "shape",
  "shape",
  "shape",
  "colour",
  "colour",
  "count",
  "position",
] as const;
const LEARNING_RATE = 1e-3;

function vocabulary(): string[] {
  const rng = new Rng(SEEDS.vocabulary);
  const texts: string[] = [...COLOUR_NAMES, ...SHAPES, ...QUADRANTS, ...DIRECTIONS, "1 2 3 4 5 6"];
  for (let i = 0; i < 2000; i++) {
    const q = sampleImageQuestion(rng, IMAGE_QUESTION_TYPES[i % 4]);
    texts.push(q.question, ...q.options);
    for (const c of clipQuestions(rng, sampleClip(rng, 20, true))) {
      texts.push(c.question, ...c.options);
    }
  }
  return buildVocabulary(texts);
}

/** A batch as tensors, for the training form (patches) or the shipped form (images). */
function tensors(b: Batch, v: number, form: "patches" | "images" = "patches") {
  const half = IMAGE_SIZE / FIRST_STRIDE;
  const image = form === "patches"
    ? tf.tensor4d(b.patches, [b.size, half, half, b.patches.length / (b.size * half * half)])
    : tf.tensor4d(b.pixels, [b.size, IMAGE_SIZE, IMAGE_SIZE, b.channels]);
  return {
    xs: [
      image,
      tf.tensor2d(b.questions, [b.size, v]),
      tf.tensor3d(b.options, [b.size, 4, v]),
    ],
    y: tf.tensor2d(b.targets, [b.size, 4]),
  };
}

/** Accuracy per task and overall of a model on some batches. */
function accuracy(
  model: tf.LayersModel,
  batches: Batch[],
  v: number,
  form: "patches" | "images" = "patches",
) {
  const hits = new Map<string, [number, number]>();
  for (const b of batches) {
    const predicted = tf.tidy(() => {
      const { xs } = tensors(b, v, form);
      return (model.predict(xs) as tf.Tensor).argMax(1).dataSync();
    });
    b.tasks.forEach((task, i) => {
      const [ok, all] = hits.get(task) ?? [0, 0];
      hits.set(task, [ok + (b.targets[i * 4 + predicted[i]] === 1 ? 1 : 0), all + 1]);
    });
  }
  const total = [...hits.values()].reduce((a, [ok, all]) => [a[0] + ok, a[1] + all], [0, 0]);
  const parts = [...hits].map(([t, [ok, all]]) => `${t} ${(ok / all).toFixed(3)}`);
  return { overall: total[0] / total[1], detail: parts.join(", ") };
}

/** One Adam step on a batch; returns the loss. */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  xs: tf.Tensor[],
  y: tf.Tensor,
): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(xs, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      variables,
    );
    optimizer.applyGradients(grads);
    return value.dataSync()[0];
  });
}

function train(
  label: string,
  model: tf.LayersModel,
  steps: number,
  v: number,
  next: () => Batch,
  check: Batch[],
): number {
  const optimizer = tf.train.adam(LEARNING_RATE);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const started = performance.now();
  let lossSum = 0;
  for (let step = 1; step <= steps; step++) {
    // Full rate, then a tenth for the last 30% of the steps, then a thirtieth for the last 10%.
    const rate = step > steps * 0.9
      ? LEARNING_RATE / 30
      : step > steps * 0.7
      ? LEARNING_RATE / 10
      : LEARNING_RATE;
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
    const { xs, y } = tensors(next(), v);
    lossSum += trainStep(model, optimizer, variables, xs, y);
    tf.dispose([...xs, y]);
    if (step % 100 === 0 || step === steps) {
      const seconds = (performance.now() - started) / 1000;
      const extra = step % 500 === 0 || step === steps
        ? `, check accuracy ${accuracy(model, check, v).detail}`
        : "";
      console.log(
        `${label} step ${step}/${steps}: loss ${(lossSum / 100).toFixed(4)}, ${
          seconds.toFixed(0)
        } s${extra}`,
      );
      lossSum = 0;
    }
  }
  const result = accuracy(model, check, v);
  console.log(`${label}: check accuracy ${result.overall.toFixed(4)} (${result.detail})`);
  return (performance.now() - started) / 1000;
}

async function videoPool(total: number, seed: number, label: string): Promise<TrainingClip[]> {
  const rng = new Rng(seed);
  const work = await Deno.makeTempDir({ prefix: "shapes_train_" });
  const pool: TrainingClip[] = [];
  const started = performance.now();
  try {
    const perChunk = 250;
    for (let c = 0; pool.length < total; c++) {
      const settings: ChunkSettings = {
        clips: Math.min(perChunk, total - pool.length),
        frames: [20, 30, 40][c % 3],
        nframe: [8, 4, 8, 16, 6, 8, 12][c % 7],
        jpegQuality: [2, 2, 5][c % 3 === 0 ? 2 : c % 2],
      };
      pool.push(...await trainingClips(rng, settings, work));
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
  console.log(
    `${label}: ${pool.length} clips encoded and sampled in ${
      ((performance.now() - started) / 1000).toFixed(0)
    } s`,
  );
  return pool;
}

/** What to train and how it is saved. */
interface Job {
  kind: "image" | "video";
  folder: string;
  channels: number;
  steps: number;
  seed: number;
  next: () => Batch;
  check: Batch[];
  metadata: Record<string, unknown>;
}

/**
 * Trains the training form, copies its weights into the shipped form (Conv2D first layer),
 * checks that both give the same accuracy, and saves the shipped form.
 */
async function trainAndSave(job: Job, words: string[], out: string): Promise<void> {
  const v = words.length;
  const cfg = { inputSize: IMAGE_SIZE, channels: job.channels, vocabularySize: v, seed: job.seed };
  const trained = buildShapesNet(tf, cfg, { patches: true });
  const seconds = train(job.kind, trained, job.steps, v, job.next, job.check);
  const shipped = buildShapesNet(tf, cfg, { patches: false });
  copyToShippedForm(tf, trained, shipped);
  const a = accuracy(trained, job.check, v).overall;
  const b = accuracy(shipped, job.check, v, "images").overall;
  if (Math.abs(a - b) > 0.01) {
    throw new Error(`Cannot save the ${job.kind} model as its shipped form scores ${b}, not ${a}`);
  }
  const dir = `${out}/${job.folder}`;
  const bytes = await saveModelFiles(tf, shipped, dir, {
    kind: job.kind,
    inputSize: IMAGE_SIZE,
    channels: job.channels,
    vocabulary: words,
    ...job.metadata,
    trainingSteps: job.steps,
    batchSize: BATCH,
    trainingSeconds: Math.round(seconds),
  });
  console.log(
    `${job.kind} model saved to ${dir} (${bytes} bytes of weights, ${seconds.toFixed(0)} s)`,
  );
  trained.dispose();
  shipped.dispose();
}

/** An integer option of at least `min`, or exit 2 naming it. */
function count(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min) {
    usageError(
      import.meta,
      `--${name} must be an integer of at least ${min}: current value is ${value}`,
    );
  }
  return n;
}

if (import.meta.main) {
  const { values } = parseScriptArgs(import.meta, {
    only: { type: "string", default: "" },
    out: {
      type: "string",
      default: new URL("../packages/models/bundled", import.meta.url).pathname,
    },
    "image-steps": { type: "string", default: "3000" },
    "video-steps": { type: "string", default: "1500" },
    "video-clips": { type: "string", default: "8000" },
  });
  const only = values.only;
  if (only !== "" && only !== "image" && only !== "video") {
    usageError(import.meta, `--only must be image or video: current value is ${only}`);
  }
  const out = values.out;
  const imageSteps = count("image-steps", values["image-steps"], 0);
  const videoSteps = count("video-steps", values["video-steps"], 0);
  const videoClips = count("video-clips", values["video-clips"], 1);
  const info = await selectBackend("wasm", tf);
  useFastTransposedMatMul(tf);
  console.log(`backend: ${info.device}`);
  const words = vocabulary();
  const index = vocabularyIndex(words);
  console.log(`vocabulary: ${words.length} words`);

  if (only !== "video") {
    const rng = new Rng(SEEDS.image);
    const checkRng = new Rng(SEEDS.imageCheck);
    await trainAndSave(
      {
        kind: "image",
        folder: "shapes_vlm",
        channels: 3,
        steps: imageSteps,
        seed: 11,
        next: () => imageBatch(rng, BATCH, index, IMAGE_TRAINING_MIX),
        check: Array.from({ length: 8 }, () => imageBatch(checkRng, BATCH, index)),
        metadata: {},
      },
      words,
      out,
    );
  }
  if (only !== "image") {
    const pool = await videoPool(videoClips, SEEDS.video, "video training");
    const checkPool = await videoPool(500, SEEDS.videoCheck, "video check");
    const rng = new Rng(SEEDS.video + 1);
    const checkRng = new Rng(SEEDS.videoCheck + 1);
    await trainAndSave(
      {
        kind: "video",
        folder: "shapes_vlm_video",
        channels: 9,
        steps: videoSteps,
        seed: 21,
        next: () => videoBatch(rng, BATCH, pool, index),
        check: Array.from({ length: 8 }, () => videoBatch(checkRng, BATCH, checkPool, index)),
        metadata: {
          frames: "first, middle and last of the sampled frames",
          trainingClips: videoClips,
        },
      },
      words,
      out,
    );
  }
}
