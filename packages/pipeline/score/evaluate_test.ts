import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import type { Row } from "@vlmeval/schema";
import { textTask } from "../_test_helpers.ts";
import type { EvalTask } from "../task/eval_task.ts";
import { evaluatePredictions, scoringFamily } from "./evaluate.ts";

async function withTemp(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-evaluate-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function task(name: string, kind: EvalTask["kind"], scorer?: string): EvalTask {
  const t = { ...textTask(name, [{ index: "0" }]), kind };
  if (scorer) t.benchmark = { name, class: "X", scorer };
  return t;
}

Deno.test("scoringFamily(): the catalog's scorer decides, else what the task looks like", () => {
  const cases: [EvalTask, string][] = [
    [task("TextVQA_VAL", "vqa", "vqa_acc"), "image_vqa"],
    [task("DocVQA_VAL", "vqa", "anls"), "image_vqa"],
    [task("OCRBench", "vqa", "ocrbench"), "ocrbench"],
    [task("MathVista_MINI", "vqa", "mathvista"), "mathvista"],
    [task("MMVet", "vqa", "mmvet"), "mmvet"],
    [task("MMMU_DEV_VAL", "mcq", "mmmu"), "mcq"],
    [task("POPE", "yorn", "yes_no:pope"), "yes_no"],
    [task("MMBench-Video_8frame_nopack", "vqa", "mmbench_video"), "exact_vqa"],
    // A local TSV: by kind, whatever its name says.
    [task("TextVQA_VAL", "vqa"), "exact_vqa"],
    [task("Mine", "yorn"), "yes_no"],
    [task("Mine", "mcq"), "mcq"],
  ];
  for (const [t, family] of cases) assert.equal(scoringFamily(t), family, t.name);
});

Deno.test("evaluatePredictions() writes a family's files in the run's formats, by VLMEvalKit's names", async () => {
  await withTemp(async (dir) => {
    const rows: Row[] = [
      { index: "0", question: "q", answer: "['cat', 'cat', 'cat', 'cat']", prediction: "Cat" },
      { index: "1", question: "q", answer: "['dog', 'dog', 'dog', 'dog']", prediction: "cow" },
    ];
    const columns = ["index", "question", "answer", "prediction"];
    const stem = `${dir}/m_TextVQA_VAL`;
    const scores = await evaluatePredictions(task("TextVQA_VAL", "vqa", "vqa_acc"), {
      columns,
      rows,
    }, { stem, format: "tsv", evalFormat: "json" });
    assert.deepEqual(scores.files, [`${stem}_results.tsv`, `${stem}_acc.json`]);
    assert.equal(scores.overall, 50);
    assert.equal(scores.primaryMetric, "VQA score %");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${stem}_acc.json`)), [{ Overall: 50 }]);
    const results = await readPredictions(`${stem}_results.tsv`);
    assert.deepEqual(results.columns, [
      ...columns,
      "eval_gt",
      "eval_pred",
      "eval_match",
      "eval_score",
    ]);
    assert.deepEqual(results.rows.map((r) => [r.eval_pred, r.eval_score]), [
      ["cat", "1.0"],
      ["cow", "0.0"],
    ]);
  });
});

Deno.test("evaluatePredictions() refuses MMVet without a judge, writing nothing (exit 6)", async () => {
  await withTemp(async (dir) => {
    const rows = [{ index: "0", question: "q", answer: "a", category: "rec", prediction: "a" }];
    await assert.rejects(
      evaluatePredictions(task("MMVet", "vqa", "mmvet"), { columns: Object.keys(rows[0]), rows }, {
        stem: `${dir}/m_MMVet`,
        format: "xlsx",
        evalFormat: "csv",
      }),
      (err: unknown) =>
        err instanceof Error && err.name === "JudgeRequiredError" &&
        (err as { exitCode?: number }).exitCode === 6 &&
        /default judge: gpt-4-turbo/.test(err.message),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});
