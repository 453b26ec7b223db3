import assert from "node:assert/strict";
import { commitFile, writeAtomically } from "./atomic_write.ts";

Deno.test("writeAtomically() publishes the file whole and leaves nothing behind on failure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_atomic_" });
  try {
    const path = `${dir}/out.txt`;
    await Deno.writeTextFile(path, "old");
    await assert.rejects(
      writeAtomically(path, async (temp) => {
        await Deno.writeTextFile(temp, "half");
        throw new Error("killed mid-write");
      }),
      /killed mid-write/,
    );
    assert.equal(await Deno.readTextFile(path), "old");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.txt"]);
    assert.equal(await writeAtomically(path, (temp) => Deno.writeTextFile(temp, "new")), undefined);
    assert.equal(await Deno.readTextFile(path), "new");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("commitFile() replaces the target with the finished temporary file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_atomic_" });
  try {
    await Deno.writeTextFile(`${dir}/.frame.tmp`, "frame");
    await Deno.writeTextFile(`${dir}/frame.jpg`, "stale");
    await commitFile(`${dir}/.frame.tmp`, `${dir}/frame.jpg`);
    assert.equal(await Deno.readTextFile(`${dir}/frame.jpg`), "frame");
    await assert.rejects(Deno.stat(`${dir}/.frame.tmp`), Deno.errors.NotFound);

    await Deno.writeTextFile(`${dir}/A.tsv.part`, "downloaded");
    await commitFile(`${dir}/A.tsv.part`, `${dir}/A.tsv`, { syncFolder: true });
    assert.equal(await Deno.readTextFile(`${dir}/A.tsv`), "downloaded");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["A.tsv", "frame.jpg"]);
    await assert.rejects(
      commitFile(`${dir}/missing.part`, `${dir}/B.tsv`, { syncFolder: true }),
      Deno.errors.NotFound,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
