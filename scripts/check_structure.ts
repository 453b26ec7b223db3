/**
 * Package-structure checks run by `deno task check`:
 * - every package under packages/ has a deno.json named `@vlmeval/<folder>` and a mod.ts;
 * - dependencies between packages point one way (the table below), by workspace name only:
 *   no relative import reaches into another package;
 * - nothing imports from JSR (unreachable from our machines).
 *
 * Usage: deno run --allow-read scripts/check_structure.ts
 * Exit: 0 when every check passes; 1 with the list of problems; 2 for a bad option.
 */
import { parseScriptArgs } from "./_script_help.ts";

parseScriptArgs(import.meta, {});

const ALLOWED: Record<string, string[]> = {
  schema: [],
  delimited: [],
  native: ["schema"],
  datasets: ["schema", "delimited"],
  report: ["schema", "delimited"],
  scoring: ["schema", "datasets"],
  video: ["schema", "delimited"],
  catalog: ["schema"],
  models: ["schema", "native"],
  pipeline: ["schema", "native", "datasets", "models", "video", "scoring", "report"],
  cli: ["schema", "native", "models", "pipeline", "report", "catalog"],
};

const root = new URL("../packages/", import.meta.url).pathname;
const problems: string[] = [];

function* tsFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "node_modules" && entry.name !== "bundled") {
      yield* tsFiles(path);
    } else if (entry.isFile && entry.name.endsWith(".ts")) {
      yield path;
    }
  }
}

for (const entry of Deno.readDirSync(root)) {
  if (!entry.isDirectory) continue;
  const pkg = entry.name;
  const dir = `${root}${pkg}`;
  const allowed = ALLOWED[pkg];
  if (!allowed) problems.push(`packages/${pkg}: not in the dependency table of this script`);
  try {
    const config = JSON.parse(Deno.readTextFileSync(`${dir}/deno.json`));
    if (config.name !== `@vlmeval/${pkg}`) {
      problems.push(`packages/${pkg}/deno.json: name must be "@vlmeval/${pkg}"`);
    }
  } catch {
    problems.push(`packages/${pkg}: missing or unreadable deno.json`);
  }
  try {
    Deno.statSync(`${dir}/mod.ts`);
  } catch {
    problems.push(`packages/${pkg}: missing mod.ts`);
  }
  for (const file of tsFiles(dir)) {
    const rel = file.slice(root.length - "packages/".length);
    const text = Deno.readTextFileSync(file);
    const isTest = /_test\.ts$/.test(file);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const spec = m[1];
      if (spec.startsWith("jsr:")) problems.push(`${rel}: imports from JSR (${spec})`);
      const dep = spec.match(/^@vlmeval\/([a-z_]+)/)?.[1];
      if (dep && dep !== pkg && allowed && !allowed.includes(dep) && !isTest) {
        problems.push(`${rel}: @vlmeval/${pkg} must not depend on @vlmeval/${dep}`);
      }
      if (spec.startsWith("../")) {
        const target = new URL(spec, `file://${file}`).pathname;
        if (target.startsWith(root) && !target.startsWith(`${dir}/`)) {
          problems.push(`${rel}: reaches into another package by path (${spec})`);
        }
      }
    }
  }
}

if (problems.length) {
  console.error(`check_structure: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  Deno.exit(1);
}
console.log("check_structure: packages, dependency direction and imports are fine");
