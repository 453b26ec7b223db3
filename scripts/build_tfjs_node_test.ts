/**
 * `scripts/build_tfjs_node.ts` as a process: the build `deno task test` made (setup.ts
 * --for-tests) links what it says and a second run finds it up to date; a failing step is named,
 * with exit 1 for a failure and 6 for a missing prerequisite. The failure runs use a cache folder
 * in a temporary directory and a PEP 503 index on loopback, so they touch neither the real
 * cache nor PyPI.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXPECTED_NEEDED, packagePaths, parseNeeded, readStamp } from "./_tfjs_node_binding.ts";
import { readLayout } from "./_tfjs_node_layout.ts";
import { CPU_WHEELS } from "./_tfjs_node_pins.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SCRIPT = join(ROOT, "scripts", "build_tfjs_node.ts");
const PKG = packagePaths(ROOT, "tfjs-node");
const NOT_BUILT = existsSync(PKG.stamp)
  ? ""
  : `${PKG.stamp} is missing: run \`deno task build:tfjs-node\` (\`deno task test\` runs it through scripts/setup.ts --for-tests)`;

async function build(args: string[], env: Record<string, string>, clearEnv = false) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("the tfjs-node build links the wheel's TensorFlow and a second run finds it up to date", async () => {
  assert.equal(NOT_BUILT, "", NOT_BUILT);
  const stamp = readStamp(PKG)!;
  const readelf = await new Deno.Command("readelf", { args: ["-d", PKG.binding] }).output();
  const dynamic = new TextDecoder().decode(readelf.stdout);
  const needed = parseNeeded(dynamic);
  for (const lib of EXPECTED_NEEDED) assert.ok(needed.includes(lib), `${lib} in ${needed}`);
  assert.deepEqual(stamp.needed, needed);
  assert.match(dynamic, /RUNPATH.*\[\$ORIGIN\/\.\.\/\.\.\/deps\/lib\]/);
  assert.equal(Deno.readLinkSync(join(PKG.dir, "deps")), stamp.layoutDir);
  const layout = readLayout(stamp.layoutDir);
  assert.ok(layout, `${stamp.layoutDir} has no layout.json`);
  assert.deepEqual(layout.wheels, [{
    filename: CPU_WHEELS[0].filename,
    sha256: CPU_WHEELS[0].sha256,
  }]);
  assert.ok(layout.pythonSymbols.data > 0 && layout.pythonSymbols.functions > 0);

  const again = await build([], {});
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    /tfjs_binding\.node is up to date \(TensorFlow 2\.9\.1, CPU through TensorFlow; checked in/,
  );
  assert.equal((await build(["--quiet"], {})).stderr, "");
});

Deno.test("build_tfjs_node.ts names the wheels step when the fetched file's hash differs from the pin", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-tfjs-build-" });
  const wheel = CPU_WHEELS[0].filename;
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests++;
    const path = new URL(req.url).pathname;
    if (path === "/simple/tensorflow-cpu/") {
      return new Response(`<a href="/files/${wheel}">${wheel}</a>`, {
        headers: { "content-type": "text/html" },
      });
    }
    if (path === `/files/${wheel}`) return new Response("not TensorFlow");
    return new Response("not found", { status: 404 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/simple/`;
    const out = await build(["--quiet", "--index-url", url], { VLMEVAL_CACHE_DIR: dir });
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /^build_tfjs_node: step 2\/7 "wheels" failed: Cannot fetch tensorflow-cpu==2\.9\.1 from http:\/\/127\.0\.0\.1:\d+\/simple\/ as pip download failed \(a file's hash differs from the pin\)/,
    );
    assert.ok(requests >= 2, "pip asked the loopback index");
    assert.deepEqual([...Deno.readDirSync(join(dir, "tfjs-node", "wheels"))], []);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("build_tfjs_node.ts exits 6 naming what is missing: pip's Python, a cache folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-tfjs-build-" });
  try {
    const noPython = await build(["--quiet"], { VLMEVAL_CACHE_DIR: dir, PATH: "/nonexistent" });
    assert.equal(noPython.code, 6, noPython.stderr);
    assert.match(
      noPython.stderr,
      /step 2\/7 "wheels" is missing a prerequisite: Cannot run python3 as it is not on PATH: current value is [^;]*\/nonexistent; install Python 3 with pip/,
    );

    const denoDir = Deno.env.get("DENO_DIR") ??
      join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME")!, ".cache"), "deno");
    const noCache = await build(["--quiet"], { DENO_DIR: denoDir, PATH: "/usr/bin:/bin" }, true);
    assert.equal(noCache.code, 6, noCache.stderr);
    assert.match(
      noCache.stderr,
      /step 2\/7 "wheels" is missing a prerequisite: Cannot choose a cache folder as VLMEVAL_CACHE_DIR, XDG_CACHE_HOME and HOME are all unset/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
