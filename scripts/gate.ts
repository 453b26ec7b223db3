/**
 * The gate `deno task test` runs before the tests (and CI with it): every check the project
 * keeps clean, in order, stopping at the first that fails.
 *
 * 1. `deno fmt --check`, `deno lint`, `deno check` (every file);
 * 2. doc lint of every package entry point (`scripts/check_docs.ts`);
 * 3. package structure: dependency direction, entry points, no import cycle between files
 *    (`scripts/check_structure.ts`);
 * 4. the hand-written native binding matches the generated `crates/cuda_addon/index.d.ts`
 *    (`scripts/_binding_matches_generated.ts`, a type-level check);
 * 5. the Rust crate: `cargo fmt --check`, `cargo clippy -- -D warnings` (the crate denies
 *    `clippy::undocumented_unsafe_blocks`), `cargo test`.
 *
 * Usage: deno run --allow-all scripts/gate.ts [--no-rust]
 *   --no-rust  skip step 5 (machines without Rust; CI never passes it)
 * Exit: 0 when every step passes; the failing step's exit code otherwise (1 when its tool is
 * missing); 2 for a bad option.
 */
import { parseScriptArgs } from "./_script_help.ts";

const { values } = parseScriptArgs(import.meta, { "no-rust": { type: "boolean" } });

const root = new URL("..", import.meta.url).pathname;
const crate = `${root}crates/cuda_addon`;
const deno = Deno.execPath();

interface Step {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  /** What to do when the tool itself is missing. */
  install?: string;
}

const steps: Step[] = [
  { name: "deno fmt --check", command: deno, args: ["fmt", "--check", "--quiet"] },
  { name: "deno lint", command: deno, args: ["lint", "--quiet"] },
  { name: "deno check", command: deno, args: ["check", "--quiet"] },
  {
    name: "doc lint of every entry point",
    command: deno,
    args: ["run", "--allow-read", "--allow-run", "scripts/check_docs.ts"],
  },
  {
    name: "package structure",
    command: deno,
    args: ["run", "--allow-read", "scripts/check_structure.ts"],
  },
  {
    name: "native binding.ts matches the generated index.d.ts",
    command: deno,
    args: ["check", "--quiet", "scripts/_binding_matches_generated.ts"],
  },
];
const cargo = (name: string, args: string[], component?: string): Step => ({
  name,
  command: "cargo",
  args,
  cwd: crate,
  install: component ? `rustup component add ${component}` : "install Rust (https://rustup.rs)",
});
if (!values["no-rust"]) {
  steps.push(
    cargo("cargo fmt --check", ["fmt", "--check"], "rustfmt"),
    cargo(
      "cargo clippy -D warnings",
      ["clippy", "--release", "--quiet", "--", "-D", "warnings"],
      "clippy",
    ),
    cargo("cargo test", ["test", "--release", "--quiet"]),
  );
}

const started = performance.now();
for (const [n, step] of steps.entries()) {
  const t0 = performance.now();
  console.error(`gate ${n + 1}/${steps.length}: ${step.name}`);
  let code: number;
  try {
    ({ code } = await new Deno.Command(step.command, {
      args: step.args,
      cwd: step.cwd ?? root,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output());
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    console.error(
      `gate: cannot run ${step.name} as ${step.command} is not on PATH: ${step.install}`,
    );
    Deno.exit(1);
  }
  if (code !== 0) {
    const hint = step.install && code === 101
      ? ` (if ${step.command} lacks it: ${step.install})`
      : "";
    console.error(`gate: ${step.name} failed with exit code ${code}${hint}`);
    Deno.exit(code);
  }
  console.error(`gate ${n + 1}/${steps.length}: ${step.name}: ok (${seconds(t0)} s)`);
}
console.error(`gate: all ${steps.length} checks passed in ${seconds(started)} s`);

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
