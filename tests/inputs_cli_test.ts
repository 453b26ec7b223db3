/**
 * End-to-end: benchmark files with problems, through the real CLI. Rows left out (an empty
 * image cell) are counted in a warning and the summary; a truncated image fails its sample
 * naming the TSV line, index and field; a benchmark that cannot be scored (no `answer`) is
 * refused before any inference; a malformed video TSV exits 4 and says so once.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { readJournals } from "@vlmeval/pipeline";
import { journalPath, runProcess } from "./helpers/distributed_cli.ts";
import { tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-inputs-");

/** A 2x2 PNG, base64. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

function mcqTsv(images: string[], header = "index\timage\tquestion\tA\tB\tanswer"): string {
  const rows = images.map((image, i) => `${i}\t${image}\tq${i}\tx\ty\tA`);
  return [header, ...rows].join("\n") + "\n";
}

const run = (dir: string, data: string, extra: string[] = []) =>
  runProcess([
    "--model",
    "ConstantAnswer",
    "--data",
    data,
    "--work-dir",
    `${dir}/out`,
    "--quiet",
    ...extra,
  ]);

Deno.test("rows with an empty image cell are left out as VLMEvalKit does, counted and named", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/Holes.tsv`;
    await Deno.writeTextFile(path, mcqTsv([PNG, PNG, "", PNG, "", PNG]));
    const result = await run(dir, path);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `Holes: 2 rows of ${path} have an empty image cell and are left out, as ` +
          `VLMEvalKit leaves them out \\(lines 4, 6\\)`,
      ),
    );
    // The summary has a column for them.
    const summary = result.stdout.slice(result.stdout.indexOf("Summary:"));
    assert.match(summary, /left out/);
    assert.match(summary, /^Holes +1\.000 +accuracy +4 +0 +2 /m);
  });
});

Deno.test("a truncated image fails its sample naming the TSV line, index and field", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/Cut.tsv`;
    const bytes = Uint8Array.fromBase64(PNG);
    const cut = bytes.subarray(0, bytes.length - 20).toBase64();
    await Deno.writeTextFile(path, mcqTsv([PNG, cut, PNG]));
    const result = await run(dir, path);
    assert.equal(result.code, EXIT_CODES.sampleFailed, result.stderr);
    const journal = readJournals(journalPath(`${dir}/out`, "ConstantAnswer", "Cut"));
    const failure = journal.records.get("1")!.prediction;
    assert.match(
      failure,
      new RegExp(
        `^Failed to obtain answer: SampleInputError Cannot use the image of "${path}" ` +
          `line 3 \\(index "1"\\) field "image": the value cannot be decoded: the PNG`,
      ),
    );
    assert.match(failure, /the image is truncated$/);
    assert.doesNotMatch(failure, /images\/Cut\/1\.png|read requests/);
  });
});

Deno.test("a benchmark without an answer column is refused before inference, saying what to do", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/NoAnswers.tsv`;
    await Deno.writeTextFile(
      path,
      ["index\timage\tquestion\tA\tB", `0\t${PNG}\tq\tx\ty`, `1\t${PNG}\tq\tx\ty`].join("\n") +
        "\n",
    );
    const refused = await run(dir, path);
    assert.equal(refused.code, EXIT_CODES.badInput, refused.stderr);
    assert.match(
      refused.stderr,
      /Cannot score NoAnswers as its benchmark file has no "answer" column \(line 1, the header\): run with --mode infer/,
    );
    assert.doesNotMatch(refused.stderr, /samples on this rank/, "no sample ran");
    const infer = await run(dir, path, ["--mode", "infer"]);
    assert.equal(infer.code, 0, infer.stderr);
  });
});

Deno.test("a malformed video TSV exits 4 and names the problem once", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(`${dir}/BadVideo.tsv`, "index\tvideo\n0\tclip\n");
    const result = await runProcess(
      ["--model", "ConstantAnswer", "--data", "BadVideo_8frame", "--work-dir", `${dir}/out`],
      { env: { LMUData: dir } },
    );
    assert.equal(result.code, EXIT_CODES.badInput, result.stderr);
    assert.equal(result.stderr.match(/has no "question" column/g)?.length, 1, result.stderr);
  });
});
