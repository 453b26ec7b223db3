/**
 * The libtensorflow folder that tfjs-node's binding links against, laid out from PyPI wheels.
 *
 * The binding's binding.gyp links `-ltensorflow -ltensorflow_framework` from `deps/lib` with
 * the run path `$ORIGIN/../../deps/lib`, and includes `deps/include/tensorflow/c/c_api.h` and
 * `.../c/eager/c_api.h`. The TensorFlow wheel has no `libtensorflow.so.2`: its C and eager C API
 * (`TF_*`, `TFE_*`, version `tensorflow`) live in `tensorflow/python/_pywrap_tensorflow_internal.so`,
 * next to `libtensorflow_framework.so.2`. That library is a Python extension: it leaves the
 * CPython API it calls from its Python bindings (187 `Py*` symbols in 2.9.1, `PyTuple_Type`
 * among them) for the interpreter to provide and is linked with BIND_NOW, so outside Python
 * `dlopen` fails with "undefined symbol: PyTuple_Type". The folder therefore holds:
 *
 * - `lib/_pywrap_tensorflow_internal.so`, `lib/libtensorflow_framework.so.2`: from the wheel,
 *   unchanged (SHA-256 checked);
 * - `lib/libtfjs_python_stub.so`: a thin shim compiled here from the wheel's own list of
 *   undefined `Py*` symbols, defining each one: data objects as zeroed storage, functions as a
 *   stub that prints the name and aborts. TensorFlow's C API never calls them; they only have to
 *   exist for the loader;
 * - `lib/libtensorflow.so`: a GNU ld script, `INPUT(_pywrap_tensorflow_internal.so
 *   libtfjs_python_stub.so)`, so `-ltensorflow` records both as the binding's DT_NEEDED;
 * - `lib/libtensorflow_framework.so` -> `libtensorflow_framework.so.2`;
 * - `include/tensorflow/c/...`: the wheel's C headers;
 * - GPU: the CUDA 11 and cuDNN 8 libraries TensorFlow opens by soname, found through the
 *   libraries' `$ORIGIN` run paths.
 *
 * @module
 */
import { join } from "node:path";
import { extractWheel, fetchWheels, verifyWheel } from "./_tfjs_node_fetch.ts";
import {
  layoutName,
  TENSORFLOW_VERSION,
  type TfjsNodeVariant,
  wheelsFor,
} from "./_tfjs_node_pins.ts";
import { BuildStepError, runTool, tail } from "./_tfjs_node_step.ts";

/** File name of the Python shim library. */
export const PYTHON_STUB = "libtfjs_python_stub.so";

/** The GNU ld script laid out as `lib/libtensorflow.so`. */
export const LINKER_SCRIPT =
  `/* GNU ld script written by vlmeval's scripts/build_tfjs_node.ts: TensorFlow's C API lives in the
   wheel's _pywrap_tensorflow_internal.so; ${PYTHON_STUB} defines the CPython symbols it leaves
   undefined. -ltensorflow links both. */
INPUT ( _pywrap_tensorflow_internal.so ${PYTHON_STUB} )
`;

/** What `layout.json` in a finished folder records. */
export interface LayoutRecord {
  /** `tfjs-node` or `tfjs-node-gpu`. */
  variant: TfjsNodeVariant;
  /** TensorFlow version. */
  tensorflow: string;
  /** The wheels it was made from, with their SHA-256. */
  wheels: { filename: string; sha256: string }[];
  /** CPython symbols the shim defines. */
  pythonSymbols: { data: number; functions: number };
  /** Files under `lib/`. */
  lib: string[];
  /** When it was made (ISO 8601). */
  created: string;
}

/** A finished libtensorflow folder. */
export interface Layout {
  /** The folder (`deps` of the npm package points here). */
  dir: string;
  /** Its record. */
  record: LayoutRecord;
  /** True when this call made it, false when it was already there. */
  made: boolean;
}

/** How to lay out. */
export interface LayoutOptions {
  /** Lay out again from the cached wheels even when a finished folder exists. */
  force?: boolean;
  /** A PEP 503 index instead of PyPI. */
  indexUrl?: string;
  /** Keep tools' output unless they fail. */
  quiet?: boolean;
  /** Receives one line per step. */
  say?: (line: string) => void;
}

/**
 * The names of the CPython symbols an extension leaves undefined, from `nm -D --undefined-only`
 * output (weak references and versioned symbols are not CPython's).
 */
export function undefinedPythonSymbols(nmOutput: string): string[] {
  const names = new Set<string>();
  for (const line of nmOutput.split("\n")) {
    const m = line.match(/^\s*U\s+(_?Py[A-Za-z0-9_]*)$/);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** CPython's data symbols: type objects, exception pointers and the singleton structs. */
export function isPythonDataSymbol(name: string): boolean {
  return /^_?Py\w*_Type$/.test(name) || /^PyExc_\w+$/.test(name) ||
    /^_Py_\w+Struct$/.test(name);
}

/** C source of the shim defining `symbols`. */
export function pythonStubSource(symbols: readonly string[]): string {
  const lines = [
    "/* Written by vlmeval's scripts/build_tfjs_node.ts from the undefined CPython symbols of",
    " * TensorFlow's _pywrap_tensorflow_internal.so. TensorFlow's C API never uses them; they exist",
    " * so the library loads outside Python. Calling one is a bug and aborts, naming it. */",
    "#include <stdio.h>",
    "#include <stdlib.h>",
    "",
    "static void no_python(const char *name) {",
    "  fprintf(stderr, \"libtfjs_python_stub: %s called outside Python (TensorFlow's Python " +
    'bindings are not usable from tfjs-node)\\n", name);',
    "  abort();",
    "}",
    "",
  ];
  for (const name of symbols) {
    if (!/^_?Py[A-Za-z0-9_]*$/.test(name)) {
      throw new TypeError(`Cannot define ${JSON.stringify(name)} as it is not a CPython symbol`);
    }
    lines.push(
      isPythonDataSymbol(name)
        ? `__attribute__((aligned(64))) char ${name}[512];`
        : `void ${name}(void) { no_python("${name}"); }`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Reads a finished folder's record, or undefined when the folder is missing or unfinished. */
export function readLayout(dir: string): LayoutRecord | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(join(dir, "layout.json")));
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the libtensorflow folder of `variant` exists under `cacheDir`, fetching the wheels
 * when they are not cached. A finished folder (with `layout.json`) is reused unless `force`.
 * The folder is made under a temporary name and renamed when complete.
 *
 * @throws {BuildStepError} naming the step that failed (wheels, layout, python stub).
 */
export async function ensureLayout(
  variant: TfjsNodeVariant,
  cacheDir: string,
  opts: LayoutOptions = {},
): Promise<Layout> {
  const say = opts.say ?? (() => {});
  const dir = join(cacheDir, layoutName(variant));
  const existing = readLayout(dir);
  if (existing && !opts.force) return { dir, record: existing, made: false };

  const pins = wheelsFor(variant);
  const megabytes = Math.round(pins.reduce((n, p) => n + p.size, 0) / 1e6);
  say(`wheels: ${pins.map((p) => `${p.project} ${p.version}`).join(", ")} (${megabytes} MB)`);
  const wheels = await fetchWheels(pins, cacheDir, { indexUrl: opts.indexUrl, quiet: opts.quiet });
  for (const [i, pin] of pins.entries()) await verifyWheel(pin, wheels[i]);
  say(`wheels: SHA-256 of ${pins.length} file(s) match PyPI's`);

  const staging = await Deno.makeTempDir({ dir: cacheDir, prefix: `.${layoutName(variant)}-` });
  try {
    for (const [i, pin] of pins.entries()) {
      say(`layout: extracting ${pin.filename}`);
      await extractWheel(pin, wheels[i], staging);
    }
    const lib = join(staging, "lib");
    const symbols = await writePythonStub(lib, join(staging, "src"));
    await Deno.writeTextFile(join(lib, "libtensorflow.so"), LINKER_SCRIPT);
    await Deno.symlink("libtensorflow_framework.so.2", join(lib, "libtensorflow_framework.so"));
    const data = symbols.filter(isPythonDataSymbol).length;
    say(
      `python stub: ${PYTHON_STUB} defines ${symbols.length} CPython symbols (${data} data, ${
        symbols.length - data
      } functions)`,
    );
    await Deno.chmod(staging, 0o755);
    const record: LayoutRecord = {
      variant,
      tensorflow: TENSORFLOW_VERSION,
      wheels: pins.map((p) => ({ filename: p.filename, sha256: p.sha256 })),
      pythonSymbols: { data, functions: symbols.length - data },
      lib: [...Deno.readDirSync(lib)].map((e) => e.name).sort(),
      created: new Date().toISOString(),
    };
    await Deno.writeTextFile(join(staging, "layout.json"), JSON.stringify(record, null, 2) + "\n");
    const finished = readLayout(dir);
    if (finished && !opts.force) return { dir, record: finished, made: false };
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    try {
      await Deno.rename(staging, dir);
    } catch (err) {
      // Another build finished the same folder first: use it.
      const theirs = readLayout(dir);
      if (!theirs) throw err;
      return { dir, record: theirs, made: false };
    }
    return { dir, record, made: true };
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/** Compiles the CPython shim for `lib/_pywrap_tensorflow_internal.so`; returns its symbols. */
async function writePythonStub(lib: string, src: string): Promise<string[]> {
  const wrapper = join(lib, "_pywrap_tensorflow_internal.so");
  const nm = await runTool(
    "python stub",
    "nm",
    ["-D", "--undefined-only", wrapper],
    "install binutils (Debian: apt-get install binutils)",
  );
  if (nm.code !== 0) {
    throw new BuildStepError(
      "python stub",
      `Cannot list the undefined symbols of ${wrapper} with nm: current value is exit code ${nm.code}${
        tail(nm)
      }`,
    );
  }
  const symbols = undefinedPythonSymbols(nm.stdout);
  await Deno.mkdir(src, { recursive: true });
  const source = join(src, "python_stub.c");
  await Deno.writeTextFile(source, pythonStubSource(symbols));
  const cc = Deno.env.get("CC") || "cc";
  const out = await runTool(
    "python stub",
    cc,
    ["-shared", "-fPIC", "-O2", `-Wl,-soname,${PYTHON_STUB}`, "-o", join(lib, PYTHON_STUB), source],
    "install a C compiler (Debian: apt-get install build-essential), which node-gyp needs too",
  );
  if (out.code !== 0) {
    throw new BuildStepError(
      "python stub",
      `Cannot compile ${source} with ${cc}: current value is exit code ${out.code}${tail(out)}`,
    );
  }
  return symbols;
}
