import assert from "node:assert/strict";
import { join } from "node:path";
import { lmuDataRoot } from "./data_root.ts";
import { resolveDatasetPath } from "./resolve_dataset_path.ts";
import { DatasetNotFoundError } from "./errors.ts";

Deno.test("resolveDatasetPath() finds NAME.tsv under the data root and accepts paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_lmudata_" });
  try {
    await Deno.writeTextFile(join(dir, "Shapes.tsv"), "index\tquestion\timage\n");
    assert.equal(await resolveDatasetPath("Shapes", { dataRoot: dir }), join(dir, "Shapes.tsv"));
    assert.equal(await resolveDatasetPath(join(dir, "Shapes.tsv")), join(dir, "Shapes.tsv"));
    assert.equal(await lmuDataRoot({ dataRoot: dir }), dir);
    // A fetched video benchmark: the TSV beside its video/ folder.
    await Deno.mkdir(join(dir, "Video-MME", "video"), { recursive: true });
    await Deno.writeTextFile(join(dir, "Video-MME", "Video-MME.tsv"), "index\tvideo\n");
    assert.equal(
      await resolveDatasetPath("Video-MME", { dataRoot: dir }),
      join(dir, "Video-MME", "Video-MME.tsv"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveDatasetPath() without a data root falls back to <home>/LMUData", async () => {
  const home = await Deno.makeTempDir({ prefix: "vlmeval_home_" });
  const saved = Deno.env.get("LMUData");
  try {
    Deno.env.set("LMUData", join(home, "does-not-exist"));
    await Deno.mkdir(join(home, "LMUData"));
    await Deno.writeTextFile(join(home, "LMUData", "Mine.tsv"), "index\n");
    assert.equal(await resolveDatasetPath("Mine", { home }), join(home, "LMUData", "Mine.tsv"));
    await assert.rejects(() => resolveDatasetPath("Other", { home }), (error: unknown) => {
      assert.ok(error instanceof DatasetNotFoundError);
      assert.deepEqual(error.searched, [
        join(home, "LMUData", "Other.tsv"),
        join(home, "LMUData", "Other", "Other.tsv"),
      ]);
      assert.match(error.message, /looked at .*Other\.tsv/);
      assert.match(error.message, /\$LMUData=".*does-not-exist" was ignored/);
      return true;
    });
  } finally {
    if (saved === undefined) Deno.env.delete("LMUData");
    else Deno.env.set("LMUData", saved);
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("resolveDatasetPath() reports a missing path and an empty name", async () => {
  await assert.rejects(
    () => resolveDatasetPath("/nonexistent/dir/X.tsv"),
    { name: "DatasetNotFoundError", message: /looked at \/nonexistent\/dir\/X\.tsv: no such file/ },
  );
  await assert.rejects(() => resolveDatasetPath("  "), DatasetNotFoundError);
});
