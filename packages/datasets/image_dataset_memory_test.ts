import assert from "node:assert/strict";
import { join } from "node:path";
import { PNG } from "pngjs";
import { writeTsvFile } from "./tsv_writer.ts";

const ROWS = 20_000;

/** Eight 24x24 noise PNGs (about 3 KB of base64 each), from a fixed seed. */
function noiseImages(): string[] {
  let seed = 7;
  const images: string[] = [];
  for (let v = 0; v < 8; v++) {
    const png = new PNG({ width: 24, height: 24 });
    for (let k = 0; k < png.data.length; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      png.data[k] = (seed >>> 16) & 0xff;
    }
    images.push(new Uint8Array(PNG.sync.write(png)).toBase64());
  }
  return images;
}

function* rows(images: string[]): Generator<string[]> {
  for (let i = 0; i < ROWS; i++) {
    yield [String(i), images[i % 8], `Question ${i}?`, "yes", "no", i % 2 ? "A" : "B"];
  }
}

Deno.test("openImageDataset() keeps only small per-row metadata for a 20k-row file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_datasets_mem_" });
  try {
    const path = join(dir, "Big.tsv");
    const images = noiseImages();
    await writeTsvFile(path, ["index", "image", "question", "A", "B", "answer"], rows(images));
    const fileSize = (await Deno.stat(path)).size;
    const script = new URL("./testdata/measure_open_memory.ts", import.meta.url).pathname;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--expose-gc", script, path],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const measured = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(measured.size, ROWS);
    assert.equal(measured.lastIndex, String(ROWS - 1));
    assert.ok(fileSize > 50_000_000, `the file should be large: ${fileSize} bytes`);
    assert.ok(
      measured.heapGrowth < 300 * ROWS,
      `heap kept after opening: ${measured.heapGrowth} bytes for ${ROWS} rows`,
    );
    assert.ok(
      measured.rssGrowth < fileSize / 2,
      `RSS growth ${measured.rssGrowth} bytes for a ${fileSize}-byte file`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
