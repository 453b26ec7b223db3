import assert from "node:assert/strict";
import { runSetupStep, type SetupStep } from "./_setup_steps.ts";

/** A step that prints what npm and Deno print, then exits with `code` after `sleepS`. */
function noisyStep(code: number, sleepS = 0): SetupStep {
  const noise = Array.from({ length: 50 }, (_, i) => `echo "Download https://registry/p${i}"`)
    .join("; ");
  return {
    what: "installing npm packages (deno install)",
    command: "bash",
    args: ["-c", `${noise}; echo "Run deno approve-scripts" >&2; sleep ${sleepS}; exit ${code}`],
    cwd: Deno.cwd(),
  };
}

async function run(step: SetupStep, quiet: boolean, slowMs = 1000) {
  const lines: string[] = [];
  const code = await runSetupStep(step, {
    quiet,
    verbose: false,
    write: (t) => lines.push(t),
    slowMs,
  });
  return { code, text: lines.join("") };
}

Deno.test("runSetupStep() says one line per step with its time and hides the tools' output", async () => {
  const { code, text } = await run(noisyStep(0), false);
  assert.equal(code, 0);
  assert.match(text, /^setup: installing npm packages \(deno install\): done in \d+\.\d s\n$/);
  // A slow one says first what it is doing, and why it takes long.
  const slow = await run({ ...noisyStep(0, 0.4), slowNote: "a minute the first time" }, false, 100);
  assert.match(
    slow.text,
    /^setup: installing npm packages \(deno install\) \(a minute the first time\)\.\.\.\nsetup: installing npm packages \(deno install\): done in 0\.\d s\n$/,
  );
});

Deno.test("runSetupStep() quiet: a quick step says nothing, a slow one says what it does and when done", async () => {
  assert.equal((await run(noisyStep(0), true)).text, "");
  const slow = await run(noisyStep(0, 0.4), true, 100);
  assert.match(slow.text, /^setup: installing npm packages \(deno install\)\.\.\.\n/);
  assert.match(slow.text, /: done in 0\.\d s\n$/);
  assert.doesNotMatch(slow.text, /Download|approve-scripts/);
});

Deno.test("runSetupStep() shows the kept output when a step fails, with its exit code", async () => {
  const { code, text } = await run(noisyStep(3), true);
  assert.equal(code, 3);
  assert.match(text, /^setup: installing npm packages \(deno install\) failed with exit code 3/);
  assert.match(text, /Download https:\/\/registry\/p49/);
  assert.match(text, /Run deno approve-scripts/);
});
