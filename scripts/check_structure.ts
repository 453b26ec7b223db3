/**
 * Structure checks run by `deno task check`:
 * - every package under packages/ has a deno.json named `@vlmeval/<folder>` and a mod.ts that
 *   names its exports (no `export *`);
 * - dependencies between packages point one way (the table below, itself free of cycles), by
 *   workspace name or a subpath export the package declares; no relative import leaves its
 *   package;
 * - no import cycle between files, inside a package or across them;
 * - a package over 2,500 lines of non-test code has subfolders that name its parts;
 * - scripts/, benchmarks/ and tests/ use packages through their entry points only: never a
 *   package's private (`_`) file, test file, `testdata/` or any file by path, and never a test
 *   helper (`tests/helpers/` is for tests);
 * - nothing imports from JSR (unreachable from our machines).
 *
 * Usage: deno run --allow-read scripts/check_structure.ts
 * Exit: 0 when every check passes; 1 with the list of problems; 2 for a bad option.
 */
import { dirname, join, relative, resolve } from "node:path";
import { parseScriptArgs } from "./_script_help.ts";

parseScriptArgs(import.meta, {});

/**
 * The package map: each package and the packages it may import, lowest first. `internal` is
 * for vlmeval's packages only (std's `internal/`).
 */
const ALLOWED: Record<string, string[]> = {
  schema: [],
  internal: [],
  delimited: [],
  native: ["schema", "internal"],
  media: ["schema", "internal"],
  datasets: ["schema", "internal", "delimited", "media"],
  report: ["schema", "internal", "delimited"],
  catalog: ["schema", "internal", "datasets"],
  scoring: ["schema", "internal"],
  models: ["schema", "internal", "native", "media"],
  pipeline: [
    "schema",
    "internal",
    "native",
    "media",
    "datasets",
    "catalog",
    "models",
    "scoring",
    "report",
  ],
  viewer: ["schema", "internal", "delimited", "media", "report"],
  cli: [
    "schema",
    "internal",
    "native",
    "media",
    "datasets",
    "models",
    "pipeline",
    "report",
    "catalog",
    "viewer",
  ],
};

const repo = resolve(new URL("..", import.meta.url).pathname);
const packagesDir = join(repo, "packages");
const problems: string[] = [];
const rel = (path: string) => relative(repo, path);

function* tsFiles(dir: string): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && !["node_modules", "bundled", "target"].includes(entry.name)) {
      yield* tsFiles(path);
    } else if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      yield path;
    }
  }
}

/** Import and re-export specifiers of a file, doc-comment examples left out. */
function specifiersOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
}

/** The package deno.json files, by package name. */
const packages = new Map<string, { dir: string; exports: Record<string, string> }>();
for (const entry of Deno.readDirSync(packagesDir)) {
  if (!entry.isDirectory) continue;
  const pkg = entry.name;
  const dir = join(packagesDir, pkg);
  if (!ALLOWED[pkg]) problems.push(`packages/${pkg}: not in the dependency table of this script`);
  let exports: Record<string, string> = {};
  try {
    const config = JSON.parse(Deno.readTextFileSync(join(dir, "deno.json")));
    if (config.name !== `@vlmeval/${pkg}`) {
      problems.push(`packages/${pkg}/deno.json: name must be "@vlmeval/${pkg}"`);
    }
    exports = typeof config.exports === "string" ? { ".": config.exports } : config.exports ?? {};
  } catch {
    problems.push(`packages/${pkg}: missing or unreadable deno.json`);
  }
  try {
    const mod = Deno.readTextFileSync(join(dir, "mod.ts"));
    if (/^\s*export\s+\*/m.test(mod)) problems.push(`packages/${pkg}/mod.ts: uses export *`);
  } catch {
    problems.push(`packages/${pkg}: missing mod.ts`);
  }
  packages.set(pkg, { dir, exports });
}

/** Lines of non-test code a package may have with all its files in one folder. */
const FLAT_PACKAGE_LINES = 2500;

for (const [pkg, { dir }] of packages) {
  let lines = 0;
  let subfolders = 0;
  for (const file of tsFiles(dir)) {
    if (/_test\.ts$/.test(file) || file.includes("/testdata/")) continue;
    lines += Deno.readTextFileSync(file).split("\n").length;
    if (dirname(file) !== dir) subfolders++;
  }
  if (lines > FLAT_PACKAGE_LINES && subfolders === 0) {
    problems.push(
      `packages/${pkg}: ${lines} lines of code in one folder: over ${FLAT_PACKAGE_LINES}, ` +
        `give its parts subfolders`,
    );
  }
}

/** The table itself must not loop. */
function tableCycle(): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const walk = (pkg: string, path: string[]): string[] | undefined => {
    if (state.get(pkg) === "open") return [...path, pkg];
    if (state.get(pkg) === "done") return undefined;
    state.set(pkg, "open");
    for (const dep of ALLOWED[pkg] ?? []) {
      const found = walk(dep, [...path, pkg]);
      if (found) return found;
    }
    state.set(pkg, "done");
    return undefined;
  };
  for (const pkg of Object.keys(ALLOWED)) {
    const found = walk(pkg, []);
    if (found) return found;
  }
  return undefined;
}
const loop = tableCycle();
if (loop) problems.push(`the dependency table has a cycle: ${loop.join(" -> ")}`);

/** Resolves `@vlmeval/<pkg>[/<subpath>]` to its file, or reports why it cannot be used. */
function resolveWorkspace(spec: string, from: string): string | undefined {
  const m = spec.match(/^@vlmeval\/([a-z_]+)(\/.*)?$/);
  if (!m) return undefined;
  const found = packages.get(m[1]);
  if (!found) {
    problems.push(`${rel(from)}: imports an unknown package (${spec})`);
    return undefined;
  }
  const key = m[2] ? `.${m[2]}` : ".";
  const target = found.exports[key];
  if (!target) {
    problems.push(`${rel(from)}: ${spec} is not an export of @vlmeval/${m[1]}`);
    return undefined;
  }
  return join(found.dir, target);
}

/** The package a path lies in, or undefined outside packages/. */
function packageOf(path: string): string | undefined {
  const inside = relative(packagesDir, path);
  return inside.startsWith("..") ? undefined : inside.split("/")[0];
}

const graph = new Map<string, string[]>();
const roots = ["packages", "scripts", "benchmarks", "tests"].map((d) => join(repo, d));
for (const root of roots) {
  for (const file of tsFiles(root)) {
    const pkg = packageOf(file);
    const isTest = /_test\.ts$/.test(file) || file.includes("/testdata/");
    const edges: string[] = [];
    for (const spec of specifiersOf(Deno.readTextFileSync(file))) {
      if (spec.startsWith("jsr:")) problems.push(`${rel(file)}: imports from JSR (${spec})`);
      const workspaceTarget = resolveWorkspace(spec, file);
      if (workspaceTarget) {
        edges.push(workspaceTarget);
        const dep = packageOf(workspaceTarget)!;
        if (pkg && dep !== pkg && !isTest && !ALLOWED[pkg]?.includes(dep)) {
          problems.push(`${rel(file)}: @vlmeval/${pkg} must not depend on @vlmeval/${dep}`);
        }
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      edges.push(target);
      const targetPkg = packageOf(target);
      if (pkg && targetPkg !== pkg) {
        problems.push(`${rel(file)}: reaches outside its package by path (${spec})`);
      } else if (!pkg && targetPkg) {
        problems.push(
          `${rel(file)}: reaches into packages/${targetPkg} by path (${spec}); use ` +
            `@vlmeval/${targetPkg} or one of its subpath exports`,
        );
      } else if (!pkg && !file.startsWith(join(repo, "tests")) && target.includes("/tests/")) {
        problems.push(`${rel(file)}: imports a test helper (${spec})`);
      }
    }
    graph.set(file, edges);
  }
}

/** Every import cycle between files, each reported once. */
function fileCycles(): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
for (const cycle of fileCycles()) {
  problems.push(`import cycle: ${cycle.map(rel).join(" -> ")}`);
}

if (problems.length) {
  console.error(`check_structure: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  Deno.exit(1);
}
console.log(
  `check_structure: ${packages.size} packages, ${graph.size} files: dependency direction, ` +
    `entry points and imports are fine, no import cycle`,
);
