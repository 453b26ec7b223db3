import assert from "node:assert/strict";
import { join } from "node:path";
import {
  isNodedir,
  NAPI_BUILD_VERSION,
  nodedirCandidates,
  packagePaths,
  parseNeeded,
} from "./_tfjs_node_binding.ts";

Deno.test("nodedirCandidates() tries npm's settings, the node prefix, then /usr and /usr/local", () => {
  assert.deepEqual(
    nodedirCandidates({ npm_config_nodedir: "/opt/node" }, "undefined", "/usr/bin/node"),
    ["/opt/node", "/usr", "/usr/local"],
  );
  assert.deepEqual(
    nodedirCandidates({}, "/srv/headers", "/home/u/.nvm/versions/node/v20.1.0/bin/node"),
    ["/srv/headers", "/home/u/.nvm/versions/node/v20.1.0", "/usr", "/usr/local"],
  );
});

Deno.test("isNodedir() wants node_api.h and common.gypi under include/node", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-nodedir-" });
  try {
    await Deno.mkdir(join(dir, "include", "node"), { recursive: true });
    await Deno.writeTextFile(join(dir, "include", "node", "node_api.h"), "");
    assert.equal(isNodedir(dir), false, "common.gypi is missing");
    await Deno.writeTextFile(join(dir, "include", "node", "common.gypi"), "{}");
    assert.equal(isNodedir(dir), true);
    assert.equal(isNodedir(join(dir, "nothing")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseNeeded() reads DT_NEEDED entries from readelf -d", () => {
  const sample =
    ` 0x0000000000000001 (NEEDED)             Shared library: [_pywrap_tensorflow_internal.so]
 0x0000000000000001 (NEEDED)             Shared library: [libtfjs_python_stub.so]
 0x000000000000001d (RUNPATH)            Library runpath: [$ORIGIN/../../deps/lib]
 0x0000000000000001 (NEEDED)             Shared library: [libc.so.6]`;
  assert.deepEqual(parseNeeded(sample), [
    "_pywrap_tensorflow_internal.so",
    "libtfjs_python_stub.so",
    "libc.so.6",
  ]);
});

Deno.test("packagePaths() puts the binding where node-pre-gyp looks for it", () => {
  const pkg = packagePaths("/repo-that-does-not-exist", "tfjs-node-gpu");
  assert.equal(pkg.dir, "/repo-that-does-not-exist/node_modules/@tensorflow/tfjs-node-gpu");
  assert.equal(pkg.binding, `${pkg.dir}/lib/napi-v${NAPI_BUILD_VERSION}/tfjs_binding.node`);
  assert.equal(pkg.stamp, `${pkg.dir}/lib/napi-v${NAPI_BUILD_VERSION}/vlmeval_build.json`);
});
