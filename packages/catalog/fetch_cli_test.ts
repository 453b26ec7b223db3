/**
 * End to end: `vlmeval fetch` and `vlmeval datasets` as processes, against loopback servers,
 * with LMUData in a temporary folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_MAIN, runCli as cliProcess } from "@vlmeval/cli/testing";
import {
  evalTaskCommand,
  fileResponse,
  md5Hex,
  startHubServer,
  startServer,
  testBytes,
  withTempDir,
} from "./_test_server.ts";

/** `vlmeval ARGS` as a process, with the permissions of `deno task eval`. */
const runCli = (args: string[], env: Record<string, string>) =>
  cliProcess(args, { env, command: evalTaskCommand(CLI_MAIN) });

const testdata = (name: string) => new URL(`./testdata/${name}`, import.meta.url).pathname;
const NO_PROXY = {
  NO_PROXY: "",
  no_proxy: "",
  HTTP_PROXY: "",
  http_proxy: "",
  HTTPS_PROXY: "",
  https_proxy: "",
};

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("vlmeval fetch: an MD5 mismatch through VLMEVAL_DATA_MIRROR exits 4 and leaves nothing", async () => {
  const junk = testBytes(5000, 31);
  const server = startServer((req) => fileResponse(req, junk));
  await withTempDir(async (dir) => {
    const root = join(dir, "LMUData");
    const run = await runCli(["fetch", "MMStar"], {
      ...NO_PROXY,
      LMUData: root,
      VLMEVAL_DATA_MIRROR: server.origin,
    });
    assert.equal(run.code, 4, run.stderr);
    assert.deepEqual(server.requests.map((r) => r.path), ["/utils/VLMEval/MMStar.tsv"]);
    assert.match(
      run.stderr,
      new RegExp(
        `MMStar\\.tsv: its MD5 is ${
          md5Hex(junk)
        }, the catalog expects e1ecd2140806c1b1bbf54b43372efb9e`,
      ),
    );
    assert.equal(await exists(join(root, "MMStar.tsv")), false);
    assert.equal(await exists(join(root, "MMStar.tsv.part")), false);
    assert.match(run.stderr, /0 of 1 fetched; failed: MMStar/);
  });
  await server.close();
});

Deno.test("vlmeval fetch: 404 exits 6, an unknown name exits 2 before any request", async () => {
  const server = startServer(() => new Response("gone", { status: 404 }));
  await withTempDir(async (dir) => {
    const env = { ...NO_PROXY, LMUData: dir, VLMEVAL_DATA_MIRROR: server.origin };
    const missing = await runCli(["fetch", "--retries", "0", "POPE"], env);
    assert.equal(missing.code, 6, missing.stderr);
    assert.match(missing.stderr, /\/utils\/VLMEval\/POPE\.tsv answered HTTP 404/);
    const before = server.requests.length;
    const unknown = await runCli(["fetch", "POPE", "NoSuchBench"], env);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /Cannot fetch "NoSuchBench" as the catalog has no such benchmark.*nothing was fetched/,
    );
    assert.equal(server.requests.length, before);
  });
  await server.close();
});

Deno.test("vlmeval fetch: two processes fetching one benchmark at once download each file once", async () => {
  const tsv = new TextEncoder().encode(
    "index\tvideo\tquestion\tanswer\n0\tvideo_a\tWhat?\tA cat\n",
  );
  const pkl = await Deno.readFile(testdata("mmbench_video_p5.pkl"));
  let held = false;
  const hub = startHubServer("opencompass/MMBench-Video", {
    "MMBench-Video.tsv": tsv,
    "video_pkl/0.pkl": pkl,
  }, {
    // The first file is held 3 s: the other process starts meanwhile and finds the lock taken.
    holdFor: () => held ? undefined : (held = true, new Promise((r) => setTimeout(r, 3000))),
  });
  await withTempDir(async (dir) => {
    const env = { ...NO_PROXY, LMUData: dir, VLMEVAL_DATA_MIRROR: hub.origin };
    const [a, b] = await Promise.all([
      runCli(["fetch", "MMBench_Video_8frame_pack"], env),
      runCli(["fetch", "MMBench-Video"], env),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const gets = hub.requests.filter((r) => r.path.includes("/resolve/"));
    assert.deepEqual(gets.map((r) => r.path).sort(), [
      "/datasets/opencompass/MMBench-Video/resolve/main/MMBench-Video.tsv",
      "/datasets/opencompass/MMBench-Video/resolve/main/video_pkl/0.pkl",
    ]);
    assert.ok(await exists(join(dir, "MMBench-Video", "video", "video_b.mp4")));
    const outputs = a.stdout + b.stdout;
    assert.match(outputs, /MMBench-Video: downloaded and verified/);
    assert.match(outputs, /MMBench-Video: fetched by another process, verified/);
    assert.match(a.stderr + b.stderr, /MMBench-Video: waiting for pid \d+ on \S+ since/);
  });
  await hub.close();
});

Deno.test("downloadFile() in two processes at once: one downloads, the other waits and verifies", async () => {
  const data = testBytes(400_000, 41);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const server = startServer(async (req) => {
    await gate; // hold the first download until both processes are running
    return fileResponse(req, data);
  });
  const module = new URL("./fetch/download_file.ts", import.meta.url).href;
  await withTempDir(async (dir) => {
    const dest = join(dir, "Shared.tsv");
    const code = `import { downloadFile } from "${module}";
      const r = await downloadFile({ url: "${server.origin}/Shared.tsv", dest: ${
      JSON.stringify(dest)
    },
        checksum: { algorithm: "md5", hex: "${md5Hex(data)}" }, lockPollMs: 50 });
      console.log(JSON.stringify(r));`;
    const spawn = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", code],
        stdout: "piped",
        stderr: "piped",
        env: NO_PROXY,
      }).spawn();
    const first = spawn();
    const second = spawn();
    // Both are up once the first request arrived and the lock file exists.
    while (server.requests.length === 0 || !(await exists(`${dest}.lock`))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    release();
    const results = await Promise.all([first.output(), second.output()]);
    const parsed = results.map((o) => {
      assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
      return JSON.parse(new TextDecoder().decode(o.stdout));
    });
    assert.equal(server.requests.length, 1, "one download");
    assert.deepEqual(parsed.map((r) => r.downloaded).sort(), [false, true]);
    assert.deepEqual(await Deno.readFile(dest), data);
  });
  await server.close();
});

Deno.test("vlmeval datasets --json: at least 40 benchmarks with their local state", async () => {
  const tsv = new TextEncoder().encode(
    "index\tvideo\tquestion\tanswer\n0\tvideo_a\tWhat?\tA cat\n",
  );
  const pkl = await Deno.readFile(testdata("mmbench_video_p4.pkl"));
  const hub = startHubServer("opencompass/MMBench-Video", {
    "MMBench-Video.tsv": tsv,
    "video_pkl/0.pkl": pkl,
  });
  await withTempDir(async (dir) => {
    const env = { ...NO_PROXY, LMUData: dir, VLMEVAL_DATA_MIRROR: hub.origin };
    assert.equal((await runCli(["fetch", "--quiet", "MMBench-Video"], env)).code, 0);
    await Deno.writeTextFile(join(dir, "MMStar.tsv"), "index\tquestion\n0\tnot the real one\n");
    await Deno.writeFile(join(dir, "POPE.tsv.part"), new Uint8Array(2048));
    const run = await runCli(["datasets", "--json"], env);
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.ok(rows.length >= 40);
    const by = new Map(rows.map((r) => [r.name, r]));
    assert.equal(by.get("MMBench_DEV_EN")?.md5, "b6caf1133a01c6bb705cf753bb527ed8");
    assert.equal(by.get("MMBench_DEV_EN")?.local, "absent");
    assert.equal(by.get("MMStar")?.local, "md5_mismatch");
    assert.equal(by.get("POPE")?.partial_bytes, 2048);
    assert.equal(by.get("MMBench-Video")?.local, "verified");
    assert.equal(by.get("MMStar")?.source_url, `${hub.origin}/utils/VLMEval/MMStar.tsv`);
    for (const r of rows) {
      for (const key of ["name", "kind", "url", "md5", "local"]) assert.ok(key in r);
    }
    const table = await runCli(["datasets", "--kind", "video"], env);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /MMBench-Video\s+video\s+mmbench_video\s+\S+ B\s+verified/);
    assert.match(table.stdout, /Video-MME\s+video\s+video_mcq\s+absent/);
  });
  await hub.close();
});

Deno.test("vlmeval fetch goes through HTTP_PROXY (Deno's fetch honours the proxy variables)", async () => {
  const tsv = new TextEncoder().encode(
    "index\tvideo\tquestion\tanswer\n0\tvideo_a\tWhat?\tA cat\n",
  );
  const pkl = await Deno.readFile(testdata("mmbench_video_p3.pkl"));
  const hub = startHubServer("opencompass/MMBench-Video", {
    "MMBench-Video.tsv": tsv,
    "video_pkl/0.pkl": pkl,
  });
  const proxied: string[] = [];
  const proxy = startServer(async (req) => {
    proxied.push(req.url);
    const upstream = await fetch(req.url, { headers: req.headers });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  });
  await withTempDir(async (dir) => {
    const run = await runCli(["fetch", "MMBench-Video"], {
      ...NO_PROXY,
      HTTP_PROXY: proxy.origin,
      LMUData: dir,
      VLMEVAL_DATA_MIRROR: hub.origin,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      proxied.some((u) =>
        u === `${hub.origin}/datasets/opencompass/MMBench-Video/resolve/main/video_pkl/0.pkl`
      ),
      proxied.join("\n"),
    );
    assert.ok(
      proxied.some((u) =>
        u.startsWith(`${hub.origin}/api/datasets/opencompass/MMBench-Video/tree/main`)
      ),
    );
  });
  await proxy.close();
  await hub.close();
});
