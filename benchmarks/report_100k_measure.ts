/**
 * Measures `vlmeval report` on a large benchmark: the time to write the page, and the time a
 * real browser (headless Chromium) takes to open it: first contentful paint, the load event,
 * and the first page of the sample browser; then a filter and a text search over every row.
 *
 * Usage: deno run -A benchmarks/report_100k_measure.ts [--rows 100000] [--models 2] [--no-images]
 *                                                       [--keep]
 *
 * A work dir is generated in a temporary folder (removed at the end): per model an
 * MMBench-like prediction file and result file (xlsx, 12 columns, ~100-character questions),
 * the `_acc.csv` and `status.json`, and (unless `--no-images`) one small PNG per row in the
 * media cache, so the first 200 rows get inlined thumbnails and the others links (`--keep`
 * leaves the folder in place and prints its path). The report is
 * written by the real CLI in a child process (wall time, Deno's start included), three times;
 * the page is then opened three times in a fresh tab. Needs Chromium (`apt-get install
 * chromium`); exit 6 without it, 2 for a bad option.
 *
 * @module
 */
/// <reference lib="dom" />
import { Buffer } from "node:buffer";
import pngjs from "pngjs";
import { writeCsv, writePredictions } from "@vlmeval/report";
import type { Row } from "@vlmeval/schema";
import { CLI_MAIN } from "@vlmeval/cli/testing";
import { findChromium, launchChromium } from "@vlmeval/viewer/testing";
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  rows: { type: "string", default: "100000" },
  models: { type: "string", default: "2" },
  "no-images": { type: "boolean" },
  keep: { type: "boolean" },
});
const rows = Number(values.rows);
const models = Number(values.models);
if (!Number.isInteger(rows) || rows < 1) {
  usageError(import.meta, `--rows must be a positive integer`);
}
if (!Number.isInteger(models) || models < 1 || models > 8) {
  usageError(import.meta, `--models must be 1 to 8`);
}
const chromium = findChromium();
if (!chromium) {
  console.error("report_100k_measure: no Chromium found (apt-get install chromium)");
  Deno.exit(6);
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = ["colour", "count", "shape", "position", "ocr", "scene", "action", "attribute"];
const WORDS = ["red", "circle", "left", "three", "window", "person", "running", "small", "sign"];
const COLUMNS = [
  "index",
  "question",
  "hint",
  "A",
  "B",
  "C",
  "D",
  "answer",
  "category",
  "l2-category",
  "split",
  "prediction",
];

function datasetRow(k: number, random: () => number): Row {
  const words = Array.from({ length: 14 }, () => WORDS[Math.floor(random() * WORDS.length)]);
  return {
    index: String(k),
    question: `Question ${k}: which option best describes the ${words.join(" ")}?`,
    hint: k % 5 === 0 ? "Look closely at the picture." : "",
    A: `the ${words[0]} one`,
    B: `the ${words[1]} one`,
    C: `the ${words[2]} one`,
    D: `the ${words[3]} one`,
    answer: "ABCD"[k % 4],
    category: CATEGORIES[k % CATEGORIES.length],
    "l2-category": k % 2 ? "perception" : "reasoning",
    split: "dev",
    prediction: "",
  };
}

async function writeWorkDir(work: string): Promise<void> {
  const names = Array.from({ length: models }, (_, m) => `Model${m + 1}`);
  for (const [m, model] of names.entries()) {
    await Deno.mkdir(`${work}/${model}`, { recursive: true });
    const random = rng(1);
    const answer = rng(100 + m);
    const result: Row[] = [];
    let hits = 0;
    for (let k = 0; k < rows; k++) {
      const row = datasetRow(k, random);
      const right = answer() < 0.4 + 0.2 * m;
      const letter = right ? row.answer : "ABCD"[(k + 1) % 4];
      const failed = answer() < 0.002;
      row.prediction = failed
        ? "Failed to obtain answer: RangeError out of memory"
        : `The answer is ${letter}. It is ${row[letter]}.`;
      hits += right && !failed ? 1 : 0;
      result.push({
        ...row,
        extracted: failed ? "" : letter,
        method: failed ? "failed" : "option",
        hit: right && !failed ? "1" : "0",
      });
    }
    const stem = `${work}/${model}/${model}_Big_MCQ`;
    await writePredictions(`${stem}.xlsx`, COLUMNS, result.map((r) => ({ ...r })));
    await writePredictions(`${stem}_exact_matching_result.xlsx`, [
      ...COLUMNS,
      "extracted",
      "method",
      "hit",
    ], result);
    await writeCsv(`${stem}_acc.csv`, {
      columns: ["split", "Overall"],
      rows: [["dev", hits / rows]],
    });
    const at = new Date().toISOString();
    await Deno.writeTextFile(
      `${work}/${model}/status.json`,
      JSON.stringify({
        schema_version: "1.0",
        model_name: model,
        created_at: at,
        updated_at: at,
        argv: ["--model", model, "--data", "Big_MCQ"],
        world_size: 1,
        pred_format: "xlsx",
        eval_format: "csv",
        mode: "all",
        datasets: {
          Big_MCQ: { status: "done", judge_model: "exact_matching", exit_code: 0, updated_at: at },
        },
      }),
    );
  }
  if (values["no-images"]) return;
  await Deno.mkdir(`${work}/images/Big_MCQ`, { recursive: true });
  const shades = Array.from({ length: 251 }, (_, shade) => {
    const png = new pngjs.PNG({ width: 48, height: 48 });
    png.data = Buffer.alloc(48 * 48 * 4, shade);
    return new Uint8Array(pngjs.PNG.sync.write(png));
  });
  for (let k = 0; k < rows; k++) {
    await Deno.writeFile(`${work}/images/Big_MCQ/${k}.png`, shades[k % shades.length]);
  }
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} (min ${
    sorted[0].toFixed(2)
  }, max ${sorted.at(-1)!.toFixed(2)})`;
}

const dir = await Deno.makeTempDir({ prefix: "vlmeval-report-measure-" });
try {
  const work = `${dir}/work`;
  let t = performance.now();
  await writeWorkDir(work);
  console.log(
    `work dir: ${rows} rows x ${models} model(s) generated in ${
      ((performance.now() - t) / 1000).toFixed(1)
    } s`,
  );

  const writeSeconds: number[] = [];
  for (let run = 0; run < 3; run++) {
    t = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI_MAIN, "report", "--work-dir", work],
      stdout: "piped",
      stderr: "piped",
    }).output();
    writeSeconds.push((performance.now() - t) / 1000);
    if (!out.success) {
      throw new Error(`vlmeval report failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    if (run === 0) console.log(new TextDecoder().decode(out.stdout).trim());
  }
  const bytes = (await Deno.stat(`${work}/report.html`)).size;

  const browser = await launchChromium(chromium, dir);
  const open = { fcp: [] as number[], load: [] as number[], ready: [] as number[] };
  const filter: number[] = [];
  const search: number[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${work}/report.html`, { waitUntil: "load", timeout: 300_000 });
      await page.waitForFunction(
        () => performance.getEntriesByName("vlmeval:samples-ready").length > 0,
        {
          timeout: 300_000,
        },
      );
      const timing = await page.evaluate(() => ({
        fcp: performance.getEntriesByType("paint").find((e) =>
          e.name === "first-contentful-paint"
        )?.startTime ?? NaN,
        load: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming)
          .loadEventEnd,
        ready: performance.getEntriesByName("vlmeval:samples-ready")[0].startTime,
      }));
      open.fcp.push(timing.fcp / 1000);
      open.load.push(timing.load / 1000);
      open.ready.push(timing.ready / 1000);
      filter.push(
        await page.evaluate(() => {
          const select = document.getElementById("s-filter") as HTMLSelectElement;
          const start = performance.now();
          select.value = "wrong";
          select.dispatchEvent(new Event("change"));
          return (performance.now() - start) / 1000;
        }),
      );
      search.push(
        await page.evaluate(async () => {
          const input = document.getElementById("s-search") as HTMLInputElement;
          const count = document.getElementById("s-count")!;
          const before = count.textContent;
          input.value = "window person";
          const start = performance.now();
          input.dispatchEvent(new Event("input"));
          while (count.textContent === before) await new Promise((r) => setTimeout(r, 5));
          return (performance.now() - start - 0.15) / 1000;
        }),
      );
      if (errors.length) throw new Error(`the page threw: ${errors.join("; ")}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`report page: ${(bytes / 2 ** 20).toFixed(1)} MiB`);
  console.log(`write (vlmeval report, process wall time, s): ${stats(writeSeconds)}`);
  console.log(`open: first contentful paint (s): ${stats(open.fcp)}`);
  console.log(`open: load event end (s): ${stats(open.load)}`);
  console.log(`open: first page of samples shown (s): ${stats(open.ready)}`);
  console.log(`filter "wrong" over every row (s): ${stats(filter)}`);
  console.log(`text search over every row, after the 150 ms input debounce (s): ${stats(search)}`);
} finally {
  if (values.keep) console.log(`kept: ${dir}`);
  else await Deno.remove(dir, { recursive: true });
}
