/**
 * The wheel cache against a real pip and a real PEP 503 index served on loopback (no outside
 * host): a pinned wheel is fetched once and then read from the cache, a hash that differs from
 * the pin is refused before anything lands in the cache, a cached file that changed is caught,
 * and only the chosen members are extracted.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  extractWheel,
  fetchWheels,
  requirementsText,
  tfjsNodeCacheDir,
  verifyWheel,
} from "./_tfjs_node_fetch.ts";
import type { WheelPin } from "./_tfjs_node_pins.ts";
import { BuildStepError, MISSING_PREREQUISITE_EXIT } from "./_tfjs_node_step.ts";

const FILENAME = "vlmeval_probe-1.0.0-py3-none-any.whl";

const WHEEL_SCRIPT = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("vlmeval_probe/lib/libprobe.so.1", "not really ELF " * 100)
    z.writestr("vlmeval_probe/include/probe.h", "int probe(void);\\n")
    z.writestr("vlmeval_probe/__init__.py", "")
    z.writestr("vlmeval_probe-1.0.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: vlmeval-probe\\nVersion: 1.0.0\\n")
    z.writestr("vlmeval_probe-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr("vlmeval_probe-1.0.0.dist-info/RECORD", "")
`;

const NO_PIP = await new Deno.Command("python3", {
  args: ["-m", "pip", "--version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success ? "" : "python3 has no pip", () => "no python3 on PATH");

interface Index {
  url: string;
  downloads: () => number;
  close: () => Promise<void>;
}

/** A PEP 503 index with one project and one file, on loopback. */
function serveIndex(wheel: Uint8Array<ArrayBuffer>, listedSha256: string): Index {
  let downloads = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/simple/vlmeval-probe/") {
      return new Response(
        `<html><body><a href="/files/${FILENAME}#sha256=${listedSha256}">${FILENAME}</a></body></html>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    if (path === `/files/${FILENAME}`) {
      downloads++;
      return new Response(wheel);
    }
    return new Response("not found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/simple/`,
    downloads: () => downloads,
    close: () => server.shutdown(),
  };
}

async function makeWheel(dir: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; sha256: string }> {
  const path = join(dir, FILENAME);
  const out = await new Deno.Command("python3", { args: ["-c", WHEEL_SCRIPT, path] }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const bytes = await Deno.readFile(path);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function pin(sha256: string): WheelPin {
  return {
    project: "vlmeval-probe",
    version: "1.0.0",
    filename: FILENAME,
    sha256,
    size: 0,
    take: (m) => m.startsWith("vlmeval_probe/lib/") ? `lib/${m.split("/").at(-1)}` : undefined,
  };
}

Deno.test("tfjsNodeCacheDir() prefers VLMEVAL_CACHE_DIR, then XDG_CACHE_HOME, then HOME", () => {
  assert.equal(
    tfjsNodeCacheDir({ VLMEVAL_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" }),
    "/c/tfjs-node",
  );
  assert.equal(tfjsNodeCacheDir({ XDG_CACHE_HOME: "/x", HOME: "/h" }), "/x/vlmeval/tfjs-node");
  assert.equal(tfjsNodeCacheDir({ HOME: "/h" }), "/h/.cache/vlmeval/tfjs-node");
  assert.throws(() => tfjsNodeCacheDir({}), (err: BuildStepError) => {
    assert.equal(err.step, "wheels");
    assert.equal(err.exitCode, MISSING_PREREQUISITE_EXIT);
    assert.match(err.message, /^Cannot choose a cache folder as VLMEVAL_CACHE_DIR/);
    return true;
  });
});

Deno.test("requirementsText() pins each wheel by version and hash for pip's hash-checking mode", () => {
  assert.equal(
    requirementsText([pin("ab12")]),
    "vlmeval-probe==1.0.0 --hash=sha256:ab12\n",
  );
});

Deno.test({
  name: `fetchWheels() fetches a pinned wheel once with pip, then reads it from the cache${
    NO_PIP ? ` (skipped: ${NO_PIP})` : ""
  }`,
  ignore: NO_PIP !== "",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "vlmeval-wheels-" });
    const { bytes, sha256 } = await makeWheel(dir);
    const index = serveIndex(bytes, sha256);
    try {
      const cache = join(dir, "cache");
      const [path] = await fetchWheels([pin(sha256)], cache, { indexUrl: index.url, quiet: true });
      assert.equal(path, join(cache, "wheels", FILENAME));
      assert.deepEqual(await Deno.readFile(path), bytes);
      assert.equal(index.downloads(), 1);
      assert.deepEqual(
        [...Deno.readDirSync(join(cache, "wheels"))].map((e) => e.name),
        [FILENAME],
        "no staging folder is left behind",
      );

      await fetchWheels([pin(sha256)], cache, { indexUrl: index.url, quiet: true });
      assert.equal(index.downloads(), 1, "a cached wheel is not fetched again");

      const layout = join(dir, "layout");
      assert.deepEqual(await extractWheel(pin(sha256), path, layout), ["lib/libprobe.so.1"]);
      assert.equal((await Deno.stat(join(layout, "lib", "libprobe.so.1"))).mode! & 0o777, 0o755);
      await assert.rejects(
        extractWheel({ ...pin(sha256), take: () => undefined }, path, layout),
        /Cannot lay out vlmeval-probe 1\.0\.0 as .* holds none of the files it is used for/,
      );

      await Deno.writeFile(path, new TextEncoder().encode("changed on disk"));
      await assert.rejects(verifyWheel(pin(sha256), path), (err: BuildStepError) => {
        assert.equal(err.step, "wheels");
        assert.match(
          err.message,
          new RegExp(`^Cannot use .*${FILENAME} as its SHA-256 differs from PyPI's ${sha256}`),
        );
        return true;
      });
    } finally {
      await index.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: `fetchWheels() refuses a file whose hash differs from the pin and caches nothing${
    NO_PIP ? ` (skipped: ${NO_PIP})` : ""
  }`,
  ignore: NO_PIP !== "",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "vlmeval-wheels-" });
    const { bytes, sha256 } = await makeWheel(dir);
    const index = serveIndex(bytes, sha256);
    try {
      const cache = join(dir, "cache");
      const wrong = "0".repeat(64);
      await assert.rejects(
        fetchWheels([pin(wrong)], cache, { indexUrl: index.url, quiet: true }),
        (err: BuildStepError) => {
          assert.ok(err instanceof BuildStepError);
          assert.equal(err.step, "wheels");
          assert.equal(err.exitCode, 1);
          assert.match(
            err.message,
            /^Cannot fetch vlmeval-probe==1\.0\.0 from http:\/\/127\.0\.0\.1:\d+\/simple\/ as pip download failed \(a file's hash differs from the pin\)/,
          );
          return true;
        },
      );
      assert.deepEqual([...Deno.readDirSync(join(cache, "wheels"))], []);
    } finally {
      await index.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("fetchWheels() names pip's Python when it is not installed (exit 6)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-wheels-" });
  try {
    await assert.rejects(
      fetchWheels([pin("ab")], dir, { python: "/nonexistent/python3" }),
      (err: BuildStepError) => {
        assert.equal(err.exitCode, MISSING_PREREQUISITE_EXIT);
        assert.match(err.message, /^Cannot run \/nonexistent\/python3 as it is not on PATH/);
        assert.match(err.message, /install Python 3 with pip/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
