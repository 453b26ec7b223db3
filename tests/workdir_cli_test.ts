/**
 * End-to-end: the work dir's own edges, through the real CLI. A read-only work dir is refused
 * before anything runs, with what to do (and a finished run on a read-only share is scored
 * into `--out-dir`); a full disk leaves no empty `status.json.lock`, and an empty one found
 * later is taken over at once with a word; unreadable journal lines are named; temporary files
 * of killed writers are removed by the next run.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { writePredictions } from "@vlmeval/report";
import {
  cliCommand,
  journalPath,
  predictionPath,
  REPO,
  runProcess,
  writeMcqTsv,
} from "./helpers/distributed_cli.ts";
import { inMountNamespace, MOUNT_NAMESPACE_UNAVAILABLE } from "./helpers/mount_namespace.ts";
import { walk } from "./helpers/walk.ts";
import { cliArgs, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-workdir-");

/** `cliCommand()` and `args` as one bash command line. */
function shellCli(args: string[]): string {
  const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;
  return [...cliCommand(), ...args].map(quote).join(" ");
}

/** Splits the output of a script that echoes `== name code` after each step. */
function steps(stdout: string): Map<string, number> {
  return new Map(
    [...stdout.matchAll(/^== (\S+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
}

Deno.test({
  name: "a read-only work dir is refused before anything runs; --out-dir scores a finished run",
  ignore: MOUNT_NAMESPACE_UNAVAILABLE !== "",
  async fn() {
    await withTemp(async (dir) => {
      await writeMcqTsv(`${dir}/Bench.tsv`, 6);
      const work = `${dir}/share`;
      const base = ["--model", "ConstantAnswer", "--data", `${dir}/Bench.tsv`, "--quiet"];
      const finished = await runProcess([...base, "--work-dir", work]);
      assert.equal(finished.code, 0, finished.stderr);
      const before = walk(work).sort();
      const run = await inMountNamespace(`
        cd ${REPO}
        mount --bind ${work} ${work} && mount -o remount,bind,ro ${work}
        ${shellCli([...base, "--work-dir", work])}; echo "== infer $?"
        ${shellCli([...base, "--work-dir", work, "--mode", "eval"])}; echo "== eval $?"
        ${shellCli([...base, "--work-dir", work, "--mode", "eval", "--out-dir", `${dir}/scores`])}
        echo "== out-dir $?"
      `);
      const codes = steps(run.stdout);
      assert.equal(codes.get("infer"), EXIT_CODES.usage, run.stderr);
      assert.equal(codes.get("eval"), EXIT_CODES.usage, run.stderr);
      assert.equal(codes.get("out-dir"), EXIT_CODES.ok, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(`Cannot write results into --work-dir ${work} as .*: nothing was run`),
      );
      assert.match(run.stderr, /To score a finished run on a read-only share, pass --out-dir DIR/);
      assert.doesNotMatch(run.stderr, /os error|Stack backtrace| {4}at /, "no raw OS error");
      // The share is as it was; the scores went to --out-dir.
      assert.deepEqual(walk(work).sort(), before);
      const scores = walk(`${dir}/scores`).map((p) => p.slice(dir.length + 1)).sort();
      assert.deepEqual(scores, [
        "scores/ConstantAnswer/ConstantAnswer_Bench_acc.csv",
        "scores/ConstantAnswer/ConstantAnswer_Bench_exact_matching_result.xlsx",
        "scores/ConstantAnswer/status.json",
      ]);
    });
  },
});

Deno.test("--out-dir is refused outside --mode eval", async () => {
  const run = await runProcess(["--model", "ConstantAnswer", "--out-dir", "/tmp/x"]);
  assert.equal(run.code, EXIT_CODES.usage, run.stderr);
  assert.match(run.stderr, /Cannot use --out-dir with --mode all as inference writes/);
});

Deno.test({
  name: "a full disk leaves no empty status.json.lock behind, and the next run is not stalled",
  ignore: MOUNT_NAMESPACE_UNAVAILABLE !== "",
  async fn() {
    await withTemp(async (dir) => {
      await writeMcqTsv(`${dir}/Bench.tsv`, 4);
      const work = `${dir}/disk`;
      await Deno.mkdir(work);
      const args = ["--model", "ConstantAnswer", "--data", `${dir}/Bench.tsv`, "--quiet"];
      const run = await inMountNamespace(`
        cd ${REPO}
        mount -t tmpfs -o size=1m tmpfs ${work}
        ${shellCli([...args, "--work-dir", work])}; echo "== first $?"
        rm ${work}/ConstantAnswer/ConstantAnswer_Bench.xlsx
        dd if=/dev/zero of=${work}/fill bs=4k 2>/dev/null; echo "== filled"
        ${shellCli([...args, "--work-dir", work])}; echo "== full $?"
        ls -a ${work}/ConstantAnswer; echo "== listed"
        rm ${work}/fill
        ${shellCli([...args, "--work-dir", work])}; echo "== freed $?"
      `);
      const codes = steps(run.stdout);
      assert.equal(codes.get("first"), 0, run.stderr);
      assert.notEqual(codes.get("full"), 0, "writing onto a full disk fails");
      const listing = run.stdout.slice(
        run.stdout.indexOf("== filled"),
        run.stdout.indexOf("== listed"),
      );
      assert.doesNotMatch(listing, /status\.json\.lock/, "no empty lock was left");
      assert.doesNotMatch(listing, /\.tmp\b/, "no temporary file was left");
      assert.equal(codes.get("freed"), 0, run.stderr);
    });
  },
});

Deno.test("an empty status.json.lock (left by a full disk) is taken over at once, with a word", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const lock = `${dir}/out/ConstantAnswer/status.json.lock`;
    await Deno.mkdir(`${dir}/out/ConstantAnswer`, { recursive: true });
    await Deno.writeTextFile(lock, "");
    const old = new Date(Date.now() - 10_000);
    await Deno.utime(lock, old, old);
    const run = await runProcess(cliArgs(dir, "ConstantAnswer", "--quiet"));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /took over .*status\.json\.lock: it names no holder .*full disk/);
    const status = JSON.parse(await Deno.readTextFile(`${dir}/out/ConstantAnswer/status.json`));
    assert.equal(status.datasets.Bench.status, "done");
    assert.throws(() => Deno.statSync(lock), Deno.errors.NotFound);
  });
});

Deno.test("unreadable journal lines are named (file and line) and their samples computed again", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 6);
    const args = cliArgs(dir, "ConstantAnswer", "--quiet");
    const first = await runProcess(args);
    assert.equal(first.code, 0, first.stderr);
    const journal = `${journalPath(`${dir}/out`, "ConstantAnswer", "Bench")}/rank0of1.jsonl`;
    const lines = (await Deno.readTextFile(journal)).trimEnd().split("\n");
    lines[1] = lines[1].slice(0, 20); // torn
    lines[3] = '{"not": "a record"}'; // damaged
    await Deno.writeTextFile(journal, lines.join("\n") + "\n");
    const rerun = await runProcess(args);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(
      rerun.stderr,
      new RegExp(
        `Bench: 2 journal lines could not be read and were skipped \\(${journal} lines 2, 4\\)`,
      ),
    );
    assert.match(rerun.stderr, /2 done, 4 reused/);
  });
});

Deno.test("a run removes the temporary files of writers killed mid-write", async () => {
  await withTemp(async (dir) => {
    const rows = 30_000;
    await writeMcqTsv(`${dir}/Bench.tsv`, rows);
    const file = predictionPath(`${dir}/out`, "ConstantAnswer", "Bench", "tsv");
    await Deno.mkdir(`${dir}/out/ConstantAnswer`, { recursive: true });
    // An earlier prediction file to import: the run goes straight to writing the merged file.
    await writePredictions(
      file,
      ["index", "prediction"],
      Array.from({ length: rows }, (_, i) => ({ index: String(i), prediction: "A" })),
    );
    const args = cliArgs(dir, "ConstantAnswer", "--mode", "infer", "--format", "tsv", "--quiet");
    const [command, ...prefix] = cliCommand();
    const child = new Deno.Command(command, {
      args: [...prefix, ...args],
      cwd: REPO,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const temporary = () =>
      [...Deno.readDirSync(`${dir}/out/ConstantAnswer`)].filter((e) => e.name.endsWith(".tmp"));
    while (temporary().length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    child.kill("SIGKILL");
    await child.status;
    const left = temporary().map((e) => e.name);
    assert.ok(left.length > 0, "the killed writer left its temporary file");
    // An old temporary file of an earlier version (no writer named) is removed too.
    const legacy = `${dir}/out/ConstantAnswer/.ConstantAnswer_Bench_acc.csv.1a2b3c4d.tmp`;
    await Deno.writeTextFile(legacy, "old");
    const old = new Date(Date.now() - 3_600_000);
    await Deno.utime(legacy, old, old);

    const rerun = await runProcess(args);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stderr, /removed \d+ temporary file\(s\) left by killed writers of Bench/);
    assert.deepEqual(walk(dir).filter((p) => p.endsWith(".tmp")), []);
  });
});
