import assert from "node:assert/strict";
import { join } from "node:path";

import { defaultAddonPath } from "./addon_build_state.ts";
import { innermostMessage, loadAddon } from "./addon_loader.ts";
import { BINDING_FUNCTIONS, EXPECTED_API_VERSION } from "./binding.ts";
import { runScenario } from "./fault_injection.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_addon_loader_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadAddon() loads the in-tree build and checks every function and the API version", () => {
  const addon = loadAddon();
  assert.equal(addon.state, "loaded", addon.message);
  assert.equal(addon.loaded, true);
  assert.equal(addon.path, defaultAddonPath());
  const binding = addon.binding!;
  for (const name of BINDING_FUNCTIONS) assert.equal(typeof binding[name], "function", name);
  assert.equal(binding.addonInfo().apiVersion, EXPECTED_API_VERSION);
  assert.equal(addon.version, binding.addonInfo().version);
});

Deno.test("loadAddon() returns the same binding when the same file is loaded again", () => {
  assert.equal(loadAddon().binding, loadAddon().binding);
});

Deno.test("loadAddon() reports a missing build with the command that builds it", () => {
  const addon = loadAddon({ addonPath: "/nonexistent/cuda_addon.linux-x64-gnu.node" });
  assert.equal(addon.state, "not-built");
  assert.equal(addon.loaded, false);
  assert.equal(addon.binding, undefined);
  assert.match(addon.message, /\/nonexistent\/cuda_addon\.linux-x64-gnu\.node does not exist/);
  assert.match(addon.message, /run `deno task build:native`/);
});

Deno.test("loadAddon() refuses a build older than its crate's sources", async () => {
  await withTempDir(async (dir) => {
    const addonPath = join(dir, "cuda_addon.linux-x64-gnu.node");
    await Deno.copyFile(defaultAddonPath(), addonPath);
    const past = new Date(Date.now() - 60_000);
    await Deno.utime(addonPath, past, past);
    await Deno.mkdir(join(dir, "src"));
    await Deno.writeTextFile(join(dir, "src", "device.rs"), "// edited after the build\n");
    const addon = loadAddon({ addonPath, crateDir: dir });
    assert.equal(addon.state, "stale");
    assert.equal(addon.binding, undefined);
    assert.match(addon.message, /src\/device\.rs is newer than .*; run `deno task build:native`/);
  });
});

Deno.test("loadAddon() reports the dynamic loader's real reason for a file that is no library", async () => {
  await withTempDir(async (dir) => {
    const addonPath = join(dir, "broken.node");
    await Deno.writeTextFile(addonPath, "this is not an ELF file\n");
    const addon = loadAddon({ addonPath });
    assert.equal(addon.state, "load-failed");
    assert.ok(addon.cause, "a cause is reported");
    assert.match(addon.message, new RegExp(`Cannot load the CUDA addon from ${addonPath}`));
    assert.ok(addon.message.includes(addon.cause!), addon.message);
    assert.match(addon.message, /rebuild it with `deno task build:native`/);
  });
});

Deno.test("addonStatus() without --allow-ffi says the FFI permission is missing", async () => {
  const [status, cuda] = await runScenario(["addonStatus", "status"], {
    permissions: ["--allow-read", "--allow-env"],
  });
  assert.equal(status.result?.state, "permission-denied");
  assert.match(String(status.result?.message), /lacks FFI permission .* run with --allow-ffi/);
  assert.equal(cuda.result?.available, false);
  assert.equal(cuda.result?.kind, "addon-unavailable");
  assert.equal(cuda.result?.reason, status.result?.message);
});

Deno.test("addonStatus() without --allow-read says the read permission is missing", async () => {
  const [status] = await runScenario(["addonStatus"], { permissions: [] });
  assert.equal(status.result?.state, "permission-denied");
  assert.match(String(status.result?.message), /lacks read permission .* run with --allow-read/);
});

Deno.test("addonStatus() loads the file named by VLMEVAL_NATIVE_ADDON", async () => {
  const [missing] = await runScenario(["addonStatus"], {
    env: { VLMEVAL_NATIVE_ADDON: "/nonexistent/other.node" },
  });
  assert.equal(missing.result?.state, "not-built");
  assert.equal(missing.result?.path, "/nonexistent/other.node");
  await withTempDir(async (dir) => {
    const copy = join(dir, "copy.node");
    await Deno.copyFile(defaultAddonPath(), copy);
    const [loaded] = await runScenario(["addonStatus"], { env: { VLMEVAL_NATIVE_ADDON: copy } });
    assert.equal(loaded.result?.state, "loaded");
    assert.equal(loaded.result?.path, copy);
  });
});

Deno.test("innermostMessage() returns the deepest cause's message", () => {
  const error = new Error("Cannot find native binding", {
    cause: new Error("load failed", {
      cause: new Error("Requires ffi access to x.node, run again with the --allow-ffi flag"),
    }),
  });
  assert.equal(
    innermostMessage(error),
    "Requires ffi access to x.node, run again with the --allow-ffi flag",
  );
  assert.equal(innermostMessage("plain text"), "plain text");
});
