/**
 * Harness overhead per sample at 10k and 100k rows, with a model that answers at once: the
 * cost of the evaluation loop itself (prompt building with image decoding, journaling every
 * sample, merge into the prediction file, scoring). Each size runs in a fresh process, so the
 * peak RSS is that run's own. Prints ms per sample, the 100k/10k time ratio (10 means linear)
 * and peak RSS.
 *
 * Usage: deno run -A benchmarks/harness_overhead.ts [format=xlsx] [sizes=10000,100000]
 *   format  prediction file format: xlsx, tsv or json
 *   sizes   comma-separated row counts, one fresh process each
 * Exit: 0 measured; 1 when a run fails; 2 for a bad argument.
 */
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";

const FORMATS = ["xlsx", "tsv", "json"];
const { positionals } = parseScriptArgs(import.meta, {}, { positionals: 2 });
const format = positionals[0] ?? "xlsx";
if (!FORMATS.includes(format)) {
  usageError(
    import.meta,
    `format must be one of ${FORMATS.join(", ")}: current value is ${format}`,
  );
}
const sizesText = positionals[1] ?? "10000,100000";
const sizes = sizesText.split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  usageError(
    import.meta,
    `sizes must be comma-separated positive integers: current value is ${sizesText}`,
  );
}
const worker = new URL("./_harness_worker.ts", import.meta.url).pathname;

interface Measure {
  rows: number;
  totalMs: number;
  inferMs: number;
  openMs: number;
  peakRssMiB: number;
  exitCode: number;
}

const results: Measure[] = [];
for (const rows of sizes) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-harness-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", worker, String(rows), dir, format],
      stderr: "inherit",
    }).output();
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
    const m = JSON.parse(line) as Measure;
    if (m.exitCode !== 0) throw new Error(`The ${rows}-row run exited with ${m.exitCode}`);
    results.push(m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(`harness overhead, format ${format}, ConstantAnswer model`);
console.log("rows      total s   ms/sample (all)   ms/sample (infer loop)   peak RSS MiB");
for (const m of results) {
  console.log(
    `${String(m.rows).padEnd(9)} ${(m.totalMs / 1000).toFixed(2).padStart(7)}   ${
      (m.totalMs / m.rows).toFixed(3).padStart(15)
    }   ${(m.inferMs / m.rows).toFixed(3).padStart(22)}   ${m.peakRssMiB.toFixed(0).padStart(12)}`,
  );
}
if (results.length === 2) {
  const [a, b] = results;
  console.log(
    `time ratio ${b.rows}/${a.rows} rows: ${(b.totalMs / a.totalMs).toFixed(2)} ` +
      `(rows ratio ${(b.rows / a.rows).toFixed(0)}; equal means linear)`,
  );
}
