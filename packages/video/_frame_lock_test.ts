import assert from "node:assert/strict";
import { acquireFrameLock } from "./_frame_lock.ts";

const quick = { staleMs: 60_000, maxWaitMs: 300, pollMs: 20 };
const never = () => Promise.resolve(false);

Deno.test("acquireFrameLock() takes over at once a lock whose holder died on this host", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(`${dir}/v.lock`, `${child.pid}\n${Deno.hostname()}\n`);
    const lock = await acquireFrameLock(`${dir}/v.lock`, never, quick);
    assert.equal(lock.held, true);
    await lock.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireFrameLock() waits for a live holder and a holder on another host", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const content of [`${Deno.pid}\n${Deno.hostname()}\n`, `1\nanother-host\n`]) {
      await Deno.writeTextFile(`${dir}/v.lock`, content);
      const lock = await acquireFrameLock(`${dir}/v.lock`, never, quick);
      assert.equal(lock.held, false, `a lock held as ${JSON.stringify(content)} is respected`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
