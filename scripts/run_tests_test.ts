import assert from "node:assert/strict";
import { checkoutChanges, checkoutFiles } from "./_checkout_files.ts";

const SCRIPT = new URL("./run_tests.ts", import.meta.url).pathname;

Deno.test("checkoutChanges() names files made, changed and removed, not git's or Deno's", async () => {
  const root = await Deno.makeTempDir({ prefix: "vlmeval-checkout-" });
  try {
    await Deno.mkdir(`${root}/node_modules/x`, { recursive: true });
    await Deno.mkdir(`${root}/.git`);
    await Deno.writeTextFile(`${root}/kept.ts`, "a");
    await Deno.writeTextFile(`${root}/changed.ts`, "a");
    await Deno.writeTextFile(`${root}/removed.ts`, "a");
    const before = checkoutFiles(root);
    await Deno.writeTextFile(`${root}/changed.ts`, "ab");
    await Deno.remove(`${root}/removed.ts`);
    await Deno.mkdir(`${root}/outputs/M`, { recursive: true });
    await Deno.writeTextFile(`${root}/outputs/M/status.json`, "{}");
    await Deno.writeTextFile(`${root}/node_modules/x/cache`, "");
    await Deno.writeTextFile(`${root}/.git/index`, "");
    assert.deepEqual(checkoutChanges(before, checkoutFiles(root)), [
      "~ changed.ts",
      "+ outputs/M/status.json",
      "- removed.ts",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run_tests fails a passing suite whose test wrote into the checkout, naming the file", async () => {
  const root = await Deno.makeTempDir({ prefix: "vlmeval-checkout-" });
  try {
    await Deno.writeTextFile(
      `${root}/writes_test.ts`,
      `Deno.test("writes ./outputs", () => {
        Deno.mkdirSync("outputs/M", { recursive: true });
        Deno.writeTextFileSync("outputs/M/status.json", "{}");
      });\n`,
    );
    const run = async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", SCRIPT, "--root", root, "--", "--quiet"],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
    };
    const dirty = await run();
    assert.equal(dirty.code, 1, dirty.stderr);
    assert.match(
      dirty.stderr,
      /the tests wrote into the checkout .*\n {2}\+ outputs\/M\/status\.json/,
    );

    await Deno.writeTextFile(`${root}/writes_test.ts`, `Deno.test("clean", () => {});\n`);
    await Deno.remove(`${root}/outputs`, { recursive: true });
    const clean = await run();
    assert.equal(clean.code, 0, clean.stderr);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
