/**
 * Every entry point in scripts/ and benchmarks/ answers `--help`/`-h` with its usage text and
 * exit 0 without doing any work, and a bogus option with exit 2, naming it. Each runs as a real
 * process (`deno run -A`, or bash), all in parallel, in an empty temporary working directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { leadingDocComment } from "./_script_help.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const BOGUS = "--bogus-flag-xyz";
/** Far below the time any of them takes to do its work (install, build, train, measure). */
const QUICK_MS = 30_000;

interface EntryPoint {
  /** Path from the repository root. */
  path: string;
  /** Output-folder options given along with --help: the folder must not appear. */
  out?: string;
}

const ENTRY_POINTS: EntryPoint[] = [
  { path: "scripts/setup.ts" },
  { path: "scripts/build_native.ts" },
  { path: "scripts/build_tfjs_node.ts" },
  { path: "scripts/check_structure.ts" },
  { path: "scripts/check_docs.ts" },
  { path: "scripts/gate.ts" },
  { path: "scripts/ensure_ffmpeg.ts" },
  { path: "scripts/gen_shapes_benchmark.ts", out: "--out" },
  { path: "scripts/gen_video_benchmark.ts", out: "--out" },
  { path: "scripts/gpu_check.ts" },
  { path: "scripts/gpu_tfjs_node_check.ts" },
  { path: "scripts/gpu_tfjs_node.sh" },
  { path: "scripts/train_bundled_model.ts", out: "--out" },
  { path: "scripts/slurm_localhost.sh" },
  { path: "scripts/make_hf_fixtures.sh", out: "--out" },
  { path: "scripts/transformers_serve_check.sh" },
  { path: "scripts/setup_ort_cuda.ts", out: "--out" },
  { path: "scripts/hf_gpu_check.ts" },
  { path: "scripts/hf_gpu_check.sh" },
  { path: "benchmarks/hf_smolvlm_bench.ts", out: "--out" },
  { path: "benchmarks/harness_overhead.ts" },
  { path: "benchmarks/report_write_measure.ts" },
  { path: "benchmarks/report_100k_measure.ts" },
  { path: "benchmarks/memory/run.ts", out: "--out" },
];

const DENO_LOCK_NOTICE = /^Blocking waiting for file lock on node_modules directory\n/m;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function runEntry(entry: EntryPoint, args: string[], cwd: string): Promise<Ran> {
  const script = join(REPO, entry.path);
  // --quiet keeps Deno's own diagnostics out of stderr: the parallel runs meet at node_modules'
  // lock ("Blocking waiting for file lock on node_modules directory"), which is not the
  // script's output.
  const [command, prefix] = entry.path.endsWith(".sh")
    ? ["bash", [script]]
    : [Deno.execPath(), ["run", "--quiet", "-A", script]];
  const started = performance.now();
  const output = await new Deno.Command(command, {
    args: [...prefix, ...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", VLMEVAL_SLURM_DIR: join(cwd, "slurm") },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    // Deno's own notice when many processes start at once, not the script's output.
    stderr: decoder.decode(output.stderr).replace(DENO_LOCK_NOTICE, ""),
    ms: performance.now() - started,
  };
}

/** The help text a script should print: its leading comment block. */
function expectedHelp(path: string): string {
  const source = Deno.readTextFileSync(join(REPO, path));
  if (path.endsWith(".sh")) {
    const block = source.split("\n").slice(1);
    const end = block.findIndex((line) => !line.startsWith("#"));
    return block.slice(0, end).map((line) => line.replace(/^# ?/, "")).join("\n");
  }
  const doc = leadingDocComment(source);
  assert.ok(doc, `${path} starts with no doc comment`);
  return doc;
}

Deno.test("every script and benchmark entry point has --help and rejects unknown flags", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "vlmeval-script-help-" });
  try {
    const runs = ENTRY_POINTS.flatMap((entry) => {
      const out = entry.out ? [entry.out, join(cwd, `out-${entry.path.replaceAll("/", "_")}`)] : [];
      return [
        { entry, kind: "--help", args: [...out, "--help"] },
        { entry, kind: "-h", args: ["-h"] },
        { entry, kind: "bogus", args: [BOGUS] },
      ];
    });
    const results = await Promise.all(
      runs.map(async (run) => ({ ...run, ran: await runEntry(run.entry, run.args, cwd) })),
    );
    for (const { entry, kind, args, ran } of results) {
      const what = `${entry.path} ${
        args.join(" ")
      }: exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`;
      if (kind === "bogus") {
        assert.equal(ran.code, 2, what);
        assert.ok(ran.stderr.includes(`"${BOGUS}"`), `the flag is not named: ${what}`);
        assert.match(ran.stderr, /see --help/, what);
        assert.equal(ran.stdout, "", what);
      } else {
        assert.equal(ran.code, 0, what);
        assert.match(ran.stdout, /^Usage:/m, what);
        // Only the usage text: no sign of the work having started.
        assert.equal(ran.stdout, `${expectedHelp(entry.path)}\n`, what);
        assert.equal(ran.stderr, "", what);
        assert.ok(ran.ms < QUICK_MS, `took ${ran.ms.toFixed(0)} ms: ${what}`);
      }
    }
    const left = [...Deno.readDirSync(cwd)].map((e) => e.name);
    assert.deepEqual(left, [], `files were written: ${left.join(", ")}`);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("leadingDocComment takes the first block without its markers and @module", () => {
  const source =
    "#!/usr/bin/env -S deno run\n/**\n * One line.\n *\n *   indented\n *\n * @module\n */\nconst a = 1;\n/** Not this. */\n";
  assert.equal(leadingDocComment(source), "One line.\n\n  indented");
  assert.equal(leadingDocComment("const a = 1;\n/** Later. */\n"), undefined);
});
