import assert from "node:assert/strict";

/**
 * Keeps the repository small enough to submit: a core dump, a build output or a data file that
 * a script can make again must never be committed. Files git tracks (and untracked ones it does
 * not ignore) are checked.
 */
const LIMIT_BYTES = 2 * 1024 * 1024;
const root = new URL("..", import.meta.url).pathname;

async function gitFiles(): Promise<string[] | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      cwd: root,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return undefined;
    return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

Deno.test("repository holds no file over 2 MiB and no core dump", async () => {
  const files = await gitFiles();
  if (!files) {
    console.warn("not a git checkout: repository size not checked");
    return;
  }
  assert.ok(files.length > 50, `git lists only ${files.length} files`);
  const problems: string[] = [];
  for (const file of files) {
    const name = file.split("/").at(-1)!;
    if (/^core(\.\d+)?$/.test(name)) problems.push(`${file}: a core dump`);
    try {
      const { size } = await Deno.stat(`${root}${file}`);
      if (size > LIMIT_BYTES) problems.push(`${file}: ${(size / 2 ** 20).toFixed(1)} MiB`);
    } catch {
      // Deleted in the work tree but not yet in the index: nothing to submit.
    }
  }
  assert.deepEqual(problems, [], `files too big to commit:\n${problems.join("\n")}`);
});
