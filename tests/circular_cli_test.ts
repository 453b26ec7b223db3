/**
 * End-to-end: a circular benchmark (MMBench-style rotated copies at `index + k×1e6`, images
 * shared by reference) through the real CLI, scored per question group; the same rows under a
 * name VLMEvalKit does not treat as circular are scored row by row.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { runProcess } from "./helpers/distributed_cli.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

/**
 * Questions 1 and 2 come in 4 rotations (answer A, B, C, D in turn); question 3 has a single
 * row whose answer is A, question 4 a single row whose answer is B. Rotated rows reuse the main row's image by reference.
 */
async function writeCircularTsv(path: string): Promise<void> {
  const options = ["circle", "square", "triangle", "star"];
  const lines = ["index\timage\tquestion\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit"];
  const row = (index: number, image: string, q: number, k: number) => {
    const shifted = options.map((_, i) => options[(i - k + 4) % 4]);
    const answer = "ABCD"[k];
    return [index, image, `Question ${q}: which shape?`, ...shifted, answer, `cat${q % 2}`]
      .concat(["coarse_perception", "dev"]).join("\t");
  };
  for (const q of [1, 2]) {
    for (let k = 0; k < 4; k++) {
      lines.push(row(q + k * 1_000_000, k === 0 ? PNG : String(q), q, k));
    }
  }
  lines.push(row(3, PNG, 3, 0), row(4, PNG, 4, 1));
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

Deno.test("a circular benchmark is scored per question group, a plain one per row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-circular-" });
  try {
    await writeCircularTsv(`${dir}/MMBench_Tiny.tsv`);
    await Deno.copyFile(`${dir}/MMBench_Tiny.tsv`, `${dir}/Plain_Tiny.tsv`);
    const run = await runProcess([
      "--model",
      "ConstantAnswer",
      "--data",
      `${dir}/MMBench_Tiny.tsv`,
      `${dir}/Plain_Tiny.tsv`,
      "--work-dir",
      dir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /circular accuracy over 4 questions \(10 rows\)/);

    const acc = await Deno.readTextFile(
      `${dir}/ConstantAnswer/ConstantAnswer_MMBench_Tiny_acc.csv`,
    );
    assert.equal(acc.split("\n")[0], '"split","Overall","CP","cat0","cat1"');
    // Only question 3 (a single row answered A) survives: 1 of 4 groups.
    assert.match(acc.split("\n")[1], /^"dev","0\.25"/);

    const result = await readPredictions(
      `${dir}/ConstantAnswer/ConstantAnswer_MMBench_Tiny_exact_matching_result.xlsx`,
    );
    assert.deepEqual(result.rows.map((r) => `${r.index}:${r.hit}`), ["1:0", "2:0", "3:1", "4:0"]);
    assert.equal(
      result.rows[0].log,
      "Failed in Prefetching Rolling 1: Answer is B, Prediction is A",
    );

    const plain = await Deno.readTextFile(
      `${dir}/ConstantAnswer/ConstantAnswer_Plain_Tiny_acc.csv`,
    );
    // Row by row: 3 of 10 rows have answer A.
    assert.match(plain.split("\n")[1], /^"dev","0\.3"/);
    const plainResult = await readPredictions(
      `${dir}/ConstantAnswer/ConstantAnswer_Plain_Tiny_exact_matching_result.xlsx`,
    );
    assert.equal(plainResult.rows.length, 10);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
