import assert from "node:assert/strict";
import { scanWorkDir } from "../scan/work_dir.ts";
import { HOSTILE_PREDICTIONS, writePartialWorkDir } from "../testing/partial_work_dir.ts";
import { cspHash } from "./html.ts";
import { renderReport, writeReport } from "./page.ts";

const FACTS = { generatedAt: "2026-01-01T00:00:00.000Z", versions: { deno: "x" } };

async function withReport(fn: (page: string, dir: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-" });
  try {
    await writePartialWorkDir(dir);
    const scan = await scanWorkDir(dir, { rows: true });
    const { page } = await renderReport(scan, { outFile: `${dir}/report.html`, facts: FACTS });
    await fn(page, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The page's `<script>` blocks: [attributes, text]. */
function scripts(page: string): [string, string][] {
  return [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => [m[1], m[2]]);
}

Deno.test("renderReport() lets only its own inline script and style run, by hash", async () => {
  await withReport(async (page) => {
    const csp = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1];
    assert.ok(csp, "a CSP meta element");
    const executable = scripts(page).filter(([attrs]) => !attrs.includes("application/json"));
    assert.equal(executable.length, 1, "one executable script");
    const style = page.match(/<style>([\s\S]*?)<\/style>/)![1];
    assert.equal(
      csp.replaceAll("&#39;", "'"),
      `default-src 'none'; script-src ${await cspHash(executable[0][1])}; style-src ${await cspHash(
        style,
      )}; img-src data: file: 'self'; base-uri 'none'; form-action 'none'`,
    );
  });
});

Deno.test("renderReport() keeps untrusted text as text: predictions only in JSON blocks, escaped elsewhere", async () => {
  await withReport((page) => {
    const blocks = scripts(page);
    // data-benchmarks, one block per benchmark (4), the thumbnails, the page's script.
    assert.equal(blocks.length, 7);
    const samples = JSON.parse(blocks[1][1]);
    assert.equal(samples.name, "Bench_MCQ");
    assert.deepEqual(samples.models[0].pred.slice(2), HOSTILE_PREDICTIONS);
    const outside = page.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "");
    assert.ok(!outside.includes("__pwned"), "no hostile text outside the JSON blocks");
    assert.ok(!/<(img|b|i) /.test(outside.replace(/<img class="memory-plot"[^>]*>/g, "")));
    assert.ok(outside.includes("Cannot open Bench_Err.tsv as &lt;b&gt;it&lt;/b&gt; is missing"));
    assert.ok(outside.includes("&lt;i&gt;x&lt;/i&gt;"), "a rating key from the file, escaped");
    // The memory plot is an image, whose scripts never run; its text is not in the page as markup.
    assert.match(
      outside,
      /<img class="memory-plot" alt="memory per sample, wasm" src="data:image\/svg\+xml;base64,/,
    );
    assert.ok(!outside.includes('<svg xmlns="http://www.w3.org/2000/svg" width="10"'));
    assert.ok(outside.includes("&lt;script&gt;no&lt;/script&gt;"), "summary.md as text");
  });
});

Deno.test("renderReport() says what is missing, and shows run facts with keys it does not know", async () => {
  await withReport((page) => {
    assert.match(page, /<a href="#problems">Missing \(5\)<\/a>/);
    assert.match(
      page,
      /<li class="unreadable">\s*<strong>unreadable<\/strong> ModelA · Bench_MCQ: Cannot read ModelA\/ModelA_Bench_MCQ_exact_matching_result\.xlsx/,
    );
    assert.match(
      page,
      /<li class="missing">\s*<strong>missing<\/strong> ModelA · Bench_Run: still running: 3 answers/,
    );
    assert.match(page, /<th scope="row">backend<\/th>\s*<td>cpu<\/td>/);
    assert.match(
      page,
      /<th scope="row">token_usage<\/th>\s*<td>\{&quot;prompt_tokens&quot;:1234,&quot;completion_tokens&quot;:56\}<\/td>/,
    );
    assert.match(page, /<code>RangeError<\/code><\/td>\s*<td class="num">1<\/td>/);
    assert.match(page, /<code>TypeError<\/code><\/td>\s*<td class="num">1<\/td>/);
  });
});

Deno.test("renderReport() inlines the first rows' images as thumbnails and links the others", async () => {
  await withReport(async (_page, dir) => {
    const scan = await scanWorkDir(dir, { rows: true });
    const inline = await renderReport(scan, { outFile: `${dir}/report.html`, facts: FACTS });
    const thumbs = JSON.parse(scripts(inline.page)[5][1]);
    assert.equal(inline.thumbnails, 1);
    assert.match(thumbs.sheets[0], /^data:image\/jpeg;base64,\/9j\//);
    assert.deepEqual(thumbs.thumbs, [[0, 0, 0, 2, 2]]);
    assert.deepEqual(JSON.parse(scripts(inline.page)[1][1]).media[0], [0]);
    const linked = await renderReport(scan, {
      outFile: `${dir}/sub/r.html`,
      facts: FACTS,
      inlineImages: 0,
    });
    assert.equal(linked.thumbnails, 0);
    assert.deepEqual(JSON.parse(scripts(linked.page)[1][1]).media[0], [
      "../images/Bench_MCQ/0.png",
    ]);
  });
});

Deno.test("writeReport() writes the page atomically and reports its size", async () => {
  await withReport(async (page, dir) => {
    const scan = await scanWorkDir(dir, { rows: true });
    const written = await writeReport(scan, { outFile: `${dir}/report.html`, facts: FACTS });
    const text = await Deno.readTextFile(`${dir}/report.html`);
    assert.equal(written.bytes, new TextEncoder().encode(text).length);
    assert.equal(text, page);
  });
});
