import assert from "node:assert/strict";
import {
  commitFile,
  removeDeadTempFiles,
  tempPathBeside,
  writeAtomically,
} from "./atomic_write.ts";

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

Deno.test("removeDeadTempFiles() removes what dead writers left and never a live writer's file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_atomic_" });
  try {
    // A writer of this host that was killed mid-write (its pid no longer exists).
    const child = new Deno.Command("true").spawn();
    await child.status;
    const mine = tempPathBeside(`${dir}/M_D.xlsx`);
    const dead = mine.replace(`.${Deno.pid}-`, `.${child.pid}-`);
    await Deno.writeTextFile(dead, "half a workbook");
    // This process writing now, a writer on another host, an old file of an earlier version.
    await Deno.writeTextFile(mine, "being written");
    const otherHost = `${dir}/.M_D.tsv.${Deno.pid}-00000000-abcdef.tmp`;
    await Deno.writeTextFile(otherHost, "being written elsewhere");
    const legacy = `${dir}/.M_D_acc.csv.1a2b3c4d.tmp`;
    await Deno.writeTextFile(legacy, "old");
    const old = new Date(Date.now() - 3_600_000);
    await Deno.utime(legacy, old, old);
    await Deno.writeTextFile(`${dir}/keep.tmp`, "not a temporary name of ours");
    const removed = await removeDeadTempFiles(dir);
    assert.deepEqual(removed.sort(), [dead.split("/").pop(), legacy.split("/").pop()].sort());
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(
      left,
      [otherHost, mine, `${dir}/keep.tmp`].map((p) => p.split("/").pop()).sort(),
    );
    // A file of another host is judged by its age: one idle longer than idleMs is dead.
    await Deno.utime(otherHost, old, old);
    assert.deepEqual(await removeDeadTempFiles(dir), [otherHost.split("/").pop()]);
    assert.deepEqual(await removeDeadTempFiles(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
