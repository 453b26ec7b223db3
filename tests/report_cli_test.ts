/**
 * End-to-end: `vlmeval report` and `vlmeval summary` as real processes over a work dir with
 * partial and broken results, and every exit code their help promises.
 */
import assert from "node:assert/strict";
import { runCli } from "@vlmeval/cli/testing";
import { writePartialWorkDir } from "@vlmeval/viewer/testing";
import { tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-report-cli-");

Deno.test("vlmeval report and summary answer --help, and a bad command line with exit 2", async () => {
  for (const command of ["report", "summary"]) {
    const help = await runCli([command, "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^vlmeval ${command}: `));
    assert.match(help.stdout, /Exit codes: 0 /);
    const bogus = await runCli([command, "--bogus"]);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /--bogus/);
  }
  const inline = await runCli(["report", "--inline-images", "many"]);
  assert.equal(inline.code, 2);
  assert.match(
    inline.stderr,
    /--inline-images as it must be a whole number: current value is "many"/,
  );
  const format = await runCli(["summary", "--format", "xml"]);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /--format must be one of text, csv, json: current value is "xml"/);
  const main = await runCli(["--help"]);
  assert.match(main.stdout, /deno task eval report \[--work-dir D\]/);
  assert.match(main.stdout, /deno task eval summary \[--format F\]/);
});

Deno.test("vlmeval report and summary refuse a work dir that is absent or holds no results (exit 2)", async () => {
  await withTemp(async (dir) => {
    for (const command of ["report", "summary"]) {
      const absent = await runCli([command, "--work-dir", `${dir}/nope`]);
      assert.equal(absent.code, 2);
      assert.match(absent.stderr, /Cannot read the work dir as it does not exist/);
      const empty = await runCli([command, "--work-dir", dir]);
      assert.equal(empty.code, 2);
      assert.match(empty.stderr, /no folder in it holds results/);
    }
    await assert.rejects(Deno.stat(`${dir}/report.html`), Deno.errors.NotFound);
  });
});

Deno.test("vlmeval report writes the page over partial and broken results, exit 4 naming the unreadable files", async () => {
  await withTemp(async (dir) => {
    await writePartialWorkDir(dir);
    const run = await runCli(["report", "--work-dir", dir]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(
      run.stdout,
      /^report: .*report\.html \([\d.]+ KiB, 2 model\(s\), 4 benchmark\(s\), 1 thumbnail\(s\); 3 missing, 2 unreadable\)$/m,
    );
    assert.match(
      run.stderr,
      /unreadable: ModelA · Bench_MCQ: Cannot read ModelA\/ModelA_Bench_MCQ_exact_matching_result\.xlsx/,
    );
    assert.match(run.stderr, /unreadable: ModelB: Cannot read ModelB\/status\.json/);
    assert.match(run.stderr, /missing: ModelA · Bench_Run: still running/);
    const page = await Deno.readTextFile(`${dir}/report.html`);
    assert.match(page, /^<!DOCTYPE html>/);
    await Deno.mkdir(`${dir}/folder`);
    const folder = await runCli(["report", "--work-dir", dir, "--out", `${dir}/folder`]);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /--out names a folder/);
  });
});

Deno.test("vlmeval report exits 0 when every file found is readable, whatever is missing", async () => {
  await withTemp(async (dir) => {
    await writePartialWorkDir(dir);
    await Deno.remove(`${dir}/ModelA/ModelA_Bench_MCQ_exact_matching_result.xlsx`);
    await Deno.remove(`${dir}/ModelB/status.json`);
    const run = await runCli(["report", "--work-dir", dir, "--out", `${dir}/r.html`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /3 missing, 0 unreadable/);
  });
});

Deno.test("vlmeval summary prints the leaderboard as text, csv and json", async () => {
  await withTemp(async (dir) => {
    await writePartialWorkDir(dir);
    const text = await runCli(["summary", "--work-dir", dir]);
    assert.equal(text.code, 4, "ModelB's status.json is damaged");
    assert.match(
      text.stdout,
      /^Bench_MCQ\s+split=none\|Overall\s+0\.2 \(fail 20\.0%\)\s+1 \(fail 0\.0%\)$/m,
    );
    assert.match(text.stderr, /^unreadable: ModelB: Cannot read ModelB\/status\.json/m);
    const csv = await runCli(["summary", "--work-dir", dir, "--format", "csv"]);
    assert.equal(
      csv.stdout.split("\n")[0],
      `"model","benchmark","state","metric","value","fail_rate","samples","score_file"`,
    );
    assert.equal(csv.stdout.trimEnd().split("\n").length, 6);
    const json = await runCli(["summary", "--format", "json"], { env: { MMEVAL_ROOT: dir } });
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.results.length, 5);
    assert.equal(parsed.problems.length, 4);
    assert.equal(json.stderr, "");
  });
});

Deno.test("vlmeval report shows the memory benchmark's plots from --memory, and says when that folder is absent", async () => {
  await withTemp(async (dir) => {
    await writePartialWorkDir(dir);
    await Deno.remove(`${dir}/memory`, { recursive: true });
    const results = new URL("../benchmarks/memory/results", import.meta.url).pathname;
    const run = await runCli(["report", "--work-dir", dir, "--memory", results]);
    assert.equal(run.code, 4, run.stderr);
    const page = await Deno.readTextFile(`${dir}/report.html`);
    const plots = [...page.matchAll(/<img class="memory-plot" alt="memory per sample, ([^"]+)"/g)];
    assert.deepEqual(plots.map((m) => m[1]), ["tfjs-node", "wasm", "webgpu"]);
    const absent = await runCli(["report", "--work-dir", dir, "--memory", `${dir}/none`]);
    assert.match(absent.stderr, /missing: Cannot read the memory results folder .*none/);
    const without = await runCli(["report", "--work-dir", dir]);
    assert.match(
      await Deno.readTextFile(`${dir}/report.html`),
      /No memory benchmark results found/,
    );
    assert.doesNotMatch(without.stderr, /memory results folder/);
  });
});
