import assert from "node:assert/strict";
import { DEFAULT_OUT_DIR, KEPT_RESULTS_DIR } from "./_out_dir.ts";

function git(args: string[]): { code: number; stdout: string } {
  const out = new Deno.Command("git", {
    args,
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test({
  name: "bench:memory without --out writes to a folder git ignores, never over the kept results",
  // A copy of the tree without .git (a release archive) has nothing to check against.
  ignore: git(["rev-parse", "--git-dir"]).code !== 0,
  fn() {
    assert.notEqual(DEFAULT_OUT_DIR, KEPT_RESULTS_DIR);
    assert.equal(git(["check-ignore", "-q", `${DEFAULT_OUT_DIR}/summary.md`]).code, 0);
    assert.equal(git(["ls-files", DEFAULT_OUT_DIR]).stdout, "", "nothing tracked there");
    assert.notEqual(git(["ls-files", KEPT_RESULTS_DIR]).stdout, "", "the kept results are tracked");
  },
});
