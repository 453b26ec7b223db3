/**
 * The steps of `scripts/setup_ort_cuda.ts`: the pinned wheel, its cache, checked extraction of
 * the provider libraries (Python's zipfile, against the wheel's RECORD) and their lay-out.
 *
 * @module
 */
import { join } from "node:path";
import { sha256File, vlmevalCacheBase } from "./_cache_files.ts";

/** A wheel pinned by PyPI's SHA-256. */
export interface WheelPin {
  /** PyPI project. */
  project: string;
  /** Version. */
  version: string;
  /** The wheel's file name (any CPython tag: the provider libraries are the same). */
  file: string;
  /** PyPI's SHA-256 of the file. */
  sha256: string;
}

/** onnxruntime-gpu 1.30.0, the same version as onnxruntime-node 1.30.0's core library. */
export const ORT_GPU_PIN: WheelPin = {
  project: "onnxruntime-gpu",
  version: "1.30.0",
  file: "onnxruntime_gpu-1.30.0-cp311-cp311-manylinux_2_28_x86_64.whl",
  sha256: "4fbf0c5d7b5fb99266c2e8a802e3e64af68bdc383e0f3c7349b985f1087eedaa",
};

/** The libraries ONNX Runtime loads for the CUDA execution provider, as the wheel holds them. */
export const PROVIDER_MEMBERS = [
  "onnxruntime/capi/libonnxruntime_providers_shared.so",
  "onnxruntime/capi/libonnxruntime_providers_cuda.so",
];

/** The manifest written beside the laid-out libraries: file name to SHA-256. */
export const MANIFEST = "ort_cuda_manifest.json";

/** A failed step, with the exit code the script ends with. */
export class OrtCudaSetupError extends Error {
  /** Always `"OrtCudaSetupError"`. */
  override name = "OrtCudaSetupError";
  /** 1 a check failed; 6 a missing prerequisite. */
  exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** `$VLMEVAL_CACHE_DIR/ort-cuda`, else `$XDG_CACHE_HOME/vlmeval/ort-cuda`, else `~/.cache/...`. */
export function ortCudaCacheDir(env: Record<string, string | undefined>): string {
  const base = vlmevalCacheBase(env);
  if (!base) {
    throw new OrtCudaSetupError(
      "Cannot choose a cache folder as VLMEVAL_CACHE_DIR, XDG_CACHE_HOME and HOME are all unset",
      6,
    );
  }
  return join(base, "ort-cuda");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function run(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; out: string; err: string }> {
  let output;
  try {
    output = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new OrtCudaSetupError(`Cannot run ${cmd} as it is not installed`, 6);
    }
    throw err;
  }
  const d = new TextDecoder();
  return { ok: output.success, out: d.decode(output.stdout), err: d.decode(output.stderr) };
}

/**
 * The pinned wheel in `<cacheDir>/wheels/`, fetched with `pip download --require-hashes` when
 * missing, and its SHA-256 checked either way.
 *
 * @throws {OrtCudaSetupError} pip missing or failing (6), or a hash that differs (1).
 */
export async function fetchWheel(
  cacheDir: string,
  pin: WheelPin = ORT_GPU_PIN,
  indexUrl?: string,
): Promise<string> {
  const wheels = join(cacheDir, "wheels");
  const path = join(wheels, pin.file);
  if (!(await exists(path))) {
    await Deno.mkdir(wheels, { recursive: true });
    const tmp = await Deno.makeTempDir({ dir: wheels, prefix: ".pip-" });
    try {
      const reqs = join(tmp, "requirements.txt");
      await Deno.writeTextFile(
        reqs,
        `${pin.project}==${pin.version} --hash=sha256:${pin.sha256}\n`,
      );
      const res = await run("python3", [
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--require-hashes",
        "--only-binary=:all:",
        "--python-version",
        "3.11",
        "--platform",
        "manylinux_2_28_x86_64",
        "-d",
        tmp,
        "-r",
        reqs,
        ...(indexUrl ? ["--index-url", indexUrl] : []),
      ]);
      if (!res.ok) {
        throw new OrtCudaSetupError(
          `Cannot fetch ${pin.project} ${pin.version} with pip: ${
            res.err.trim().split("\n").at(-1)
          }`,
          6,
        );
      }
      await Deno.rename(join(tmp, pin.file), path);
    } finally {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  }
  const actual = await sha256File(path);
  if (actual !== pin.sha256) {
    throw new OrtCudaSetupError(
      `Cannot use ${path} as its SHA-256 differs from the pinned ${pin.sha256}: current value is ${actual}`,
    );
  }
  return path;
}

const EXTRACT_PY = `
import base64, hashlib, json, os, sys, zipfile
wheel, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
z = zipfile.ZipFile(wheel)
record = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")]
if not record:
    print(json.dumps({"error": "the wheel has no RECORD"})); sys.exit(0)
hashes = {}
for line in z.read(record[0]).decode().splitlines():
    parts = line.rsplit(",", 2)
    if len(parts) == 3 and parts[1].startswith("sha256="):
        hashes[parts[0]] = parts[1][len("sha256="):]
out = {}
for name in names:
    if name not in z.namelist():
        print(json.dumps({"error": f"the wheel has no {name}"})); sys.exit(0)
    data = z.read(name)
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    if hashes.get(name) != digest:
        print(json.dumps({"error": f"{name} does not match the wheel's RECORD ({hashes.get(name)} != {digest})"}))
        sys.exit(0)
    target = os.path.join(dest, os.path.basename(name))
    with open(target + ".partial", "wb") as f:
        f.write(data)
    os.replace(target + ".partial", target)
    out[os.path.basename(name)] = hashlib.sha256(data).hexdigest()
print(json.dumps({"files": out}))
`;

/**
 * Takes `members` out of `wheel` into `dest`, each checked against the wheel's RECORD; returns
 * file name to SHA-256 (hex).
 *
 * @throws {OrtCudaSetupError} a member missing or differing from RECORD (1); no python3 (6).
 */
export async function extractMembers(
  wheel: string,
  members: readonly string[],
  dest: string,
): Promise<Record<string, string>> {
  await Deno.mkdir(dest, { recursive: true });
  const res = await run("python3", ["-c", EXTRACT_PY, wheel, dest, ...members]);
  if (!res.ok) throw new OrtCudaSetupError(`Cannot read ${wheel}: ${res.err.trim()}`);
  const parsed = JSON.parse(res.out);
  if (parsed.error) throw new OrtCudaSetupError(`Cannot use ${wheel} as ${parsed.error}`);
  return parsed.files;
}

/** What {@link layOutProviders} did. */
export interface LayOutResult {
  /** The wheel used. */
  wheel: string;
  /** Files copied into the target (empty when all were in place). */
  copied: string[];
}

/**
 * Fetches (or reuses) the wheel, extracts the provider libraries into the cache once, and copies
 * into `target` those whose SHA-256 differs there; writes the manifest beside them.
 */
export async function layOutProviders(opts: {
  cacheDir: string;
  target: string;
  indexUrl?: string;
  pin?: WheelPin;
}): Promise<LayOutResult> {
  const pin = opts.pin ?? ORT_GPU_PIN;
  if (!(await exists(opts.target))) {
    throw new OrtCudaSetupError(
      `Cannot lay out into ${opts.target} as it does not exist (run deno task setup first, or give --out)`,
      6,
    );
  }
  const wheel = await fetchWheel(opts.cacheDir, pin, opts.indexUrl);
  const libDir = join(opts.cacheDir, pin.version, "lib");
  const manifestPath = join(libDir, MANIFEST);
  let manifest: Record<string, string>;
  if (await exists(manifestPath)) {
    manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  } else {
    manifest = await extractMembers(wheel, PROVIDER_MEMBERS, libDir);
    await Deno.writeTextFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  }
  const copied: string[] = [];
  for (const [name, sha] of Object.entries(manifest)) {
    const src = join(libDir, name);
    if ((await sha256File(src)) !== sha) {
      throw new OrtCudaSetupError(
        `Cannot use the cached ${src} as it changed since extraction; delete ${libDir}`,
      );
    }
    const dst = join(opts.target, name);
    if ((await exists(dst)) && (await sha256File(dst)) === sha) continue;
    await Deno.copyFile(src, `${dst}.partial`);
    await Deno.rename(`${dst}.partial`, dst);
    copied.push(name);
  }
  await Deno.writeTextFile(join(opts.target, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  return { wheel, copied };
}

/** Problems with a lay-out: a missing manifest or file, or a file whose SHA-256 differs. */
export async function checkLayout(target: string): Promise<string[]> {
  const manifestPath = join(target, MANIFEST);
  if (!(await exists(manifestPath))) {
    return [`${target} has no ${MANIFEST}: run deno task setup:ort-cuda`];
  }
  const manifest: Record<string, string> = JSON.parse(await Deno.readTextFile(manifestPath));
  const problems: string[] = [];
  for (const [name, sha] of Object.entries(manifest)) {
    const path = join(target, name);
    if (!(await exists(path))) problems.push(`${path} is missing`);
    else if ((await sha256File(path)) !== sha) problems.push(`${path} differs from the manifest`);
  }
  return problems;
}

/** Libraries `ldd` cannot resolve for `library` (empty when ldd is missing or all resolve). */
export async function unresolvedLibraries(library: string): Promise<string[]> {
  if (!(await exists(library))) return [];
  try {
    const res = await run("ldd", [library]);
    return res.out.split("\n").filter((l) => l.includes("not found")).map((l) =>
      l.trim().split(/\s/)[0]
    );
  } catch {
    return [];
  }
}
