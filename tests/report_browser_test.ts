/// <reference lib="dom" />
/**
 * End-to-end in a real browser: the real CLI evaluates the bundled benchmarks with ShapesVLM and
 * ConstantAnswer, and Shapes_MCQ with a served model (the loopback vLLM server) that answers
 * with markup meant to run (`<script>`, an `onerror` attribute, a `</script>` breakout) or fails;
 * `vlmeval report` writes the page; headless Chromium (Debian's package, through puppeteer-core)
 * opens it from disk. The test checks that the leaderboard cells equal the score files, that the
 * sample browser's filters show the rows the result files say, that no injected markup ran and
 * no policy was violated, and saves a screenshot in its temp folder.
 *
 * `VLMEVAL_REPORT_SCREENSHOT=docs/report.png deno test -A tests/report_browser_test.ts` also
 * writes the screenshot the README shows.
 */
import assert from "node:assert/strict";
import { readPredictions } from "@vlmeval/report";
import { runCli } from "@vlmeval/cli/testing";
import { startLoopbackVllmServer, vllmChatCompletion } from "@vlmeval/models/testing";
import { findChromium, launchChromium, type Page } from "@vlmeval/viewer/testing";

const chromium = findChromium();
if (!chromium) {
  console.warn("report_browser_test: skipping: no Chromium (apt-get install chromium)");
}

/** What the served model answers, by request number: markup, or an error. */
const INJECTED = [
  `<img src=x onerror="window.__pwned = 'onerror'">`,
  `<script>window.__pwned = 'script'</script>`,
  `</script><script>window.__pwned = 'breakout'</script><!--`,
  `<svg onload="window.__pwned = 'svg'"></svg> B`,
];
const SERVED = "Injected";

function parseCsv(text: string): string[][] {
  return text.trimEnd().split("\n").map((line) =>
    [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replaceAll('""', '"'))
  );
}

async function overallOf(work: string, model: string, bench: string): Promise<number> {
  const [header, row] = parseCsv(
    await Deno.readTextFile(`${work}/${model}/${model}_${bench}_acc.csv`),
  );
  return Number(row[header.indexOf("Overall")]);
}

async function resultRows(work: string, model: string, bench: string) {
  return (await readPredictions(`${work}/${model}/${model}_${bench}_exact_matching_result.xlsx`))
    .rows;
}

/** What the page says it shows after a change of the sample browser's controls. */
async function visible(page: Page): Promise<{ count: number; rows: number }> {
  await new Promise((r) => setTimeout(r, 50));
  return await page.evaluate(() => ({
    count: Number(document.getElementById("s-count")!.dataset.visible),
    rows: document.querySelectorAll("#s-rows tr").length,
  }));
}

Deno.test({
  name:
    "the report of a real run opens in Chromium: leaderboard = score files, filters work, nothing injected runs",
  ignore: chromium === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "vlmeval-report-browser-" });
    const work = `${dir}/work`;
    let n = 0;
    const server = startLoopbackVllmServer(() => {
      const k = n++;
      if (k % 25 === 24) return { status: 400, body: { object: "error", message: "bad image" } };
      return { body: vllmChatCompletion(INJECTED[k % INJECTED.length]) };
    });
    try {
      const local = await runCli([
        "--model",
        "ShapesVLM",
        "ConstantAnswer",
        "--data",
        "Shapes_MCQ",
        "Shapes_Video_8frame",
        "--work-dir",
        work,
        "--quiet",
      ]);
      assert.equal(local.code, 0, local.stderr);
      const served = await runCli([
        "--model",
        SERVED,
        "--base-url",
        server.baseUrl,
        "--data",
        "Shapes_MCQ",
        "--work-dir",
        work,
        "--skip-err",
        "--retry",
        "0",
        "--api-nproc",
        "8",
        "--quiet",
      ], { env: { OPENAI_API_KEY: "EMPTY" } });
      assert.equal(served.code, 0, served.stderr);
      const report = await runCli(["report", "--work-dir", work]);
      assert.equal(report.code, 0, report.stderr);

      const docs = Deno.env.get("VLMEVAL_REPORT_SCREENSHOT");
      const viewport = { width: 1280, height: docs ? 1480 : 1000 };
      const browser = await launchChromium(chromium!, dir, viewport);
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") errors.push(`console: ${m.text()}`);
        });
        page.on("dialog", (d) => {
          errors.push(`dialog: ${d.message()}`);
          d.dismiss();
        });
        await page.goto(`file://${work}/report.html`, { waitUntil: "load" });
        await page.waitForFunction(() => document.getElementById("s-count")?.dataset.visible);

        // The leaderboard's cells are the score files' Overall.
        const board: { model: string; cells: { value: string; shown: string; file: string }[] }[] =
          await page.evaluate(() =>
            [...document.querySelectorAll("#leaderboard tbody tr")].map((tr) => ({
              model: (tr as HTMLElement).dataset.model!,
              cells: [...tr.querySelectorAll("td")].map((td) => ({
                value: td.dataset.value!,
                shown: td.querySelector(".score")?.textContent ?? "",
                file: td.dataset.file!,
              })),
            }))
          );
        const benches: string[] = await page.evaluate(() =>
          [...document.querySelectorAll("#leaderboard thead th")].slice(1).map((th) =>
            th.querySelector("button")!.firstChild!.textContent ?? ""
          )
        );
        assert.deepEqual(benches, ["Shapes_MCQ", "Shapes_Video_8frame_nopack"]);
        assert.deepEqual(board.map((r) => r.model), ["ConstantAnswer", SERVED, "ShapesVLM"]);
        for (const row of board) {
          for (const [b, bench] of benches.entries()) {
            const cell = row.cells[b];
            if (row.model === SERVED && bench !== "Shapes_MCQ") {
              assert.equal(cell.value, "");
              continue;
            }
            const overall = await overallOf(work, row.model, bench!);
            assert.equal(Number(cell.value), overall, `${row.model} on ${bench}`);
            assert.ok(Math.abs(Number(cell.shown) - overall) <= 5e-5 * Math.max(1, overall));
            assert.equal(cell.file, `${row.model}/${row.model}_${bench}_acc.csv`);
          }
        }
        // Sorting by a benchmark puts the best first.
        await page.click("#leaderboard thead button[data-col='1']");
        const sorted = await page.evaluate(() =>
          [...document.querySelectorAll("#leaderboard tbody tr")].map((tr) =>
            Number((tr.children[1] as HTMLElement).dataset.value)
          )
        );
        assert.deepEqual(sorted, [...sorted].sort((x, y) => y - x));

        // Filters: ConstantAnswer's wrong answers on Shapes_MCQ, then one category of them.
        const constant = await resultRows(work, "ConstantAnswer", "Shapes_MCQ");
        const shapes = await resultRows(work, "ShapesVLM", "Shapes_MCQ");
        const models = await page.evaluate(() =>
          [...document.querySelectorAll("#s-model-a option")].map((o) => o.textContent)
        );
        const pick = async (id: string, name: string) =>
          await page.select(id, String(models.indexOf(name)));
        await page.select("#s-bench", "0");
        await pick("#s-model-a", "ConstantAnswer");
        assert.deepEqual(await visible(page), { count: 300, rows: 50 });
        await page.select("#s-filter", "wrong");
        const wrong = constant.filter((r) => r.hit === "0");
        assert.ok(wrong.length > 50 && wrong.length < 300);
        assert.deepEqual(await visible(page), { count: wrong.length, rows: 50 });
        const verdicts = await page.evaluate(() =>
          [...document.querySelectorAll("#s-rows tr td.answer:nth-of-type(6) .badge")].map((b) =>
            b.textContent
          )
        );
        assert.ok(verdicts.length === 50 && verdicts.every((v) => v === "✗ miss"), verdicts.join());
        await page.select("#s-category", "colour");
        const wrongColour = wrong.filter((r) => r.category === "colour").length;
        assert.deepEqual(await visible(page), {
          count: wrongColour,
          rows: Math.min(50, wrongColour),
        });

        // Disagreement between two models.
        await page.select("#s-category", "");
        await pick("#s-model-a", "ShapesVLM");
        await pick("#s-model-b", "ConstantAnswer");
        await page.select("#s-filter", "disagree");
        const byIndex = new Map(constant.map((r) => [r.index, r.extracted]));
        const differ = shapes.filter((r) => r.extracted !== byIndex.get(r.index)).length;
        assert.deepEqual(await visible(page), { count: differ, rows: Math.min(50, differ) });
        await page.screenshot({ path: `${dir}/samples.png` });

        // Text search over question and options.
        await page.select("#s-filter", "all");
        await page.type("#s-search", "Diamond");
        await new Promise((r) => setTimeout(r, 300));
        const withDiamond = shapes.filter((r) =>
          [r.index, r.question, r.A, r.B, r.C, r.D, r.answer].join("\n").toLowerCase().includes(
            "diamond",
          )
        ).length;
        assert.ok(withDiamond > 0);
        assert.equal((await visible(page)).count, withDiamond);

        // The served model's markup shows as text and runs nothing.
        await page.evaluate(() => {
          const input = document.getElementById("s-search") as HTMLInputElement;
          input.value = "";
          input.dispatchEvent(new Event("input"));
        });
        await new Promise((r) =>
          setTimeout(r, 300)
        );
        await pick("#s-model-a", SERVED);
        await pick("#s-model-b", "ShapesVLM");
        await page.select("#s-filter", "all");
        await visible(page);
        const shown = await page.evaluate(() =>
          [...document.querySelectorAll("#s-rows td.answer pre.pred")].map((p) => p.textContent)
        );
        for (const markup of INJECTED) {
          assert.ok(shown.includes(markup), `shown as text: ${markup}`);
        }
        await page.select("#s-filter", "failed");
        const failedRows = (await resultRows(work, SERVED, "Shapes_MCQ")).filter((r) =>
          r.prediction.startsWith("Failed to obtain answer")
        ).length;
        assert.ok(failedRows > 0);
        assert.equal((await visible(page)).count, failedRows);
        await new Promise((r) => setTimeout(r, 300));
        const after = await page.evaluate(() => ({
          pwned: (globalThis as unknown as { __pwned?: string }).__pwned ?? null,
          scripts: document.scripts.length,
          handlers: document.querySelectorAll("[onerror], [onload]").length,
          failures: document.querySelector("#failures code")?.textContent,
        }));
        assert.deepEqual(after, { pwned: null, scripts: 5, handlers: 0, failures: "API" });
        // A failure's sample link opens the browser on it.
        await pick("#s-model-a", "ShapesVLM");
        await page.select("#s-filter", "all");
        await page.evaluate(() =>
          (document.querySelector("#failures a.goto") as HTMLElement).click()
        );
        const opened = await page.evaluate(() => ({
          a: (document.getElementById("s-model-a") as HTMLSelectElement).selectedOptions[0]
            .textContent,
          filter: (document.getElementById("s-filter") as HTMLSelectElement).value,
          first: document.querySelector("#s-rows td.answer pre.pred")?.textContent ?? "",
        }));
        assert.equal(opened.a, SERVED);
        assert.equal(opened.filter, "failed");
        assert.match(opened.first, /^Failed to obtain answer via API\./);
        assert.deepEqual(errors, []);

        await page.evaluate(() => globalThis.scrollTo(0, 0));
        await page.screenshot({ path: `${dir}/report.png` });
        // Rows past the inlined ones link to the media cache, which loads from disk.
        await page.evaluate(() => {
          const input = document.getElementById("s-search") as HTMLInputElement;
          input.value = "";
          input.dispatchEvent(new Event("input"));
        });
        await page.select("#s-filter", "all");
        await new Promise((r) => setTimeout(r, 300));
        for (let k = 0; k < 4; k++) await page.click("#s-next");
        await page.evaluate(() => document.getElementById("s-table")!.scrollIntoView());
        await page.waitForFunction(() => {
          const img = document.querySelector("#s-rows td.media > img") as HTMLImageElement | null;
          return img !== null && img.src.startsWith("file:") && img.complete &&
            img.naturalWidth > 0;
        }, { timeout: 10_000 });
        await page.click("#s-prev");
        if (docs) {
          await pick("#s-model-a", "ShapesVLM");
          await pick("#s-model-b", "ConstantAnswer");
          await page.evaluate(() => globalThis.scrollTo(0, 0));
          await page.screenshot({ path: docs });
        }
        assert.ok((await Deno.stat(`${dir}/report.png`)).size > 10_000);
      } finally {
        await browser.close();
      }
    } finally {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
