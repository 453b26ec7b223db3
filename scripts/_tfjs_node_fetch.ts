/**
 * The wheel cache of `scripts/build_tfjs_node.ts`: where it lives, fetching pinned wheels from
 * PyPI with pip in hash-checking mode, checking a cached file's SHA-256 again before use, and
 * taking chosen members out of a wheel with Python's zipfile (pip's Python is there anyway).
 *
 * @module
 */
import { join } from "node:path";
import { sha256File, vlmevalCacheBase } from "./_cache_files.ts";
import { PIP_TARGET, type WheelPin } from "./_tfjs_node_pins.ts";
import { BuildStepError, MISSING_PREREQUISITE_EXIT, runTool, tail } from "./_tfjs_node_step.ts";

/**
 * The cache folder of the tfjs-node builds: `$VLMEVAL_CACHE_DIR/tfjs-node`, else
 * `$XDG_CACHE_HOME/vlmeval/tfjs-node`, else `$HOME/.cache/vlmeval/tfjs-node`.
 *
 * @throws {BuildStepError} when none of the three variables is set.
 */
export function tfjsNodeCacheDir(env: Record<string, string | undefined>): string {
  const base = vlmevalCacheBase(env);
  if (!base) {
    throw new BuildStepError(
      "wheels",
      "Cannot choose a cache folder as VLMEVAL_CACHE_DIR, XDG_CACHE_HOME and HOME are all unset: current value is (none)",
      MISSING_PREREQUISITE_EXIT,
    );
  }
  return join(base, "tfjs-node");
}

/** Throws unless `path` has the pinned SHA-256. */
export async function verifyWheel(pin: WheelPin, path: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== pin.sha256) {
    throw new BuildStepError(
      "wheels",
      `Cannot use ${path} as its SHA-256 differs from PyPI's ${pin.sha256} pinned for ${pin.project} ${pin.version}: current value is ${actual}`,
    );
  }
}

/** How to fetch. */
export interface FetchOptions {
  /** A PEP 503 index instead of PyPI (tests serve one on loopback). */
  indexUrl?: string;
  /** Keep pip's output unless it fails. */
  quiet?: boolean;
  /** The Python that runs pip (default `python3`). */
  python?: string;
}

/** The pip requirements text pinning `pins` by hash. */
export function requirementsText(pins: readonly WheelPin[]): string {
  return pins.map((p) => `${p.project}==${p.version} --hash=sha256:${p.sha256}\n`).join("");
}

/**
 * Makes sure every wheel of `pins` is in `<cacheDir>/wheels/`: the missing ones are fetched with
 * one `pip download --require-hashes` into a private folder, their names and hashes checked, then
 * moved in (atomically, so a concurrent build never sees half a file). Returns the wheel paths.
 *
 * @throws {BuildStepError} naming the wheel and the reason: pip missing (exit 6), pip failed,
 * a file pip did not fetch, or a hash that differs from the pin.
 */
export async function fetchWheels(
  pins: readonly WheelPin[],
  cacheDir: string,
  opts: FetchOptions = {},
): Promise<string[]> {
  const dir = join(cacheDir, "wheels");
  await Deno.mkdir(dir, { recursive: true });
  const paths = pins.map((p) => join(dir, p.filename));
  const missing = pins.filter((_, i) => !isFile(paths[i]));
  if (missing.length === 0) return paths;
  const python = opts.python ?? "python3";
  const pipHelp =
    "install Python 3 with pip (Debian: apt-get install python3-pip), which fetches the wheels from PyPI";
  const version = await runTool("wheels", python, ["-m", "pip", "--version"], pipHelp);
  if (version.code !== 0) {
    throw new BuildStepError(
      "wheels",
      `Cannot fetch the TensorFlow wheels as pip is not available: current value is \`${python} -m pip --version\` exiting ${version.code}${
        tail(version, 3)
      }; ${pipHelp}`,
      MISSING_PREREQUISITE_EXIT,
    );
  }
  const staging = await Deno.makeTempDir({ dir, prefix: ".download-" });
  try {
    const requirements = join(staging, "requirements.txt");
    await Deno.writeTextFile(requirements, requirementsText(missing));
    const args = [
      "-m",
      "pip",
      "download",
      "--no-deps",
      "--no-cache-dir",
      "--disable-pip-version-check",
      "--only-binary=:all:",
      "--implementation",
      "cp",
      "--python-version",
      PIP_TARGET.pythonVersion,
      "--platform",
      PIP_TARGET.platform,
      "--require-hashes",
      "-r",
      requirements,
      "-d",
      join(staging, "files"),
      ...(opts.indexUrl ? ["--index-url", opts.indexUrl] : []),
    ];
    const out = await runTool("wheels", python, args, pipHelp, { inherit: !opts.quiet });
    if (out.code !== 0) {
      const names = missing.map((p) => `${p.project}==${p.version}`).join(" ");
      const hashes = /DO NOT MATCH THE HASHES/.test(out.stdout + out.stderr)
        ? " (a file's hash differs from the pin)"
        : "";
      throw new BuildStepError(
        "wheels",
        `Cannot fetch ${names} from ${
          opts.indexUrl ?? "PyPI"
        } as pip download failed${hashes}: current value is exit code ${out.code}${tail(out)}`,
      );
    }
    for (const pin of missing) {
      const fetched = join(staging, "files", pin.filename);
      if (!isFile(fetched)) {
        const got = [...Deno.readDirSync(join(staging, "files"))].map((e) => e.name).join(", ");
        throw new BuildStepError(
          "wheels",
          `Cannot find the pinned file ${pin.filename} among what pip fetched: current value is ${
            got || "(nothing)"
          }`,
        );
      }
      await verifyWheel(pin, fetched);
      await Deno.rename(fetched, join(dir, pin.filename));
    }
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
  return paths;
}

const ZIP_SCRIPT = `
import json, os, shutil, sys, zipfile
spec = json.load(sys.stdin)
with zipfile.ZipFile(spec["wheel"]) as z:
    if spec["members"] is None:
        print(json.dumps(z.namelist()))
        sys.exit(0)
    for member, rel in spec["members"].items():
        target = os.path.join(spec["dest"], rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
        os.chmod(target, 0o755 if ".so" in rel else 0o644)
`;

/**
 * Copies the members `pin.take` selects from `wheel` into `dest` (paths as `take` maps them).
 * Returns the layout paths written.
 *
 * @throws {BuildStepError} when the wheel cannot be read or holds none of the wanted files.
 */
export async function extractWheel(
  pin: WheelPin,
  wheel: string,
  dest: string,
  python = "python3",
): Promise<string[]> {
  const help = "install Python 3";
  const listed = await runTool("layout", python, ["-c", ZIP_SCRIPT], help, {
    stdin: JSON.stringify({ wheel, members: null }),
  });
  if (listed.code !== 0) {
    throw new BuildStepError(
      "layout",
      `Cannot read ${wheel} as a zip archive: current value is exit code ${listed.code}${
        tail(listed)
      }`,
    );
  }
  const members: Record<string, string> = {};
  for (const member of JSON.parse(listed.stdout) as string[]) {
    const target = pin.take(member);
    if (target !== undefined) members[member] = target;
  }
  if (Object.keys(members).length === 0) {
    throw new BuildStepError(
      "layout",
      `Cannot lay out ${pin.project} ${pin.version} as ${wheel} holds none of the files it is used for: current value is 0 matching members`,
    );
  }
  const out = await runTool("layout", python, ["-c", ZIP_SCRIPT], help, {
    stdin: JSON.stringify({ wheel, members, dest }),
  });
  if (out.code !== 0) {
    throw new BuildStepError(
      "layout",
      `Cannot extract ${pin.project} ${pin.version} from ${wheel}: current value is exit code ${out.code}${
        tail(out)
      }`,
    );
  }
  return Object.values(members);
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
