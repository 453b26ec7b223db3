import assert from "node:assert/strict";
import { join } from "node:path";

import { addonBuildState, defaultAddonPath, defaultCrateDir } from "./addon_build_state.ts";

async function withCrate(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_addon_state_" });
  try {
    await Deno.mkdir(join(dir, "src", "nested"), { recursive: true });
    await Deno.writeTextFile(join(dir, "Cargo.toml"), "[package]\n");
    await Deno.writeTextFile(join(dir, "src", "lib.rs"), "mod nested;\n");
    await Deno.writeTextFile(join(dir, "src", "nested", "mod.rs"), "\n");
    await Deno.writeTextFile(join(dir, "addon.node"), "binary");
    const past = new Date(Date.now() - 60_000);
    for (const file of ["Cargo.toml", "src/lib.rs", "src/nested/mod.rs"]) {
      await Deno.utime(join(dir, file), past, past);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("addonBuildState() reports a missing build with the command that builds it", () => {
  const state = addonBuildState({ addonPath: "/nonexistent/cuda_addon.node" });
  assert.equal(state.state, "missing");
  assert.equal(
    state.message,
    "CUDA addon is not built: /nonexistent/cuda_addon.node does not exist; run `deno task build:native` (needs Rust's cargo)",
  );
});

Deno.test("addonBuildState() is fresh when the build is newer than every source", async () => {
  await withCrate((dir) => {
    const state = addonBuildState({ addonPath: join(dir, "addon.node"), crateDir: dir });
    assert.equal(state.state, "fresh");
    assert.equal(state.message, "");
  });
});

Deno.test("addonBuildState() names the newest source when it is newer than the build", async () => {
  await withCrate(async (dir) => {
    const source = join(dir, "src", "nested", "mod.rs");
    const future = new Date(Date.now() + 60_000);
    await Deno.utime(source, future, future);
    const addon = join(dir, "addon.node");
    const state = addonBuildState({ addonPath: addon, crateDir: dir });
    assert.equal(state.state, "stale");
    assert.equal(state.newestSource, source);
    assert.equal(
      state.message,
      `CUDA addon build is stale: ${source} is newer than ${addon}; run \`deno task build:native\``,
    );
  });
});

Deno.test("addonBuildState() skips the source comparison when crateDir is null", async () => {
  await withCrate(async (dir) => {
    const future = new Date(Date.now() + 60_000);
    await Deno.utime(join(dir, "Cargo.toml"), future, future);
    const addonPath = join(dir, "addon.node");
    assert.equal(addonBuildState({ addonPath, crateDir: dir }).state, "stale");
    assert.equal(addonBuildState({ addonPath, crateDir: null }).state, "fresh");
  });
});

Deno.test("addonBuildState() defaults to the in-tree crate and build", () => {
  assert.match(defaultCrateDir(), /crates\/cuda_addon$/);
  assert.equal(defaultAddonPath(), join(defaultCrateDir(), "cuda_addon.linux-x64-gnu.node"));
  assert.equal(addonBuildState().addonPath, defaultAddonPath());
});
