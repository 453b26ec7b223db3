/**
 * End-to-end: `vlmeval cache` as a process, on a media cache written by a real run of the
 * bundled image and video benchmarks (images decoded, frames sampled by ffmpeg), with a frame
 * extraction held open in this process to stand for a run in progress.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type FfmpegTools, sampleVideoFrames } from "@vlmeval/media";
import { runProcess } from "./helpers/distributed_cli.ts";
import { tempDirRunner } from "./helpers/temp_dir.ts";

const MODEL = "ConstantAnswer";

const withTemp = tempDirRunner("vlmeval-cache-");

/** Every file under `dir` with its size and modification time, by relative path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (sub: string) => {
    for await (const entry of Deno.readDir(join(dir, sub))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory) {
        await walk(rel);
      } else {
        const info = await Deno.lstat(join(dir, rel));
        files.set(rel, `${info.size}@${info.mtime?.getTime()}`);
      }
    }
  };
  await walk("");
  return files;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Runs the bundled benchmarks once, so that the media cache holds their images and frames. */
async function populate(dir: string) {
  const run = await runProcess([
    "--model",
    MODEL,
    "--data",
    "Shapes_MCQ",
    "Shapes_Video_8frame_nopack",
    "--work-dir",
    dir,
    "--quiet",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const outputs = await snapshot(`${dir}/${MODEL}`);
  assert.ok(outputs.has(`${MODEL}_Shapes_MCQ.xlsx`));
  assert.ok([...outputs.keys()].some((p) => p.startsWith(`${MODEL}_Shapes_MCQ.journal/`)));
  return outputs;
}

const cache = (dir: string, ...args: string[]) =>
  runProcess(["cache", "--work-dir", dir, ...args], { env: { MMEVAL_ROOT: "" } });

/** The number in the `files` column of a dataset's line. */
function filesColumn(stdout: string, name: string): number {
  const line = stdout.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no line for ${name} in:\n${stdout}`);
  return Number(line.trim().split(/\s+/)[1]);
}

Deno.test("vlmeval cache lists, dry-runs and cleans one dataset, leaving predictions and journals", async () => {
  await withTemp(async (dir) => {
    const outputs = await populate(dir);
    const images = `${dir}/images`;
    const mcqFiles = (await snapshot(`${images}/Shapes_MCQ`)).size;
    const videoFiles = (await snapshot(`${images}/Shapes_Video`)).size;
    assert.ok(mcqFiles > 0 && videoFiles > 0);

    const list = await cache(dir);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(filesColumn(list.stdout, "Shapes_MCQ"), mcqFiles);
    assert.equal(filesColumn(list.stdout, "Shapes_Video"), videoFiles);
    assert.match(list.stdout, /^Shapes_MCQ\s+\d+\s+\d+(\.\d+)? (KiB|MiB)$/m);
    const total = list.stdout.match(/^total \(2 datasets\)\s+(\d+)\s+\S+ (KiB|MiB)$/m);
    assert.equal(Number(total?.[1]), mcqFiles + videoFiles, list.stdout);

    const dry = await cache(dir, "--clean", "--dry-run", "Shapes_MCQ");
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would remove/);
    assert.match(dry.stdout, /^Shapes_MCQ\s/m);
    assert.doesNotMatch(dry.stdout, /^Shapes_Video\s/m);
    assert.equal(
      (await snapshot(`${images}/Shapes_MCQ`)).size,
      mcqFiles,
      "a dry run removes nothing",
    );

    const clean = await cache(dir, "--clean", "Shapes_MCQ");
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /removed/);
    assert.equal(await exists(`${images}/Shapes_MCQ`), false);
    assert.equal((await snapshot(`${images}/Shapes_Video`)).size, videoFiles);
    assert.deepEqual(await snapshot(`${dir}/${MODEL}`), outputs, "predictions and journals");

    const after = await cache(dir);
    assert.doesNotMatch(after.stdout, /Shapes_MCQ/);
    assert.match(after.stdout, /^total \(1 dataset\)/m);

    // A rerun decodes the images again and reuses every answer.
    const rerun = await runProcess(
      ["--model", MODEL, "--data", "Shapes_MCQ", "--work-dir", dir, "--quiet"],
    );
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(await exists(`${images}/Shapes_MCQ`), false, "answers were reused");

    const all = await cache(dir, "--clean", "--all");
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual([...Deno.readDirSync(images)], []);
    assert.equal((await cache(dir)).stdout.includes("empty"), true);
  });
});

Deno.test("vlmeval cache refuses path-like and unknown names with exit 2 and removes nothing", async () => {
  await withTemp(async (dir) => {
    await populate(dir);
    const before = await snapshot(dir);
    for (const bad of ["..", "../" + MODEL, "/", dir, ".", "Shapes_MCQ/..", MODEL, "Nope"]) {
      const run = await cache(dir, "--clean", "Shapes_Video", bad);
      assert.equal(run.code, 2, `${bad}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /Cannot use .* as (it is not a plain folder name|the media cache)/);
      assert.match(run.stderr, /Nothing was removed/);
    }
    const hint = await cache(dir, "--clean", "Shapes_Video_8frame_nopack");
    assert.equal(hint.code, 2);
    assert.match(hint.stderr, /base name "Shapes_Video"/);
    for (
      const usage of [["--clean"], ["--all"], ["--dry-run"], ["--clean", "--all", "X"], ["--x"]]
    ) {
      const run = await cache(dir, ...usage);
      assert.equal(run.code, 2, `${usage.join(" ")}: ${run.stderr}`);
    }
    assert.deepEqual(await snapshot(dir), before);

    const help = await runProcess(["cache", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /deno task eval cache --clean \[--dry-run\] NAME\.\.\./);
    const main = await runProcess(["--help"]);
    assert.match(main.stdout, /deno task eval cache \[--clean\] \[NAME\.\.\.\]/);
  });
});

Deno.test("vlmeval cache skips a dataset whose frames are being extracted now, and not one with a dead lock", async () => {
  await withTemp(async (dir) => {
    const clip = `${dir}/clip.mp4`;
    await Deno.writeTextFile(clip, "not decoded: ffprobe below never answers");
    // An ffprobe that hangs keeps the real extraction, and its lock, open until aborted.
    const hang = `${dir}/hang.sh`;
    await Deno.writeTextFile(hang, "#!/bin/sh\nexec sleep 60\n");
    await Deno.chmod(hang, 0o755);
    const tools: FfmpegTools = {
      ffmpeg: hang,
      ffprobe: hang,
      source: "FFMPEG_BIN",
      version: "ffmpeg version test",
      passthroughOption: "-fps_mode",
    };
    const framesDir = `${dir}/images/Busy/clip`;
    const controller = new AbortController();
    const extraction = sampleVideoFrames({
      video: clip,
      framesDir,
      sampling: { mode: "count", nframe: 8 },
      tools,
      signal: controller.signal,
    }).then(() => assert.fail("the hung extraction finished"), (error) => error);
    const lock = `${framesDir}/.frames-8frame.lock`;
    try {
      for (let i = 0; i < 200 && !(await exists(lock)); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok(await exists(lock), "the extraction took its lock");
      await Deno.mkdir(`${dir}/images/Idle/clip`, { recursive: true });
      // A lock left by a process that was killed: the next extraction would take it over.
      const dead = new Deno.Command("true").spawn();
      await dead.status;
      await Deno.writeTextFile(
        `${dir}/images/Idle/clip/.frames-8frame.lock`,
        `${dead.pid}\n${Deno.hostname()}\n`,
      );

      const list = await cache(dir);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^Busy\s.*frames being extracted/m);
      assert.doesNotMatch(list.stdout, /^Idle\s.*extracted/m);

      const clean = await cache(dir, "--clean", "Busy", "Idle");
      assert.equal(clean.code, 0, clean.stderr);
      assert.match(clean.stderr, /skipped Busy: frames are being extracted into it right now/);
      assert.equal(await exists(lock), true);
      assert.equal(
        await exists(`${dir}/images/Idle`),
        false,
        "a dead holder's lock is no obstacle",
      );

      const all = await cache(dir, "--clean", "--all");
      assert.equal(all.code, 0);
      assert.match(all.stderr, /skipped Busy/);
      assert.match(all.stdout, /nothing removed/);
    } finally {
      controller.abort();
      await extraction;
    }
    assert.equal(await exists(lock), false, "the aborted extraction released its lock");
    const clean = await cache(dir, "--clean", "Busy");
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(await exists(`${dir}/images/Busy`), false);
  });
});

Deno.test("vlmeval status says which ffmpeg it found and where from", async () => {
  const run = await runProcess(["status"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ffmpeg: (\S.* \(from [^)]+\): ffmpeg version|unavailable)/m);
});
