/**
 * Doc lint of every package entry point (each `exports` entry of each package's deno.json, so
 * subpath doors such as `./testing` are held to the same rules as `mod.ts`): runs
 * `deno doc --lint` over all of them at once.
 *
 * Usage: deno run --allow-read --allow-run scripts/check_docs.ts
 * Exit: `deno doc --lint`'s exit code (0 when every exported symbol is documented); 2 for a bad
 * option.
 */
import { join } from "node:path";
import { parseScriptArgs } from "./_script_help.ts";

parseScriptArgs(import.meta, {});

const packagesDir = new URL("../packages/", import.meta.url).pathname;
const entryPoints: string[] = [];
for (const entry of [...Deno.readDirSync(packagesDir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
  if (!entry.isDirectory) continue;
  const dir = join(packagesDir, entry.name);
  const config = JSON.parse(Deno.readTextFileSync(join(dir, "deno.json")));
  const exports = typeof config.exports === "string" ? { ".": config.exports } : config.exports;
  for (const target of Object.values(exports ?? {}) as string[]) {
    entryPoints.push(join(dir, target));
  }
}
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--lint", ...entryPoints],
  stdout: "inherit",
  stderr: "inherit",
}).output();
Deno.exit(code);
