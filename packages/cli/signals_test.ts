import assert from "node:assert/strict";

/** A process that listens as `vlmeval eval` does, then works until it is made to quit. */
const SCRIPT = `
import { stopOnInterrupt } from ${JSON.stringify(new URL("./signals.ts", import.meta.url).href)};
const interrupts = stopOnInterrupt();
interrupts.signal.addEventListener("abort", () => console.log("stopping"));
console.log("ready");
setInterval(() => {}, 1000);
`;

async function start() {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", SCRIPT],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready")) out += (await reader.read()).value ?? "";
  return { child, reader, out: () => out };
}

Deno.test("stopOnInterrupt(): one Ctrl-C stops, two at once count as one, a later one quits at once (130)", async () => {
  const { child, reader } = await start();
  // A terminal's Ctrl-C under `deno task` arrives twice at once: one interrupt.
  child.kill("SIGINT");
  child.kill("SIGINT");
  assert.match((await reader.read()).value ?? "", /stopping/);
  await new Promise((resolve) => setTimeout(resolve, 800));
  const still = await Promise.race([
    child.status.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(true), 100)),
  ]);
  assert.equal(still, true, "the first interrupt does not end the process by itself");
  child.kill("SIGINT");
  reader.releaseLock();
  const status = await child.status;
  const stderr = new TextDecoder().decode(
    new Uint8Array(await new Response(child.stderr).arrayBuffer()),
  );
  assert.equal(status.code, 130, stderr);
  assert.match(stderr, /vlmeval: SIGINT: stopping: no new sample starts/);
  assert.equal(stderr.match(/SIGINT: stopping/g)?.length, 1, "said once");
  assert.match(stderr, /vlmeval: SIGINT again: quitting at once; finished samples are kept/);
});
