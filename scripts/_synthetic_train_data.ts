import { type DecodedImage, decodeImageBytes } from "@vlmeval/media";
import { videoFramePositions, writeBagOfWords, writeStackedImages } from "@vlmeval/models/training";
import { renderScene } from "./_synthetic_draw.ts";
import { FIRST_KERNEL, FIRST_STRIDE, imagePatches } from "./_synthetic_model_arch.ts";
import { encodeH264, selectFramesAsJpeg } from "./_synthetic_ffmpeg.ts";
import {
  type ChoiceQuestion,
  IMAGE_QUESTION_TYPES,
  IMAGE_SIZE,
  type ImageQuestionType,
  sampleImageQuestion,
} from "./_synthetic_image_questions.ts";
import type { Rng } from "./_synthetic_rng.ts";
import {
  CLIP_FPS,
  clipQuestions,
  type ClipSpec,
  renderClipFrame,
  sampleClip,
} from "./_synthetic_video_clips.ts";

/**
 * One training batch as flat arrays (row-major), with one-hot targets over 4 options.
 */
export interface Batch {
  size: number;
  channels: number;
  /** Model input as `_shapes_input.ts` writes it: [size, IMAGE_SIZE, IMAGE_SIZE, channels]. */
  pixels: Float32Array;
  /** The same as the first convolution's windows: [size, 32, 32, 16 * channels]. */
  patches: Float32Array;
  questions: Float32Array;
  options: Float32Array;
  targets: Float32Array;
  /** Task of each sample, for per-task accuracy. */
  tasks: string[];
}

const OPTIONS = 4;

/** Values per sample of the first convolution's windows. */
export function patchValues(channels: number): number {
  return (IMAGE_SIZE / FIRST_STRIDE) ** 2 * FIRST_KERNEL ** 2 * channels;
}

function emptyBatch(size: number, channels: number, vocabularySize: number): Batch {
  return {
    size,
    channels,
    pixels: new Float32Array(size * IMAGE_SIZE * IMAGE_SIZE * channels),
    patches: new Float32Array(size * patchValues(channels)),
    questions: new Float32Array(size * vocabularySize),
    options: new Float32Array(size * OPTIONS * vocabularySize),
    targets: new Float32Array(size * OPTIONS),
    tasks: [],
  };
}

function writeImages(batch: Batch, i: number, images: DecodedImage[]): void {
  const length = IMAGE_SIZE * IMAGE_SIZE * batch.channels;
  const pixels = batch.pixels.subarray(i * length, (i + 1) * length);
  writeStackedImages(images, IMAGE_SIZE, pixels, 0);
  imagePatches(pixels, IMAGE_SIZE, batch.channels, batch.patches, i * patchValues(batch.channels));
}

function writeText(batch: Batch, i: number, q: ChoiceQuestion, index: Map<string, number>) {
  const v = index.size;
  writeBagOfWords(q.question, index, batch.questions, i * v);
  q.options.forEach((o, k) => writeBagOfWords(o, index, batch.options, (i * OPTIONS + k) * v));
  batch.targets[i * OPTIONS + q.answer] = 1;
}

/** A batch of freshly drawn image questions of the given types (each equally likely). */
export function imageBatch(
  rng: Rng,
  size: number,
  index: Map<string, number>,
  types: readonly ImageQuestionType[] = IMAGE_QUESTION_TYPES,
): Batch {
  const batch = emptyBatch(size, 3, index.size);
  for (let i = 0; i < size; i++) {
    const q = sampleImageQuestion(rng, rng.pick(types));
    writeImages(batch, i, [renderScene(IMAGE_SIZE, IMAGE_SIZE, q.objects)]);
    writeText(batch, i, q, index);
    batch.tasks.push(q.type);
  }
  return batch;
}

/** A training clip with the three frames the video head reads, as the pipeline delivers them. */
export interface TrainingClip {
  clip: ClipSpec;
  frames: DecodedImage[];
}

/** Settings of one chunk of training clips encoded as one stream. */
export interface ChunkSettings {
  clips: number;
  frames: number;
  /** Frames the pipeline samples (VLMEvalKit's nframe). */
  nframe: number;
  /** ffmpeg's JPEG quality for the frame files (`-q:v`). */
  jpegQuality: number;
}

/**
 * Draws `clips` clips, encodes them with libx264 as one stream (a key frame starting each clip,
 * as each benchmark clip starts with one), samples `nframe` frames per clip with VLMEvalKit's
 * formula, and decodes the ones the video head reads from ffmpeg's JPEG output, so that
 * training sees the artefacts of the benchmark's clips and frame files.
 */
export async function trainingClips(
  rng: Rng,
  settings: ChunkSettings,
  workDir: string,
): Promise<TrainingClip[]> {
  const { clips: count, frames, nframe, jpegQuality } = settings;
  const clips = Array.from({ length: count }, (_, c) => sampleClip(rng, frames, c % 3 !== 2));
  const images = clips.flatMap((clip) =>
    Array.from({ length: frames }, (_, f) => renderClipFrame(clip, f))
  );
  const path = `${workDir}/chunk.mp4`;
  await encodeH264(images, path, { fps: CLIP_FPS, gop: frames });
  const step = frames / (nframe + 1);
  const sampled = Array.from({ length: nframe }, (_, i) => Math.floor((i + 1) * step));
  const wanted = videoFramePositions(nframe).map((p) => sampled[p]);
  const distinct = [...new Set(wanted)];
  const expr = distinct.map((f) => `eq(mod(n,${frames}),${f})`).join("+");
  const jpegs = await selectFramesAsJpeg(path, expr, jpegQuality);
  if (jpegs.length !== count * distinct.length) {
    throw new Error(
      `Cannot read training frames as ffmpeg returned ${jpegs.length} frames, not ${
        count * distinct.length
      }`,
    );
  }
  return clips.map((clip, c) => {
    const decoded = distinct.map((_, k) =>
      decodeImageBytes(jpegs[c * distinct.length + k], `training clip ${c}`)
    );
    return { clip, frames: wanted.map((f) => decoded[distinct.indexOf(f)]) };
  });
}

/** A batch of questions about random clips of the pool. */
export function videoBatch(
  rng: Rng,
  size: number,
  pool: TrainingClip[],
  index: Map<string, number>,
): Batch {
  const batch = emptyBatch(size, 9, index.size);
  for (let i = 0; i < size; i++) {
    const { clip, frames } = rng.pick(pool);
    const q = rng.pick(clipQuestions(rng, clip));
    writeImages(batch, i, frames);
    writeText(batch, i, q, index);
    batch.tasks.push(q.taskType);
  }
  return batch;
}
