import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  checkLayout,
  extractMembers,
  layOutProviders,
  MANIFEST,
  OrtCudaSetupError,
  PROVIDER_MEMBERS,
  type WheelPin,
} from "./_ort_cuda.ts";

/** A wheel (a zip, made with Python's zipfile) holding fake provider libraries and a RECORD. */
async function makeWheel(dir: string, tamper = false): Promise<{ path: string; pin: WheelPin }> {
  const file = "onnxruntime_gpu-1.30.0-cp311-cp311-manylinux_2_28_x86_64.whl";
  const path = join(dir, "wheels", file);
  await Deno.mkdir(join(dir, "wheels"), { recursive: true });
  const py = `
import base64, hashlib, sys, zipfile
path, tamper = sys.argv[1], sys.argv[2] == "1"
members = {n: (n * 40).encode() for n in sys.argv[3:]}
rec = []
for n, d in members.items():
    h = base64.urlsafe_b64encode(hashlib.sha256(d + (b"x" if tamper else b"")).digest()).rstrip(b"=").decode()
    rec.append(f"{n},sha256={h},{len(d)}")
with zipfile.ZipFile(path, "w") as z:
    for n, d in members.items():
        z.writestr(n, d)
    z.writestr("onnxruntime_gpu-1.30.0.dist-info/RECORD", "\\n".join(rec) + "\\n")
`;
  const out = await new Deno.Command("python3", {
    args: ["-c", py, path, tamper ? "1" : "0", ...PROVIDER_MEMBERS],
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const sha256 = createHash("sha256").update(await Deno.readFile(path)).digest("hex");
  return { path, pin: { project: "onnxruntime-gpu", version: "1.30.0", file, sha256 } };
}

Deno.test("providers are taken from the pinned wheel, checked, laid out once, and verified", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-ort-cuda-" });
  try {
    const { pin } = await makeWheel(dir);
    const target = join(dir, "bin");
    await Deno.mkdir(target);
    const first = await layOutProviders({ cacheDir: dir, target, pin });
    assert.deepEqual(first.copied.sort(), [
      "libonnxruntime_providers_cuda.so",
      "libonnxruntime_providers_shared.so",
    ]);
    assert.equal(
      await Deno.readTextFile(join(target, "libonnxruntime_providers_cuda.so")),
      PROVIDER_MEMBERS[1].repeat(40),
    );
    assert.deepEqual(await checkLayout(target), []);
    // Cached and in place: nothing to do.
    assert.deepEqual((await layOutProviders({ cacheDir: dir, target, pin })).copied, []);
    // A damaged file is found by --check and replaced by the next set-up.
    await Deno.writeTextFile(join(target, "libonnxruntime_providers_cuda.so"), "damaged");
    assert.match((await checkLayout(target))[0], /providers_cuda\.so differs from the manifest/);
    assert.deepEqual((await layOutProviders({ cacheDir: dir, target, pin })).copied, [
      "libonnxruntime_providers_cuda.so",
    ]);
    assert.deepEqual(await checkLayout(target), []);
    assert.match((await checkLayout(dir))[0], new RegExp(`has no ${MANIFEST}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a wheel whose hash is not the pin, or whose member differs from RECORD, is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-ort-cuda-" });
  try {
    const { path, pin } = await makeWheel(dir, true);
    await assert.rejects(
      extractMembers(path, PROVIDER_MEMBERS, join(dir, "out")),
      (e: Error) =>
        e instanceof OrtCudaSetupError && /does not match the wheel's RECORD/.test(e.message),
    );
    await Deno.mkdir(join(dir, "bin"));
    await assert.rejects(
      layOutProviders({
        cacheDir: dir,
        target: join(dir, "bin"),
        pin: { ...pin, sha256: "0".repeat(64) },
      }),
      /SHA-256 differs from the pinned/,
    );
    await assert.rejects(
      layOutProviders({ cacheDir: dir, target: join(dir, "absent"), pin }),
      (e: Error) => e instanceof OrtCudaSetupError && e.exitCode === 6,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
