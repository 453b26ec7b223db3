import assert from "node:assert/strict";
import { join } from "node:path";
import { dataRootTsvPath, ignoredLmuData, lmuDataRoot } from "./data_root.ts";
import { DatasetNotFoundError } from "./errors.ts";

Deno.test("lmuDataRoot(): dataRoot, else an existing $LMUData, else <home>/LMUData", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_root_" });
  try {
    const existing = join(dir, "data");
    await Deno.mkdir(existing);
    const missing = join(dir, "not-yet");
    const env = { LMUData: existing, HOME: dir };
    assert.equal(await lmuDataRoot({ dataRoot: "x", env }), join(Deno.cwd(), "x"));
    assert.equal(await lmuDataRoot({ env }), existing);
    assert.equal(await ignoredLmuData({ env }), undefined);

    const fallBack = { LMUData: missing, HOME: dir };
    assert.equal(await lmuDataRoot({ env: fallBack }), join(dir, "LMUData"));
    assert.equal(await ignoredLmuData({ env: fallBack }), missing);
    assert.equal(await lmuDataRoot({ env: fallBack, home: existing }), join(existing, "LMUData"));
    assert.equal(await Deno.stat(missing).then(() => true, () => false), false, "not created");

    // Fetching creates the $LMUData it is given, where VLMEvalKit would fall back to ~/LMUData.
    assert.equal(await lmuDataRoot({ env: fallBack, create: true }), missing);
    assert.ok((await Deno.stat(missing)).isDirectory);
    assert.equal(
      await ignoredLmuData({ env: { LMUData: join(dir, "x") }, create: true }),
      undefined,
    );
    const home = await lmuDataRoot({ env: { HOME: dir }, create: true });
    assert.ok((await Deno.stat(home)).isDirectory);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lmuDataRoot() without $LMUData or a home says how to set one", async () => {
  for (const [create, existing] of [[false, " (an existing folder)"], [true, ""]] as const) {
    await assert.rejects(
      () => lmuDataRoot({ env: { LMUData: create ? "" : "/nonexistent/lmu" }, create }),
      (error: unknown) => {
        assert.ok(error instanceof DatasetNotFoundError);
        assert.equal(error.exitCode, 4);
        assert.equal(
          error.message,
          `Cannot find the data root as neither $LMUData${existing} nor $HOME is set: ` +
            `set LMUData to a folder`,
        );
        return true;
      },
    );
  }
});

Deno.test("dataRootTsvPath(): <root>/<name>.tsv, a video benchmark's beside its video/ folder", () => {
  assert.equal(dataRootTsvPath("/data", "MMStar"), "/data/MMStar.tsv");
  assert.equal(
    dataRootTsvPath("/data", "Video-MME", { video: true }),
    "/data/Video-MME/Video-MME.tsv",
  );
});
