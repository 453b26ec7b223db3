/**
 * End-to-end: what the CLI shows, as a user sees it. The progress bar in a real terminal (a
 * pseudo-terminal from `script`) shows no ETA before the first sample and keeps the count,
 * rate, ETA and failures whole at 80 to 120 columns; the summary names models when there are
 * several and carries no `[rank 0]` prefix; the normal wait for other ranks is no warning;
 * `--verbose` prints every answer of a local model; the stop line counts a failure as failed,
 * not done; bad numbers are refused at once; `--version`; help names `deno task eval`.
 */
import assert from "node:assert/strict";
import { EXIT_CODES } from "@vlmeval/schema";
import { cliCommand, REPO, runProcess, writeMcqTsv } from "./helpers/distributed_cli.ts";
import { cliArgs, faultModelEnv, tempDirRunner } from "./helpers/temp_dir.ts";

const withTemp = tempDirRunner("vlmeval-display-");

const faults = (config: object) => faultModelEnv(config);

const NO_SCRIPT = (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync().success
      ? ""
      : "script (util-linux) does not run here";
  } catch {
    return "script (util-linux) is not installed";
  }
})();

Deno.test({
  name:
    "the progress bar in a terminal: ETA -- before the first sample, counts whole at 80-120 columns",
  ignore: NO_SCRIPT !== "",
  async fn() {
    await withTemp(async (dir) => {
      const data = `${dir}/A_benchmark_with_a_rather_long_name_for_a_narrow_terminal.tsv`;
      await writeMcqTsv(data, 12);
      for (const columns of [80, 100, 120]) {
        const command = [
          ...cliCommand(),
          "--model",
          "FaultInjection",
          "--data",
          data,
          "--work-dir",
          `${dir}/out${columns}`,
        ].map((a) => `'${a}'`).join(" ");
        const out = await new Deno.Command("script", {
          args: ["-qec", `stty cols ${columns} rows 40; ${command}`, "/dev/null"],
          cwd: REPO,
          env: { ...faults({ delayMs: 30 }), TERM: "xterm" },
          stdin: "null",
          stdout: "piped",
          stderr: "null",
        }).output();
        const text = new TextDecoder().decode(out.stdout);
        assert.equal(out.code, 0, text);
        // Each redraw of the bar: from the cursor's return to the start to the line's erasure.
        // deno-lint-ignore no-control-regex -- the terminal's escape sequences are the point
        const draws = [...text.matchAll(/\x1b\[1G(.*?)\x1b\[0K/g)].map((m) => m[1]);
        assert.ok(draws.length > 2, text);
        assert.match(draws[0], / 0\/12 0\.0\/s ETA -- failed 0$/);
        for (const line of draws) {
          assert.ok(line.length <= columns - 1, `${line.length} > ${columns - 1}: ${line}`);
          assert.match(line, / \d+\/12 [\d.]+\/s ETA (--|\d+s) failed 0$/);
        }
      }
    });
  },
});

Deno.test("the summary names each model when there are several, with no [rank 0] prefix", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 6);
    const run = await runProcess([
      "--model",
      "ConstantAnswer",
      "FaultInjection",
      "--data",
      `${dir}/Bench.tsv`,
      "--work-dir",
      `${dir}/out`,
      "--nproc",
      "2",
      "--quiet",
    ], { env: faults({}) });
    assert.equal(run.code, 0, run.stderr);
    const summary = run.stdout.slice(run.stdout.indexOf("Summary:"));
    assert.match(summary, /^model +benchmark +overall/m);
    assert.match(summary, /^ConstantAnswer +Bench /m);
    assert.match(summary, /^FaultInjection +Bench /m);
    assert.doesNotMatch(run.stdout, /\[rank \d\]/);
  });
});

Deno.test("the wait for other ranks is a note, not a warning", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const run = await runProcess(
      cliArgs(dir, "ConstantAnswer", "--rank", "0::2", "--rank-timeout", "1", "--quiet"),
    );
    assert.equal(run.code, EXIT_CODES.rankTimeout, run.stderr);
    assert.match(run.stderr, /^vlmeval: waiting for rank\(s\) 1 to finish Bench\.\.\.$/m);
    assert.doesNotMatch(run.stderr, /warning: .*[Ww]aiting for rank/);
  });
});

Deno.test("--verbose prints every answer of a local model; the stop line counts a failure as failed", async () => {
  await withTemp(async (dir) => {
    await writeMcqTsv(`${dir}/Bench.tsv`, 4);
    const args = ["--data", `${dir}/Bench.tsv`, "--work-dir", `${dir}/out`, "--quiet"];
    const verbose = await runProcess(["--model", "ConstantAnswer", ...args, "--verbose"]);
    assert.equal(verbose.code, 0, verbose.stderr);
    for (const index of ["0", "1", "2", "3"]) {
      assert.match(
        verbose.stderr,
        new RegExp(`\\[verbose\\] ConstantAnswer Bench ${index}: A$`, "m"),
      );
    }
    const stopped = await runProcess(["--model", "FaultInjection", ...args], {
      env: faults({ failOn: ["2"] }),
    });
    assert.equal(stopped.code, EXIT_CODES.sampleFailed, stopped.stderr);
    assert.match(stopped.stderr, /4 samples on this rank, 2 done, 0 reused, 1 failed/);
  });
});

Deno.test("bad numbers are refused at once, in words (exit 2)", async () => {
  for (
    const [args, message] of [
      [["--api-nproc", "0"], /Cannot use --api-nproc 0 as it must be >= 1/],
      [["--nproc", "-1"], /Cannot use --nproc -1 as it must be >= 1/],
      [["--max-frames", "0"], /Cannot use --max-frames 0 as it must be >= 1/],
    ] as const
  ) {
    const run = await runProcess(["--model", "ConstantAnswer", ...args]);
    assert.equal(run.code, EXIT_CODES.usage, run.stderr);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /ambiguous|parseArgs|apiNproc/);
  }
});

Deno.test("--version, and help that names deno task eval, not a vlmeval command", async () => {
  const version = await runProcess(["--version"]);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^vlmeval \d+\.\d+\.\d+ \(Deno \d+\.\d+\.\d+/);
  for (const args of [["--help"], ["eval", "--help"], ["cache", "--help"], ["fetch", "--help"]]) {
    const help = await runProcess(args);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /deno task eval/);
    // `vlmeval` names the program in titles; a command to type is always `deno task eval`.
    for (const line of help.stdout.split("\n")) {
      assert.doesNotMatch(line, /(^Usage: |^ +|See )vlmeval /, `"${line}" in ${args.join(" ")}`);
    }
  }
});
