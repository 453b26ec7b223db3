/**
 * End-to-end: the real CLI as a process, on real TSV files, with the fault-injection model
 * throwing, crashing or reporting sticky CUDA errors on chosen samples.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { readJournals } from "@vlmeval/pipeline";
import { journalIndices, runWithRandomKills } from "./helpers/kill_resume.ts";
import {
  journalLines,
  journalPath,
  predictionCells,
  predictionPath,
  runProcess,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { startLoopbackVllmServer, vllmChatCompletion } from "@vlmeval/models/testing";
import { runCli } from "@vlmeval/cli/testing";
import { faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const faults = (config: object) => faultModelEnv(config, "BusyLoop");

const withTemp = tempDirRunner("vlmeval-e2e-");

Deno.test("SKIP_ERR=1 records failing samples, exits 0, and the next run retries them", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 12);
    // 2 failures of 12 pass the default threshold (10%): this run tolerates a quarter.
    const args = [
      "--model",
      "FaultInjection",
      "--data",
      `${dir}/Bench.tsv`,
      "--work-dir",
      dir,
      "--fail-on-error",
      "0.25",
    ];
    const first = await runProcess(args, {
      env: { SKIP_ERR: "1", ...faults({ failOn: ["3", "8"], errorType: "RangeError" }) },
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Failed on Bench sample 3 \(generate\)/);
    const table = await readPredictions(predictionPath(dir, "FaultInjection", "Bench"));
    const byIndex = new Map(table.rows.map((r) => [r.index, r.prediction]));
    assert.equal(
      byIndex.get("3"),
      "Failed to obtain answer: RangeError injected failure on sample 3",
    );
    assert.match(byIndex.get("4")!, /^[ABCD]$/);
    assert.match(first.stdout, /2 failed to answer/);

    const second = await runProcess(args, { env: { SKIP_ERR: "1", ...faults({}) } });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /2 done, 10 reused, 0 failed/);
    const again = await readPredictions(predictionPath(dir, "FaultInjection", "Bench"));
    assert.ok(again.rows.every((r) => /^[ABCD]$/.test(r.prediction)));
  });
});

Deno.test("without SKIP_ERR a failure stops the run with exit 1 and a rerun resumes", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 10);
    const args = ["--model", "FaultInjection", "--data", `${dir}/Bench.tsv`, "--work-dir", dir];
    const first = await runProcess(args, { env: faults({ failOn: ["6"] }) });
    assert.equal(first.code, 1);
    assert.match(first.stderr, /Sample 6 failed .*finished samples are kept/);
    const journal = readJournals(journalPath(dir, "FaultInjection", "Bench"));
    assert.equal([...journal.records.values()].filter((r) => r.ok).length, 6);

    const second = await runProcess(args, { env: faults({}) });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /4 done, 6 reused/);
  });
});

Deno.test("a sticky CUDA error stops the worker with exit 3 even under SKIP_ERR", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 8);
    const args = ["--model", "FaultInjection", "--data", `${dir}/Bench.tsv`, "--work-dir", dir];
    const run = await runProcess(args, { env: { SKIP_ERR: "1", ...faults({ stickyOn: ["2"] }) } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /sticky CUDA error on sample 2/);
    const rerun = await runProcess(args, { env: { SKIP_ERR: "1", ...faults({}) } });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /6 done, 2 reused/);
  });
});

Deno.test("SKIP_ERR=1 with an image cache that cannot be written stops with exit 8 and status failed", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 40);
    // The image cache folder is a file: every image write fails (as on a read-only or full disk).
    await Deno.mkdir(`${dir}/images`);
    await Deno.writeTextFile(`${dir}/images/Bench`, "not a folder");
    const args = ["--model", "ConstantAnswer", "--data", `${dir}/Bench.tsv`, "--work-dir", dir];
    const run = await runProcess(args, { env: { SKIP_ERR: "1" } });
    assert.equal(run.code, 8, run.stderr);
    assert.match(run.stderr, /Stopped early as 5 of 40 samples failed/);
    assert.match(run.stdout, /too many failures \(exit 8\)/);
    const status = JSON.parse(await Deno.readTextFile(`${dir}/ConstantAnswer/status.json`));
    assert.equal(status.datasets.Bench.status, "failed");
    assert.equal(status.datasets.Bench.exit_code, 8);
    const records = [...readJournals(journalPath(dir, "ConstantAnswer", "Bench")).records.values()];
    assert.equal(records.length, 5, "the run stopped at the threshold, not after every row");
  });
});

Deno.test("a malformed benchmark fails with exit 4 naming the file, row and field", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/Broken.tsv`;
    await writeMcqTsv(path, 3);
    await Deno.writeTextFile(path, "9\tnot enough fields\n", { append: true });
    const run = await runProcess(["--model", "ConstantAnswer", "--data", path, "--work-dir", dir]);
    assert.equal(run.code, 4);
    assert.ok(run.stderr.includes(path), run.stderr);
    assert.match(run.stderr, /line 5/);
    assert.match(run.stderr, /field/);
  });
});

Deno.test("an image_path escaping the image folder is refused with exit 4", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/Escape.tsv`;
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";
    await Deno.writeTextFile(
      path,
      `index\timage\timage_path\tquestion\tA\tB\tanswer\n1\t${png}\t../../evil.png\tq\ta\tb\tA\n`,
    );
    const run = await runProcess(["--model", "ConstantAnswer", "--data", path, "--work-dir", dir]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /image_path/);
    for await (const e of Deno.readDir(`${dir}/..`)) assert.notEqual(e.name, "evil.png");
  });
});

Deno.test("model output starting with = + - @ is kept as it is in xlsx and neutralised in tsv", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const answers = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-A"];
    const server = startLoopbackVllmServer((req) => ({
      body: vllmChatCompletion(answers[req.n % 4]),
    }));
    try {
      for (const format of ["xlsx", "tsv"]) {
        const run = await runProcess([
          "--model",
          "served-model",
          "--base-url",
          server.baseUrl,
          "--data",
          `${dir}/Bench.tsv`,
          "--work-dir",
          `${dir}/${format}`,
          "--api-nproc",
          "1",
          "--format",
          format,
        ]);
        assert.equal(run.code, 0, run.stderr);
      }
    } finally {
      await server.close();
    }
    // xlsx: an inline string cell is text, never a formula: it holds exactly the model's text,
    // as VLMEvalKit's file would (pandas reads the same value back).
    const xlsx = predictionPath(`${dir}/xlsx`, "served-model", "Bench");
    const raw = await rawXlsxStrings(xlsx);
    for (const text of answers) {
      assert.ok(raw.includes(`>${text}<`), `"${text}" is stored as it is`);
      assert.ok(!raw.includes(`'${text}`), `"${text}" gets no leading quote`);
    }
    assert.ok(!raw.includes("<f>"), "no formula cell");
    // tsv: a spreadsheet evaluates it when it opens it, so the text is neutralised there.
    const tsv = predictionPath(`${dir}/tsv`, "served-model", "Bench", "tsv");
    const tsvText = await Deno.readTextFile(tsv);
    for (const text of ['=HYPERLINK(""http://x"")', "+cmd|' /C calc'!A0", "@SUM(1)", "-A"]) {
      assert.ok(tsvText.includes(`"'${text}"`), `"${text}" is stored with a leading quote`);
    }
    // Reading either file back gives the model's exact text.
    for (const path of [xlsx, tsv]) {
      const cells = (await predictionCells(path)).slice(1);
      assert.deepEqual(cells.map((r) => r.at(-1)).sort(), [...answers].sort());
    }
  });
});

/** Every `<t>` text of the worksheet XML, unescaped enough for the assertions above. */
async function rawXlsxStrings(path: string): Promise<string> {
  const unzip = await new Deno.Command("unzip", { args: ["-p", path, "xl/worksheets/sheet1.xml"] })
    .output();
  return new TextDecoder().decode(unzip.stdout).replaceAll("&quot;", '"').replaceAll("&amp;", "&")
    .replaceAll("&apos;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
}

Deno.test("resume after kill -9 at random points gives the uninterrupted predictions", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 40);
    const base = ["--model", "FaultInjection", "--data", `${dir}/Bench.tsv`, "--quiet"];
    const env = faults({ delayMs: 15 });
    const clean = await runProcess([...base, "--work-dir", `${dir}/clean`], { env });
    assert.equal(clean.code, 0, clean.stderr);

    const work = `${dir}/killed`;
    const journal = journalPath(work, "FaultInjection", "Bench");
    const kills = await runWithRandomKills([...base, "--work-dir", work], env, {
      progress: { answered: () => journalLines(journal, 0, 1), total: 40 },
    });
    const final = await runProcess([...base, "--work-dir", work], { env });
    assert.equal(final.code, 0, final.stderr);
    assert.ok(kills >= 1, "at least one run was killed");
    assert.deepEqual(
      await predictionCells(predictionPath(work, "FaultInjection", "Bench")),
      await predictionCells(predictionPath(`${dir}/clean`, "FaultInjection", "Bench")),
    );
    // Every sample was computed exactly once across all the killed runs: nothing lost or redone.
    const indices = journalIndices(
      `${journal}/rank0of1.jsonl`,
    );
    assert.equal(indices.length, 40);
    assert.equal(new Set(indices).size, 40);
  });
});

Deno.test("a benchmark name that is not there exits 2 before anything runs, naming close names", async () => {
  await withTemp(async (dir) => {
    // The run starts in an empty folder: nothing may appear there (no ./outputs).
    const cwd = `${dir}/cwd`;
    await Deno.mkdir(cwd);
    const run = await runCli(["--model", "ConstantAnswer", "--data", "MMBench_DEV_ENN"], {
      env: { LMUData: dir },
      cwd,
    });
    assert.equal(run.code, 2, run.stderr);
    assert.ok(run.stderr.includes(`${dir}/MMBench_DEV_ENN.tsv`), run.stderr);
    assert.match(run.stderr, /did you mean "MMBench_DEV_EN"/);
    assert.match(run.stderr, /deno task eval datasets/);

    // A catalog video benchmark named without its frame setting says how to name one.
    const video = await runCli(["--model", "ConstantAnswer", "--data", "Video-MME"], {
      env: { LMUData: dir },
      cwd,
    });
    assert.equal(video.code, 2, video.stderr);
    assert.match(video.stderr, /Video-MME_8frame/);

    // An unknown model: the closest built-in names.
    const model = await runCli(["--model", "ShapeVLM", "--data", "Shapes_MCQ"], { cwd });
    assert.equal(model.code, 2, model.stderr);
    assert.match(model.stderr, /Cannot build model "ShapeVLM" .*did you mean "ShapesVLM"/);
    assert.deepEqual([...Deno.readDirSync(cwd)], [], "no folder or status.json was left");
  });
});
