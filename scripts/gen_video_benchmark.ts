/**
 * Generates the bundled video benchmark Shapes_Video: short 64x64 clips of coloured shapes,
 * one moving left, right, up or down and, in two clips of three, one changing colour, encoded
 * with ffmpeg (libx264, yuv420p, mp4). Each clip has 2 or 3 multiple-choice questions (motion
 * direction, object count, colour change) in a Video-MME-like TSV (`candidates` is a Python list
 * literal of `A. ...` strings, `answer` a letter). The output depends only on the seed, the clip
 * count and the ffmpeg build.
 *
 * Usage: deno run -A scripts/gen_video_benchmark.ts [--out DIR] [--clips N] [--seed S]
 * (default: packages/datasets/bundled, 48 clips, seed 2); writes DIR/Shapes_Video.tsv and
 * DIR/video/<name>.mp4.
 * Exit: 0 written; 1 when ffmpeg fails; 2 for a bad option.
 */
import { encodeH264 } from "./_synthetic_ffmpeg.ts";
import { Rng } from "./_synthetic_rng.ts";
import { pythonStringList, toQuotedTsv } from "./_synthetic_tsv.ts";
import { CLIP_FPS, clipQuestions, renderClipFrame, sampleClip } from "./_synthetic_video_clips.ts";
import { parseScriptArgs, usageError } from "./_script_help.ts";

/** Seed of the shipped benchmark; training uses other seeds. */
export const SHAPES_VIDEO_SEED = 2;
/** Clips in the shipped benchmark. */
export const SHAPES_VIDEO_CLIPS = 48;
/** Clip lengths in frames (2, 3 and 4 seconds at 10 fps), used in turn. */
export const CLIP_FRAMES = [20, 30, 40];

const COLUMNS = [
  "index",
  "video",
  "question",
  "candidates",
  "answer",
  "task_type",
  "duration",
  "split",
];
const LETTERS = ["A", "B", "C", "D"];

/** Options of {@link generateShapesVideo}. */
export interface ShapesVideoOptions {
  clips?: number;
  seed?: number;
}

/** Writes `<outDir>/Shapes_Video.tsv` and `<outDir>/video/*.mp4`; returns the row count. */
export async function generateShapesVideo(
  outDir: string,
  opts: ShapesVideoOptions = {},
): Promise<number> {
  const clipCount = opts.clips ?? SHAPES_VIDEO_CLIPS;
  const rng = new Rng(opts.seed ?? SHAPES_VIDEO_SEED);
  await Deno.mkdir(`${outDir}/video`, { recursive: true });
  const rows: Record<string, string>[] = [];
  for (let c = 0; c < clipCount; c++) {
    const name = `shapes_${String(c).padStart(3, "0")}`;
    const frames = CLIP_FRAMES[c % CLIP_FRAMES.length];
    const clip = sampleClip(rng, frames, c % 3 !== 2);
    const images = Array.from({ length: frames }, (_, f) => renderClipFrame(clip, f));
    await encodeH264(images, `${outDir}/video/${name}.mp4`, { fps: CLIP_FPS });
    for (const q of clipQuestions(rng, clip)) {
      rows.push({
        index: String(rows.length),
        video: name,
        question: q.question,
        candidates: pythonStringList(q.options.map((o, i) => `${LETTERS[i]}. ${o}`)),
        answer: LETTERS[q.answer],
        task_type: q.taskType,
        duration: "short",
        split: "dev",
      });
    }
  }
  await Deno.writeTextFile(`${outDir}/Shapes_Video.tsv`, toQuotedTsv(COLUMNS, rows));
  return rows.length;
}

if (import.meta.main) {
  const { values } = parseScriptArgs(import.meta, {
    out: { type: "string" },
    clips: { type: "string" },
    seed: { type: "string" },
  });
  const out = values.out ?? new URL("../packages/datasets/bundled", import.meta.url).pathname;
  const clips = Number(values.clips ?? SHAPES_VIDEO_CLIPS);
  const seed = Number(values.seed ?? SHAPES_VIDEO_SEED);
  if (!Number.isInteger(clips) || clips < 1) {
    usageError(
      import.meta,
      `Cannot generate Shapes_Video as --clips must be a positive integer: current value is ${values.clips}`,
    );
  }
  if (!Number.isInteger(seed)) {
    usageError(
      import.meta,
      `Cannot generate Shapes_Video as --seed must be an integer: current value is ${values.seed}`,
    );
  }
  const rows = await generateShapesVideo(out, { clips, seed });
  console.log(`wrote ${out}/Shapes_Video.tsv (${rows} rows) and ${clips} clips under ${out}/video`);
}
