import assert from "node:assert/strict";
import {
  flattenScoreTable,
  recordDatasetStatus,
  type RunFacts,
  statusEntryFromError,
  statusEntryFromJob,
} from "./status_file.ts";

const RUN: RunFacts = {
  modelName: "M",
  argv: ["--model", "M"],
  worldSize: 1,
  predFormat: "xlsx",
  evalFormat: "csv",
  mode: "all",
};

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_status_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("flattenScoreTable() keys every cell as split=<split>|<column>", () => {
  assert.deepEqual(
    flattenScoreTable({
      columns: ["split", "Overall", "CP"],
      rows: [["dev", 0.5, null], ["test", 1, 0.25]],
    }),
    {
      "split=dev|Overall": 0.5,
      "split=dev|CP": null,
      "split=test|Overall": 1,
      "split=test|CP": 0.25,
    },
  );
});

Deno.test("flattenScoreTable() names a row by its text columns, as VLMEvalKit's flattening", () => {
  assert.deepEqual(
    flattenScoreTable({
      columns: ["Task&Skill", "tot", "acc"],
      rows: [["Overall", 3, 66.5], ["FQA", 1, null]],
    }),
    {
      "Task&Skill=Overall|tot": 3,
      "Task&Skill=Overall|acc": 66.5,
      "Task&Skill=FQA|tot": 1,
      "Task&Skill=FQA|acc": null,
    },
  );
  assert.deepEqual(
    flattenScoreTable({ columns: ["Overall", "Final Score"], rows: [[50, 812]] }),
    { "split=none|Overall": 50, "split=none|Final Score": 812 },
  );
});

Deno.test("statusEntryFromJob() says done, infer or incomplete, with rates and metrics", () => {
  const done = statusEntryFromJob({
    task: "B",
    exitCode: 0,
    predictionFile: "/w/M/M_B.xlsx",
    merged: { rows: 4, failed: 1 },
    scores: {
      metric: "accuracy",
      overall: 0.75,
      table: { columns: ["split", "Overall"], rows: [["none", 0.75]] },
      counts: { total: 4, failed: 1, unresolved: 0 },
      files: [],
    },
  }, "/w/M");
  assert.equal(done.status, "done");
  assert.equal(done.prediction_file, "M_B.xlsx");
  assert.equal(done.infer_fail_rate, 0.25);
  assert.deepEqual(done.metrics, { "split=none|Overall": 0.75 });
  assert.equal(done.primary_metric_value, 0.75);
  const infer = statusEntryFromJob(
    { task: "B", exitCode: 0, merged: { rows: 2, failed: 0 } },
    "/w",
  );
  assert.equal(infer.status, "infer");
  const stopped = statusEntryFromJob({ task: "B", exitCode: 1, message: "Sample 3 failed" }, "/w");
  assert.equal(stopped.status, "incomplete");
  assert.equal(stopped.error_message, "Sample 3 failed");
  assert.equal(statusEntryFromError("bad row", 4).status, "error");
});

Deno.test("recordDatasetStatus() keeps every dataset when processes write at once", async () => {
  await withDir(async (dir) => {
    const names = Array.from({ length: 12 }, (_, i) => `D${i}`);
    await Promise.all(
      names.map((name) => recordDatasetStatus(dir, RUN, name, statusEntryFromError(name, 4))),
    );
    const status = JSON.parse(await Deno.readTextFile(`${dir}/status.json`));
    assert.equal(status.schema_version, "1.0");
    assert.deepEqual(Object.keys(status.datasets).sort(), names.sort());
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["status.json"]);
  });
});

Deno.test("recordDatasetStatus() moves an unreadable status.json aside and says where", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/status.json`, "{ not json");
    const warning = await recordDatasetStatus(dir, RUN, "B", statusEntryFromError("x", 4));
    assert.match(warning ?? "", /was not a status file vlmeval can read; moved it to .*unreadable/);
    const aside = [...Deno.readDirSync(dir)].find((e) => e.name.includes("unreadable"))!;
    assert.equal(await Deno.readTextFile(`${dir}/${aside.name}`), "{ not json");
    const status = JSON.parse(await Deno.readTextFile(`${dir}/status.json`));
    assert.deepEqual(Object.keys(status.datasets), ["B"]);
  });
});

Deno.test("recordDatasetStatus() takes over a lock left by a process killed on this host", async () => {
  await withDir(async (dir) => {
    // A process that has exited: its pid names no live process.
    const child = new Deno.Command(Deno.execPath(), { args: ["eval", "0"] }).spawn();
    await child.status;
    const lock = `${dir}/status.json.lock`;
    await Deno.writeTextFile(lock, `${child.pid}\n${Deno.hostname()}\n`);
    // Dated in the future, so age alone would never make it stale: only the dead holder counts.
    const later = new Date(Date.now() + 3_600_000);
    await Deno.utime(lock, later, later);
    await recordDatasetStatus(dir, RUN, "B", statusEntryFromError("x", 4));
    const status = JSON.parse(await Deno.readTextFile(`${dir}/status.json`));
    assert.deepEqual(Object.keys(status.datasets), ["B"]);
    assert.equal(await Deno.stat(`${dir}/status.json.lock`).then(() => 1, () => 0), 0);
  });
});
