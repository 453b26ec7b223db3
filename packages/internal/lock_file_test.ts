import assert from "node:assert/strict";
import { acquireLock, isLockActive, takeOverStale, withLock } from "./lock_file.ts";

const quick = { staleMs: 60_000, maxWaitMs: 300, pollMs: 20 };

Deno.test("acquireLock() takes over at once a lock whose holder died on this host", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command("true").spawn();
    await child.status;
    await Deno.writeTextFile(`${dir}/v.lock`, `${child.pid}\n${Deno.hostname()}\n`);
    const lock = await acquireLock(`${dir}/v.lock`, quick);
    assert.equal(lock.held, true);
    await lock.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireLock() waits for a live holder and a holder on another host", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const content of [`${Deno.pid}\n${Deno.hostname()}\n`, `1\nanother-host\n`]) {
      await Deno.writeTextFile(`${dir}/v.lock`, content);
      const lock = await acquireLock(`${dir}/v.lock`, quick);
      assert.equal(lock.held, false, `a lock held as ${JSON.stringify(content)} is respected`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isLockActive() is true only for a fresh lock whose holder may be alive", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/x.lock`;
    assert.equal(await isLockActive(path, 60_000), false, "no lock file");

    const lock = await acquireLock(path, quick);
    assert.equal(await isLockActive(path, 60_000), true, "a lock this process holds");
    await lock.release();
    assert.equal(await isLockActive(path, 60_000), false, "a released lock");

    await Deno.writeTextFile(path, `1\nanother-host\n`);
    assert.equal(await isLockActive(path, 60_000), true, "a fresh lock from another host");
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(path, old, old);
    assert.equal(await isLockActive(path, 60_000), false, "a lock not refreshed for 2 minutes");
    assert.equal(await isLockActive(path, 300_000), true, "within a longer staleness");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireLock() ends the wait unheld when ready() says the work is done", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/v.lock`, `${Deno.pid}\n${Deno.hostname()}\n`);
    const lock = await acquireLock(`${dir}/v.lock`, {
      ...quick,
      maxWaitMs: 60_000,
      ready: () => Promise.resolve(true),
    });
    assert.deepEqual([lock.held, lock.ready], [false, true]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("withLock() refuses to run without the lock; release leaves another holder's file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/status.json.lock`;
    await Deno.writeTextFile(path, `${Deno.pid}\n${Deno.hostname()}\nother\n`);
    let ran = false;
    await assert.rejects(
      withLock(path, "update status.json", quick, () => Promise.resolve(ran = true)),
      /Cannot update status\.json as .*status\.json\.lock is held by another process/,
    );
    assert.equal(ran, false);
    await Deno.remove(path);

    const lock = await acquireLock(path, quick);
    await Deno.writeTextFile(path, "taken over by another holder\n");
    await lock.release();
    assert.equal(await Deno.readTextFile(path), "taken over by another holder\n");
    assert.equal(
      await withLock(path, "update", { ...quick, staleMs: 0 }, () => Promise.resolve(7)),
      7,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireLock() tells a waiter who holds the lock, once, and that it waited", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/Shared.tsv.lock`;
    const first = await acquireLock(path, quick);
    assert.equal(first.waited, false);
    const holders: string[] = [];
    const second = acquireLock(path, {
      ...quick,
      maxWaitMs: Infinity,
      onWait: (h) => holders.push(h),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await first.release();
    const lock = await second;
    assert.deepEqual([lock.held, lock.waited], [true, true]);
    assert.equal(holders.length, 1, "told once, not at every poll");
    assert.match(
      holders[0],
      new RegExp(`^pid ${Deno.pid} on ${Deno.hostname()} since \\d{4}-\\d\\d-\\d\\dT`),
    );
    await lock.release();

    // A lock written by an older holder (no start time) and one that is not a lock file.
    for (
      const [content, told] of [[`1\nanother-host\n`, "pid 1 on another-host"], [
        `{"pid":1}\n`,
        "another process",
      ]]
    ) {
      await Deno.writeTextFile(path, content);
      const seen: string[] = [];
      const unheld = await acquireLock(path, {
        ...quick,
        maxWaitMs: 50,
        onWait: (h) => seen.push(h),
      });
      assert.deepEqual([unheld.held, unheld.waited, seen], [false, true, [told]]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("acquireLock() takes over a stale lock without counting it as a wait", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/v.lock`;
    await Deno.writeTextFile(path, `1\nanother-host\nold\n2020-01-01T00:00:00.000Z\n`);
    const old = new Date(Date.now() - 120_000);
    await Deno.utime(path, old, old);
    const told: string[] = [];
    const lock = await acquireLock(path, { ...quick, onWait: (h) => told.push(h) });
    assert.deepEqual([lock.held, lock.waited, told], [true, false, []]);
    assert.match(await Deno.readTextFile(path), new RegExp(`^${Deno.pid}\\n`));
    await lock.release();
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no lock and nothing set aside is left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("takeOverStale() puts back a lock that another waiter took meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/v.lock`;
    await Deno.writeTextFile(path, "fresh holder\n");
    await takeOverStale(path, "the stale holder that was judged\n");
    assert.equal(await Deno.readTextFile(path), "fresh holder\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["v.lock"]);

    await takeOverStale(path, "fresh holder\n");
    assert.deepEqual([...Deno.readDirSync(dir)], [], "the lock judged stale is removed");
    await takeOverStale(path, "fresh holder\n"); // gone already: nothing to do
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
