import assert from "node:assert/strict";
import { join } from "node:path";
import { openVideoDataset } from "@vlmeval/datasets";
import { type CatalogEntry, getBenchmark } from "../catalog.ts";
import { ensureDataset } from "../ensure_dataset.ts";
import { DatasetLayoutError } from "../errors.ts";
import { localState, readVideoFetchRecord } from "../local_state.ts";
import { makeZip, md5Hex, startHubServer, testBytes, withTempDir } from "../_test_server.ts";

const testdata = (name: string) => new URL(`../testdata/${name}`, import.meta.url).pathname;
const text = (s: string) => new TextEncoder().encode(s);
const quiet = { warn: () => {}, backoffMs: 10, retries: 1 };

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("ensureDataset() fetches Video-MME: zips flattened into video/ and subtitle/, TSV written as VLMEvalKit writes it", async () => {
  const clipA = testBytes(5000, 11);
  const clipB = testBytes(3000, 12);
  const files = {
    "videos_chunked_01.zip": await makeZip({ "data/fFjv93ACGo8.mp4": clipA }),
    "videos_chunked_02.zip": await makeZip({ "6Z4fuFIp4pA.mp4": clipB }),
    "subtitle.zip": await makeZip({
      "subtitle/fFjv93ACGo8.srt": text("1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
    }),
    "videomme/test-00000-of-00001.parquet": await Deno.readFile(testdata("videomme_tiny.parquet")),
    "README.md": text("# not fetched\n"),
  };
  const server = startHubServer("lmms-lab/Video-MME", files);
  await withTempDir(async (dir) => {
    const warnings: string[] = [];
    const done = await ensureDataset("Video-MME", {
      dataRoot: dir,
      env: { HF_ENDPOINT: server.origin },
      ...quiet,
      warn: (l) => void warnings.push(l),
    });
    const folder = join(dir, "Video-MME");
    assert.equal(done.path, join(folder, "Video-MME.tsv"));
    assert.equal(done.action, "downloaded");
    const expected = await Deno.readTextFile(testdata("videomme_tiny.expected.tsv"));
    assert.equal(await Deno.readTextFile(done.path), expected, "byte for byte pandas' TSV");
    assert.deepEqual(await Deno.readFile(join(folder, "video", "fFjv93ACGo8.mp4")), clipA);
    assert.deepEqual(await Deno.readFile(join(folder, "video", "6Z4fuFIp4pA.mp4")), clipB);
    assert.ok(await exists(join(folder, "subtitle", "fFjv93ACGo8.srt")));
    assert.equal(await exists(join(folder, "videos_chunked_01.zip")), false, "archives removed");
    assert.equal(await exists(join(folder, "README.md")), false, "only the catalog's files");
    assert.ok(server.requests.some((r) => r.path === "/api/datasets/lmms-lab/Video-MME/tree/main"));
    const record = await readVideoFetchRecord(folder);
    assert.equal(record?.tsv_md5, md5Hex(expected));
    assert.equal(record?.files.length, 4);
    assert.ok(warnings.some((w) => /VLMEvalKit's is 85bdd91f/.test(w)), warnings.join("\n"));
    assert.equal((await localState(getBenchmark("Video-MME"), dir)).state, "verified");

    // The layout is the one @vlmeval/datasets reads: the TSV beside video/.
    const ds = await openVideoDataset(done.path, { nframe: 4 });
    assert.equal(ds.shape, "lettered-mcq");
    assert.equal(await ds.videoPath(ds.units()[2]), join(folder, "video", "6Z4fuFIp4pA.mp4"));

    // A second call finds it complete and asks nothing.
    const before = server.requests.length;
    assert.equal(
      (await ensureDataset("Video-MME", { dataRoot: dir, env: {}, ...quiet })).action,
      "present",
    );
    assert.equal(server.requests.length, before);
  });
  await server.close();
});

function mvbenchEntry(): CatalogEntry {
  const entry = getBenchmark("MVBench");
  const source = entry.video!;
  if (source.tsv.from !== "mvbench_json") throw new Error("MVBench's TSV comes from its JSON");
  source.tsv.tasks = source.tsv.tasks.filter((t) =>
    t.task_type === "Action Sequence" || t.task_type === "Action Antonym"
  );
  assert.equal(source.tsv.tasks.length, 2);
  return entry;
}

Deno.test("ensureDataset() fetches MVBench: zips extracted with folders, data0613 moved up, TSV from its JSON", async () => {
  const json = (name: string) => Deno.readFile(testdata(`mvbench_tiny/json/${name}`));
  const files = {
    "json/action_sequence.json": await json("action_sequence.json"),
    "json/action_antonym.json": await json("action_antonym.json"),
    "video/star.zip": await makeZip({
      "star/Charades_v1_480/3MSZA.mp4": testBytes(100, 1),
      "data0613/star/Charades_v1_480/0KZ4B.mp4": testBytes(100, 2),
    }),
    "video/ssv2_video.zip": await makeZip({ "ssv2_video/166583.webm": testBytes(100, 3) }),
  };
  const server = startHubServer("OpenGVLab/MVBench", files);
  await withTempDir(async (dir) => {
    const done = await ensureDataset("MVBench", {
      entry: mvbenchEntry(),
      dataRoot: dir,
      env: { HF_ENDPOINT: server.origin, HF_TOKEN: "hf_test_token" },
      ...quiet,
    });
    const folder = join(dir, "MVBench");
    const expected = await Deno.readTextFile(testdata("mvbench_tiny.expected.tsv"));
    assert.equal(await Deno.readTextFile(done.path), expected, "byte for byte pandas' TSV");
    for (
      const video of [
        "star/Charades_v1_480/3MSZA.mp4",
        "star/Charades_v1_480/0KZ4B.mp4",
        "ssv2_video/166583.webm",
      ]
    ) {
      assert.ok(await exists(join(folder, "video", video)), video);
    }
    // The gated repository gets the token; every request went to the Hub's endpoint.
    assert.ok(server.requests.every((r) => r.authorization === "Bearer hf_test_token"));
    const ds = await openVideoDataset(done.path, { nframe: 4 });
    assert.equal(ds.shape, "text-mcq");
    assert.equal(
      await ds.videoPath(ds.units()[1]),
      join(folder, "video", "star", "Charades_v1_480", "0KZ4B.mp4"),
    );
  });
  await server.close();
});

Deno.test("ensureDataset() fetches MMBench-Video through VLMEVAL_DATA_MIRROR: TSV from the repo, videos from its pickles", async () => {
  const tsv = text(
    "index\tvideo\tquestion\tanswer\n0\tvideo_a\tWhat is shown?\tA cat\n1\tvideo_b\tWhy?\tBecause\n",
  );
  const files = {
    "MMBench-Video.tsv": tsv,
    "video_pkl/part_0.pkl": await Deno.readFile(testdata("mmbench_video_p4.pkl")),
  };
  const server = startHubServer("opencompass/MMBench-Video", files);
  await withTempDir(async (dir) => {
    const done = await ensureDataset("MMBench_Video", {
      dataRoot: dir,
      env: { VLMEVAL_DATA_MIRROR: server.origin, HF_TOKEN: "secret" },
      ...quiet,
    });
    const folder = join(dir, "MMBench-Video");
    assert.equal(done.path, join(folder, "MMBench-Video.tsv"));
    assert.deepEqual(await Deno.readFile(done.path), tsv);
    assert.deepEqual(
      await Deno.readFile(join(folder, "video", "video_a.mp4")),
      text("\x00\x00\x00\x18ftypmp42 fake video a".repeat(3)),
    );
    assert.equal((await Deno.stat(join(folder, "video", "video_b.mp4"))).size, 512);
    assert.ok(server.requests.every((r) => r.authorization === null), "no token for a mirror");
    const ds = await openVideoDataset(done.path, { nframe: 4 });
    assert.equal(ds.shape, "open");
    assert.equal(await ds.videoPath(ds.units()[0]), join(folder, "video", "video_a.mp4"));
  });
  await server.close();
});

Deno.test("ensureDataset() refuses an archive member that would leave the video folder", async () => {
  const files = {
    "videos_chunked_01.zip": await makeZip({ "../../escaped.mp4": testBytes(10) }),
    "subtitle.zip": await makeZip({}),
    "videomme/test-00000-of-00001.parquet": await Deno.readFile(testdata("videomme_tiny.parquet")),
  };
  const server = startHubServer("lmms-lab/Video-MME", files);
  await withTempDir(async (dir) => {
    const error = await ensureDataset("Video-MME", {
      dataRoot: dir,
      env: { HF_ENDPOINT: server.origin },
      ...quiet,
    }).catch((e) => e);
    assert.ok(error instanceof DatasetLayoutError, String(error));
    // zip.js refuses the name while reading the directory; our own check stands behind it.
    assert.match(
      error.message,
      /videos_chunked_01\.zip.*(Unsafe filename|would be written outside)/,
    );
    assert.equal(await exists(join(dir, "escaped.mp4")), false);
    assert.equal(await readVideoFetchRecord(join(dir, "Video-MME")), undefined);
    assert.equal((await localState(getBenchmark("Video-MME"), dir)).state, "absent");
    // A TSV put there by hand, without a completed fetch, is not vouched for.
    await Deno.writeTextFile(join(dir, "Video-MME", "Video-MME.tsv"), "index\tvideo\n");
    assert.equal((await localState(getBenchmark("Video-MME"), dir)).state, "unverified");
  });
  await server.close();
});

Deno.test("ensureDataset() rejects a repository file whose SHA-256 is not the listing's", async () => {
  const parquet = await Deno.readFile(testdata("videomme_tiny.parquet"));
  const files = {
    "videos_chunked_01.zip": await makeZip({ "a.mp4": testBytes(10) }),
    "subtitle.zip": await makeZip({}),
    "videomme/test-00000-of-00001.parquet": parquet,
  };
  const server = startHubServer("lmms-lab/Video-MME", files, {
    bodyFor: (path) => path.endsWith(".parquet") ? parquet.map((b) => b ^ 1) : undefined,
  });
  await withTempDir(async (dir) => {
    const error = await ensureDataset("Video-MME", {
      dataRoot: dir,
      env: { HF_ENDPOINT: server.origin },
      ...quiet,
    }).catch((e) => e);
    assert.equal(error?.name, "ChecksumMismatchError", String(error));
    assert.match(error.message, /SHA256/);
    assert.equal(
      await exists(join(dir, "Video-MME", "videomme", "test-00000-of-00001.parquet")),
      false,
    );
  });
  await server.close();
});
