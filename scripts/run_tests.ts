/**
 * Runs the test suite (`deno test --allow-all`, with any arguments given after `--`) and checks
 * that no test wrote into the checkout: every test works in its own temporary folder. The files
 * of the checkout (but `.git`, `node_modules` and Rust `target` folders) are listed before and
 * after; a file made, changed or removed during the run fails it, named (a test that runs the
 * CLI without `--work-dir` leaves `./outputs/` behind, for one).
 *
 * Usage: deno run --allow-all scripts/run_tests.ts [--root DIR] [-- DENO_TEST_ARGS...]
 *   --root DIR  the checkout to run in and watch (default: this repository)
 * Exit: the tests' exit code; 1 when they passed but wrote into the checkout; 2 for a bad
 * option.
 */
import { parseScriptArgs } from "./_script_help.ts";
import { checkoutChanges, checkoutFiles } from "./_checkout_files.ts";

const end = Deno.args.indexOf("--");
const own = end < 0 ? Deno.args : Deno.args.slice(0, end);
const testArgs = end < 0 ? [] : Deno.args.slice(end + 1);
const { values } = parseScriptArgs(import.meta, { root: { type: "string" } }, { args: own });
const root = values.root ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const before = checkoutFiles(root);
const status = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", ...testArgs],
  cwd: root,
  stdin: "null",
}).spawn().status;
const changes = checkoutChanges(before, checkoutFiles(root));
if (changes.length > 0) {
  const shown = changes.slice(0, 30).join("\n  ") +
    (changes.length > 30 ? `\n  ... and ${changes.length - 30} more` : "");
  console.error(
    `run_tests: the tests wrote into the checkout ${root} (each test must work in its own ` +
      `temporary folder):\n  ${shown}`,
  );
  if (status.success) Deno.exit(1);
}
Deno.exit(status.code);
