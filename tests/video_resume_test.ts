/**
 * End-to-end: a video run killed with SIGKILL at random points (during frame extraction or
 * inference) resumes to exactly the predictions of an uninterrupted run, every question
 * answered once.
 */
import assert from "node:assert/strict";
import {
  journalLines,
  journalPath,
  predictionCells,
  predictionPath,
  runProcess,
} from "./helpers/distributed_cli.ts";
import { journalIndices, runWithRandomKills } from "./helpers/kill_resume.ts";

Deno.test("a video run resumes after kill -9 with identical predictions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-video-kill-" });
  try {
    const data = "Shapes_Video_4frame";
    const base = ["--model", "FaultInjection", "--data", data, "--quiet"];
    const env = { VLMEVAL_FAULT_INJECTION: JSON.stringify({ inner: "BusyLoop", delayMs: 10 }) };
    const clean = await runProcess([...base, "--work-dir", `${dir}/clean`], { env });
    assert.equal(clean.code, 0, clean.stderr);

    const work = `${dir}/killed`;
    const name = `${data}_nopack`;
    const journal = journalPath(work, "FaultInjection", name);
    const total = journalLines(journalPath(`${dir}/clean`, "FaultInjection", name), 0, 1);
    const kills = await runWithRandomKills([...base, "--work-dir", work], env, {
      minMs: 400,
      maxMs: 1500,
      progress: { answered: () => journalLines(journal, 0, 1), total },
    });
    const final = await runProcess([...base, "--work-dir", work], { env });
    assert.equal(final.code, 0, final.stderr);
    assert.ok(kills >= 1, "at least one run was killed");
    assert.deepEqual(
      await predictionCells(predictionPath(work, "FaultInjection", name)),
      await predictionCells(predictionPath(`${dir}/clean`, "FaultInjection", name)),
    );
    const indices = journalIndices(`${journal}/rank0of1.jsonl`);
    assert.equal(indices.length, new Set(indices).size, "no question was answered twice");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
