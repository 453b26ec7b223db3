/**
 * A work dir with partial and broken results, written with the real writers: the fixture of
 * the viewer's tests.
 *
 * - `ModelA/`: `status.json`; `Bench_MCQ` predicted and scored, but its result xlsx is corrupt;
 *   `Bench_YN` recorded as scored with no score file; `Bench_Run` still running (a journal
 *   written to just now, no prediction file); `Bench_Err` recorded as failed.
 * - `ModelB/`: a damaged `status.json`; `Bench_MCQ` complete with a result file and a nested
 *   `_rating.json`.
 * - `memory/`: one plot and a summary.
 * - `images/Bench_MCQ/`: a PNG for row 0.
 *
 * Predictions carry markup (`<script>`, an `onerror` attribute, `</script>` in text) that
 * must show as text.
 *
 * @module
 */
import { writeCsv, writePredictions } from "@vlmeval/report";
import type { Row } from "@vlmeval/schema";

/** Markup a model might answer with; a report must show it as text. */
export const HOSTILE_PREDICTIONS = [
  `<script>window.__pwned = "script"</script>`,
  `<img src=x onerror="window.__pwned = 'onerror'">`,
  `</script><script>window.__pwned = "breakout"</script><!--`,
];

const MCQ_COLUMNS = ["index", "question", "A", "B", "answer", "category", "prediction"];

function mcqRows(predictions: string[]): Row[] {
  return predictions.map((prediction, k) => ({
    index: String(k),
    question: `Question ${k}: pick <b>A</b>?`,
    A: "yes",
    B: "no",
    answer: k % 2 === 0 ? "A" : "B",
    category: k < 2 ? "first" : "second",
    prediction,
  }));
}

/** A 2x2 PNG (red, green / blue, white). */
const TINY_PNG = Uint8Array.fromBase64(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAGUlEQVR4AQXBAQ0AAAzDIJbcv+UeRNJNwgM+/wYAjSzeDQAAAABJRU5ErkJggg==",
);

/** Writes the fixture under `dir` (which must exist) and returns it. */
export async function writePartialWorkDir(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/ModelA`, { recursive: true });
  await Deno.mkdir(`${dir}/ModelB`, { recursive: true });
  const predA = ["A", "Failed to obtain answer: RangeError out of memory", ...HOSTILE_PREDICTIONS];
  await writePredictions(`${dir}/ModelA/ModelA_Bench_MCQ.xlsx`, MCQ_COLUMNS, mcqRows(predA));
  await writeCsv(`${dir}/ModelA/ModelA_Bench_MCQ_acc.csv`, {
    columns: ["split", "Overall", "first", "second"],
    rows: [["none", 0.2, 0.5, 0]],
  });
  await Deno.writeTextFile(
    `${dir}/ModelA/ModelA_Bench_MCQ_exact_matching_result.xlsx`,
    "this is not a zip archive",
  );
  await writePredictions(
    `${dir}/ModelA/ModelA_Bench_YN.xlsx`,
    ["index", "question", "prediction"],
    [
      { index: "0", question: "Is it?", prediction: "Yes" },
    ],
  );
  const journal = `${dir}/ModelA/ModelA_Bench_Run.journal`;
  await Deno.mkdir(journal);
  const now = Date.now();
  await Deno.writeTextFile(
    `${journal}/rank0of1.jsonl`,
    [0, 1, 2].map((k) =>
      JSON.stringify({
        index: String(k),
        prediction: k === 2 ? "Failed to obtain answer: TypeError bad frame" : "B",
        ok: k !== 2,
        ms: 10,
        rank: 0,
        worldSize: 1,
        time: now - 1000 + k,
      })
    ).join("\n") + "\n",
  );
  const at = new Date(now - 60_000).toISOString();
  const status = {
    schema_version: "1.0",
    model_name: "ModelA",
    created_at: at,
    updated_at: at,
    argv: ["--model", "ModelA", "--data", "Bench_MCQ", "--backend", "cpu"],
    world_size: 1,
    pred_format: "xlsx",
    eval_format: "csv",
    mode: "all",
    token_usage: { prompt_tokens: 1234, completion_tokens: 56 },
    datasets: {
      Bench_MCQ: {
        status: "done",
        prediction_file: "ModelA_Bench_MCQ.xlsx",
        judge_model: "exact_matching",
        infer_fail_rate: 0.2,
        samples: 5,
        exit_code: 0,
        updated_at: at,
      },
      Bench_YN: { status: "done", judge_model: "exact_matching", exit_code: 0, updated_at: at },
      Bench_Err: {
        status: "error",
        judge_model: "exact_matching",
        error_message: "Cannot open Bench_Err.tsv as <b>it</b> is missing",
        exit_code: 4,
        updated_at: at,
      },
    },
  };
  await Deno.writeTextFile(`${dir}/ModelA/status.json`, JSON.stringify(status, null, 2));

  const predB = ["A", "B", "A", "A", "B"];
  await writePredictions(`${dir}/ModelB/ModelB_Bench_MCQ.xlsx`, MCQ_COLUMNS, mcqRows(predB));
  await writePredictions(
    `${dir}/ModelB/ModelB_Bench_MCQ_exact_matching_result.xlsx`,
    [...MCQ_COLUMNS, "extracted", "method", "hit"],
    mcqRows(predB).map((row) => ({
      ...row,
      extracted: row.prediction,
      method: "option",
      hit: row.prediction === row.answer ? "1" : "0",
    })),
  );
  await writeCsv(`${dir}/ModelB/ModelB_Bench_MCQ_acc.csv`, {
    columns: ["split", "Overall", "first", "second"],
    rows: [["none", 1, 1, 1]],
  });
  await Deno.writeTextFile(
    `${dir}/ModelB/ModelB_Bench_MCQ_rating.json`,
    JSON.stringify({ overall: { overall: "1.000", task_type: { "<i>x</i>": [3, 3, "100.00%"] } } }),
  );
  await Deno.writeTextFile(`${dir}/ModelB/status.json`, "{ not json");

  await Deno.mkdir(`${dir}/memory`);
  await Deno.writeTextFile(
    `${dir}/memory/wasm.svg`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>window.__pwned = "svg"</script><rect width="10" height="10"/></svg>`,
  );
  await Deno.writeTextFile(`${dir}/memory/summary.md`, "# memory\n<script>no</script>\n");
  await Deno.mkdir(`${dir}/images/Bench_MCQ`, { recursive: true });
  await Deno.writeFile(`${dir}/images/Bench_MCQ/0.png`, TINY_PNG);
  return dir;
}
