import assert from "node:assert/strict";
import { join } from "node:path";
import { catalogEntryFromConfig } from "./config_entry.ts";
import { ensureDataset } from "./ensure_dataset.ts";
import { localState } from "./local_state.ts";
import { MD5_CACHE_NAME } from "./fetch/_md5_cache.ts";
import { fileResponse, md5Hex, startServer, testBytes, withTempDir } from "./_test_server.ts";

const DATA = testBytes(40_000, 21);
const entry = catalogEntryFromConfig("MyBench", {
  class: "ImageMCQDataset",
  url: "https://benchmarks.example.org/data/MyBench_v2.tsv",
  md5: md5Hex(DATA),
});

Deno.test("ensureDataset() fetches through VLMEVAL_DATA_MIRROR into the data root, then finds it there", async () => {
  const server = startServer((req) => fileResponse(req, DATA));
  await withTempDir(async (dir) => {
    const root = join(dir, "LMUData");
    const env = { LMUData: root, VLMEVAL_DATA_MIRROR: server.origin };
    const first = await ensureDataset("MyBench", { entry, env, warn: () => {} });
    assert.equal(first.action, "downloaded");
    assert.equal(first.path, join(root, "MyBench.tsv"), "$LMUData is created and used");
    assert.deepEqual(await Deno.readFile(first.path), DATA);
    assert.deepEqual(server.requests.map((r) => r.path), ["/data/MyBench_v2.tsv"]);
    const cache = JSON.parse(await Deno.readTextFile(join(root, MD5_CACHE_NAME)));
    assert.equal(cache["MyBench.tsv"].md5, md5Hex(DATA));
    const again = await ensureDataset("MyBench", { entry, env, warn: () => {} });
    assert.equal(again.action, "present");
    assert.equal(server.requests.length, 1);
  });
  await server.close();
});

Deno.test("ensureDataset() fetches a present file with another MD5 again, with a warning", async () => {
  const server = startServer((req) => fileResponse(req, DATA));
  await withTempDir(async (dir) => {
    const path = join(dir, "MyBench.tsv");
    await Deno.writeTextFile(path, "index\tquestion\n0\told copy\n");
    const oldMd5 = md5Hex("index\tquestion\n0\told copy\n");
    const warnings: string[] = [];
    const env = { VLMEVAL_DATA_MIRROR: server.origin };
    const kept = await ensureDataset("MyBench", {
      entry,
      dataRoot: dir,
      env,
      keep: true,
      warn: (l) => void warnings.push(l),
    });
    assert.equal(kept.action, "kept");
    assert.equal(server.requests.length, 0);
    assert.match(warnings[0], new RegExp(`keeping .*MyBench\\.tsv although its MD5 is ${oldMd5}`));
    const done = await ensureDataset("MyBench", {
      entry,
      dataRoot: dir,
      env,
      warn: (l) => void warnings.push(l),
    });
    assert.equal(done.action, "downloaded");
    assert.match(
      warnings[1],
      new RegExp(
        `present but its MD5 is ${oldMd5}, not the catalog's ${md5Hex(DATA)}: fetching it again`,
      ),
    );
    assert.deepEqual(await Deno.readFile(path), DATA);
  });
  await server.close();
});

Deno.test("ensureDataset() renames a file found under VLMEvalKit's legacy name (#1055)", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeFile(join(dir, "MyBench_v2.tsv"), DATA);
    const done = await ensureDataset("MyBench", { entry, dataRoot: dir, env: {}, warn: () => {} });
    assert.equal(done.action, "renamed");
    assert.deepEqual(await Deno.readFile(join(dir, "MyBench.tsv")), DATA);
  });
});

Deno.test("localState() remembers MD5s by size and mtime, and hashes a changed file again", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "MyBench.tsv");
    assert.equal((await localState(entry, dir)).state, "absent");
    await Deno.writeFile(`${path}.part`, DATA.subarray(0, 123));
    assert.equal((await localState(entry, dir)).partialBytes, 123);
    await Deno.writeFile(path, DATA);
    const verified = await localState(entry, dir);
    assert.equal(verified.state, "verified");
    assert.equal(verified.size, DATA.length);
    // A cache record for this size and mtime is believed without reading the file...
    const cachePath = join(dir, MD5_CACHE_NAME);
    const cache = JSON.parse(await Deno.readTextFile(cachePath));
    cache["MyBench.tsv"].md5 = "f".repeat(32);
    await Deno.writeTextFile(cachePath, JSON.stringify(cache));
    assert.equal((await localState(entry, dir)).state, "md5_mismatch");
    // ...and a new mtime makes it read the file again.
    const later = new Date(Date.now() + 5000);
    await Deno.utime(path, later, later);
    assert.equal((await localState(entry, dir)).state, "verified");
  });
});
