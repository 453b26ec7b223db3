import assert from "node:assert/strict";
import { join } from "node:path";
import { downloadFile } from "./download_file.ts";
import { createDownloadProgress } from "./download_progress.ts";
import { ChecksumMismatchError, DatasetDownloadError } from "../errors.ts";
import { fileResponse, md5Hex, startServer, testBytes, withTempDir } from "../_test_server.ts";

const FAST = { backoffMs: 10, connectTimeoutMs: 5_000, stallTimeoutMs: 5_000 };

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function collect() {
  const lines: string[] = [];
  return {
    lines,
    progress: createDownloadProgress({ tty: false, write: (t) => void lines.push(t) }),
  };
}

Deno.test("downloadFile() streams a file, checks its MD5 and renames it into place", async () => {
  const data = testBytes(300_000);
  const server = startServer((req) => fileResponse(req, data));
  await withTempDir(async (dir) => {
    const dest = join(dir, "sub", "A.tsv");
    const { lines, progress } = collect();
    const result = await downloadFile({
      url: `${server.origin}/files/A.tsv`,
      dest,
      checksum: { algorithm: "md5", hex: md5Hex(data) },
      progress,
      ...FAST,
    });
    assert.deepEqual(await Deno.readFile(dest), data);
    assert.equal(result.bytes, data.length);
    assert.equal(result.downloaded, true);
    assert.equal(await exists(`${dest}.part`), false);
    assert.equal(await exists(`${dest}.lock`), false);
    assert.match(lines[0], /A\.tsv: downloading 293\.0 KiB/);
    assert.match(lines.at(-1)!, /A\.tsv: 293\.0 KiB in [\d.]+ s/);
  });
  await server.close();
});

Deno.test("downloadFile() resumes a download cut mid-way with a Range request (206)", async () => {
  const data = testBytes(200_000, 2);
  let calls = 0;
  const server = startServer((req) =>
    fileResponse(req, data, {
      ...(calls++ === 0 ? { cutAfter: 70_000 } : {}),
      headers: { etag: '"v1"' },
    })
  );
  await withTempDir(async (dir) => {
    const dest = join(dir, "B.tsv");
    const { lines, progress } = collect();
    const result = await downloadFile({
      url: `${server.origin}/B.tsv`,
      dest,
      checksum: { algorithm: "md5", hex: md5Hex(data) },
      progress,
      ...FAST,
    });
    assert.deepEqual(await Deno.readFile(dest), data);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].range, null);
    const resumedAt = Number(server.requests[1].range!.match(/^bytes=(\d+)-$/)![1]);
    assert.ok(resumedAt > 0 && resumedAt <= 70_000, `resumed at ${resumedAt}`);
    assert.equal(result.attempts, 2);
    assert.ok(lines.some((l) => /connection broke at byte/.test(l)), lines.join(""));
    assert.ok(lines.some((l) => /resuming at/.test(l)), lines.join(""));
  });
  await server.close();
});

Deno.test("downloadFile() restarts cleanly when the server answers a Range with 200", async () => {
  const data = testBytes(120_000, 3);
  let calls = 0;
  const server = startServer((req) =>
    calls++ === 0
      ? fileResponse(req, data, { cutAfter: 40_000 })
      : fileResponse(req, data, { ignoreRange: true })
  );
  await withTempDir(async (dir) => {
    const dest = join(dir, "C.tsv");
    const { lines, progress } = collect();
    await downloadFile({
      url: `${server.origin}/C.tsv`,
      dest,
      checksum: { algorithm: "md5", hex: md5Hex(data) },
      progress,
      ...FAST,
    });
    assert.deepEqual(await Deno.readFile(dest), data);
    assert.ok(server.requests[1].range, "the second request asks for a range");
    assert.ok(lines.some((l) => /sent the whole file again; restarting/.test(l)));
  });
  await server.close();
});

Deno.test("downloadFile() resumes a part left by an earlier process", async () => {
  const data = testBytes(50_000, 4);
  const server = startServer((req) => fileResponse(req, data));
  await withTempDir(async (dir) => {
    const dest = join(dir, "D.tsv");
    const checksum = { algorithm: "md5" as const, hex: md5Hex(data) };
    await Deno.writeFile(`${dest}.part`, data.subarray(0, 20_000));
    await Deno.writeTextFile(`${dest}.part.json`, JSON.stringify({ key: `md5:${checksum.hex}` }));
    const result = await downloadFile({ url: `${server.origin}/D.tsv`, dest, checksum, ...FAST });
    assert.deepEqual(await Deno.readFile(dest), data);
    assert.equal(result.resumedBytes, 20_000);
    assert.equal(server.requests[0].range, "bytes=20000-");
  });
  await server.close();
});

Deno.test("downloadFile() leaves nothing under the final name on an MD5 mismatch", async () => {
  const data = testBytes(10_000, 5);
  const server = startServer((req) => fileResponse(req, data));
  await withTempDir(async (dir) => {
    const dest = join(dir, "E.tsv");
    const expected = "0".repeat(32);
    const error = await downloadFile({
      url: `${server.origin}/E.tsv`,
      dest,
      checksum: { algorithm: "md5", hex: expected },
      ...FAST,
    }).catch((e) => e);
    assert.ok(error instanceof ChecksumMismatchError);
    assert.equal(error.expected, expected);
    assert.equal(error.actual, md5Hex(data));
    assert.match(error.message, /E\.tsv/);
    assert.match(error.message, new RegExp(`${md5Hex(data)}.*expects ${expected}`));
    assert.equal(await exists(dest), false);
    assert.equal(await exists(`${dest}.part`), false);
    assert.equal(server.requests.length, 1, "a fresh download that mismatches is not retried");
  });
  await server.close();
});

Deno.test("downloadFile() fails at once on 404, naming the URL and status", async () => {
  const server = startServer(() => new Response("no", { status: 404 }));
  await withTempDir(async (dir) => {
    const error = await downloadFile({
      url: `${server.origin}/missing.tsv`,
      dest: join(dir, "m.tsv"),
      ...FAST,
    })
      .catch((e) => e);
    assert.ok(error instanceof DatasetDownloadError);
    assert.equal(error.status, 404);
    assert.match(error.message, /missing\.tsv answered HTTP 404/);
    assert.equal(server.requests.length, 1);
  });
  await server.close();
});

Deno.test("downloadFile() retries a 500 with back-off, then fails after the last attempt", async () => {
  const server = startServer(() => new Response("busy", { status: 500 }));
  await withTempDir(async (dir) => {
    const { lines, progress } = collect();
    const error = await downloadFile({
      url: `${server.origin}/busy.tsv`,
      dest: join(dir, "busy.tsv"),
      retries: 2,
      progress,
      ...FAST,
    }).catch((e) => e);
    assert.ok(error instanceof DatasetDownloadError);
    assert.equal(error.status, 500);
    assert.match(error.message, /HTTP 500.*\(3 attempts\)/);
    assert.equal(server.requests.length, 3);
    assert.equal(lines.filter((l) => /attempt \d of 3 in/.test(l)).length, 2);
  });
  await server.close();
});

Deno.test("downloadFile() gives up on a stalled server after the stall timeout", async () => {
  const data = testBytes(100_000, 6);
  const server = startServer((req) => fileResponse(req, data, { stallAfter: 10_000 }));
  await withTempDir(async (dir) => {
    const dest = join(dir, "slow.tsv");
    const started = Date.now();
    const error = await downloadFile({
      url: `${server.origin}/slow.tsv`,
      dest,
      retries: 1,
      backoffMs: 10,
      stallTimeoutMs: 300,
    }).catch((e) => e);
    assert.ok(error instanceof DatasetDownloadError, String(error));
    // The retry resumes what arrived, gets 10000 more bytes and stalls again.
    assert.match(error.message, /no data for 0\.3 s \(stalled at byte 20000\) \(2 attempts\)/);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].range, "bytes=10000-");
    assert.equal((await Deno.stat(`${dest}.part`)).size, 20_000, "the part is kept for later");
    assert.ok(Date.now() - started < 20_000);
  });
  await server.close();
});

Deno.test("downloadFile() times out a server that never answers", async () => {
  const hold: (() => void)[] = [];
  const server = startServer(() =>
    new Promise<Response>((resolve) => hold.push(() => resolve(new Response("late"))))
  );
  await withTempDir(async (dir) => {
    const error = await downloadFile({
      url: `${server.origin}/never.tsv`,
      dest: join(dir, "never.tsv"),
      retries: 0,
      connectTimeoutMs: 300,
    }).catch((e) => e);
    assert.ok(error instanceof DatasetDownloadError);
    assert.match(error.message, /no response within 0\.3 s/);
  });
  hold.forEach((release) => release());
  await server.close();
});
