import assert from "node:assert/strict";
import { acquireLock } from "@vlmeval/internal";
import { frameLockName, isFrameLockActive, isFrameLockName } from "./frame_lock.ts";

const quick = { staleMs: 60_000, maxWaitMs: 300, pollMs: 20 };

Deno.test("isFrameLockActive() is true only for a fresh lock whose holder may be alive", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/${frameLockName("8frame")}`;
    assert.equal(isFrameLockName(frameLockName("8frame")), true);
    assert.equal(isFrameLockName(".frames-8frame.json"), false);
    assert.equal(await isFrameLockActive(path), false, "no lock file");

    const lock = await acquireLock(path, quick);
    assert.equal(await isFrameLockActive(path), true, "a lock this process holds");
    await lock.release();
    assert.equal(await isFrameLockActive(path), false, "a released lock");

    await Deno.writeTextFile(path, `1\nanother-host\n`);
    assert.equal(await isFrameLockActive(path), true, "a fresh lock from another host");
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(path, old, old);
    assert.equal(await isFrameLockActive(path), false, "a lock not refreshed for 2 minutes");
    assert.equal(await isFrameLockActive(path, 300_000), true, "within a longer staleness");

    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(path, `${child.pid}\n${Deno.hostname()}\n`);
    assert.equal(await isFrameLockActive(path), false, "a holder on this host that died");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
