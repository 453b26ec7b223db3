import assert from "node:assert/strict";
import { nextCollectionDelay, parseCollectionPace } from "./periodic_collections.ts";

Deno.test("parseCollectionPace() reads whole milliseconds, 0 for none, and refuses the rest", () => {
  assert.equal(parseCollectionPace(undefined), 200);
  assert.equal(parseCollectionPace(""), 200);
  assert.equal(parseCollectionPace("0"), 0);
  assert.equal(parseCollectionPace(" 500 "), 500);
  assert.equal(parseCollectionPace("2147483647"), 2147483647);
  for (const bad of ["-1", "1.5", "fast", "1e3", "2147483648"]) {
    assert.throws(
      () => parseCollectionPace(bad),
      new RegExp(`VLMEVAL_GC_EVERY_MS must be a whole number of milliseconds .*"${bad}"`),
    );
  }
});

Deno.test("nextCollectionDelay() keeps the pace unless the pauses would pass their share", () => {
  assert.equal(nextCollectionDelay(200, 5, 0.05), 200);
  // A 20 ms pause takes 5% of 400 ms: the next one waits 380 after it.
  assert.equal(nextCollectionDelay(200, 20, 0.05), 380);
  assert.equal(nextCollectionDelay(200, 100, 0.05), 1900);
});

/** Runs `script` in a fresh process with `v8Flags`; returns its standard output and error. */
async function run(script: string, v8Flags: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/collect.ts`;
    const module = new URL("./periodic_collections.ts", import.meta.url).href;
    await Deno.writeTextFile(
      file,
      `import { startPeriodicCollections } from "${module}";\n${script}`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-check", `--v8-flags=${v8Flags}`, file],
      stdout: "piped",
      stderr: "piped",
      // A process kept alive by the collections' timer is killed, and fails below.
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    return text;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** V8's trace of a collection asked for by `gc()` says "testing". */
const asked = (trace: string) => trace.split("\n").filter((l) => /Mark-Compact.*testing/.test(l));

Deno.test("startPeriodicCollections() collects while it runs, and stops when disposed", async () => {
  const running = await run(
    `using _ = startPeriodicCollections({ everyMs: 20, maxShare: 0.5 });
    await new Promise((r) => setTimeout(r, 500));`,
    "--expose-gc,--trace-gc",
  );
  // Pauses up to 20 ms keep the pace at 20 ms (half the time may go to them here).
  assert.ok(asked(running).length >= 4, `collections while running:\n${running}`);
  const disposed = await run(
    `startPeriodicCollections({ everyMs: 20 })[Symbol.dispose]();
    await new Promise((r) => setTimeout(r, 500));`,
    "--expose-gc,--trace-gc",
  );
  assert.equal(asked(disposed).length, 0, `collections once disposed:\n${disposed}`);
});

Deno.test("startPeriodicCollections() does nothing without gc(), nor at 0 ms, nor keeps a process alive", async () => {
  const script = `using _ = startPeriodicCollections({ everyMs: 10 });
    using __ = startPeriodicCollections({ everyMs: 0 });
    await new Promise((r) => setTimeout(r, 200));`;
  assert.equal(asked(await run(script, "--trace-gc")).length, 0);
  // With gc() exposed the process still ends once its work is done (the timer is unref'd).
  await run(`startPeriodicCollections({ everyMs: 10 });`, "--expose-gc");
});
