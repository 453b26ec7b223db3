/**
 * @vlmeval/viewer/testing: a real headless Chromium for vlmeval's own tests and benchmarks of the
 * report page (Debian's `chromium` package, driven by `puppeteer-core`). For tests only.
 *
 * @example Open a page
 * ```ts ignore
 * import { findChromium, launchChromium } from "@vlmeval/viewer/testing";
 * const browser = await launchChromium(findChromium()!, await Deno.makeTempDir());
 * const page = await browser.newPage();
 * await page.goto("file:///tmp/report.html");
 * await browser.close();
 * ```
 *
 * @module
 */
// @ts-types="./_puppeteer.d.ts"
import puppeteer from "puppeteer-core";
import type { Browser } from "./_puppeteer.d.ts";

export type { Browser, ConsoleMessage, Page } from "./_puppeteer.d.ts";

/** Where Chromium is looked for: `$CHROMIUM_BIN`, then Debian's and other usual paths. */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The Chromium binary to use, or undefined when none is installed. */
export function findChromium(): string | undefined {
  const candidates = [Deno.env.get("CHROMIUM_BIN") ?? "", ...CHROMIUM_CANDIDATES];
  for (const path of candidates) {
    if (path === "") continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Flags that make Chromium run here: headless, no sandbox (tests run as root in containers),
 * no GPU, and nothing that reaches the network on its own (QUIC, background services,
 * component updates, sync, first-run pages).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Starts headless Chromium with {@linkcode CHROMIUM_FLAGS} and a fresh profile in
 * `<tempDir>/profile` (so nothing is read from or left in the user's).
 */
export async function launchChromium(
  executablePath: string,
  tempDir: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<Browser> {
  return await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${tempDir}/profile`],
    defaultViewport: viewport,
  });
}
export { HOSTILE_PREDICTIONS, writePartialWorkDir } from "./partial_work_dir.ts";
