import assert from "node:assert/strict";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
import { JournalWriter } from "./journal.ts";
import {
  checkRunSettings,
  recordRunSettings,
  settingChanges,
  SettingsChangedError,
  settingsPath,
} from "./run_settings.ts";

const JOB = { task: "Bench", modelName: "qwen" };

Deno.test("recordRunSettings() records once; checkRunSettings() accepts them in any key order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-settings-" });
  try {
    const warnings: string[] = [];
    const job = { ...JOB, warn: (m: string) => warnings.push(m) };
    const settings = { model: "m", temperature: 0, extra_body: { a: 1, b: 2 } };
    await checkRunSettings(`${dir}/j`, settings, job);
    assert.ok(
      !await Deno.stat(`${dir}/j`).then(() => true, () => false),
      "checking writes nothing",
    );
    await recordRunSettings(`${dir}/j`, settings);
    await recordRunSettings(`${dir}/j`, { model: "other" });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(settingsPath(`${dir}/j`))), {
      model: "m",
      temperature: 0,
      extra_body: { a: 1, b: 2 },
    });
    await checkRunSettings(
      `${dir}/j`,
      { extra_body: { b: 2, a: 1 }, temperature: 0, model: "m" },
      job,
    );
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkRunSettings() refuses a resume with other settings, naming each change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-settings-" });
  try {
    const job = { ...JOB, warn: () => {} };
    await recordRunSettings(dir, { model: "m", temperature: 0, max_tokens: 2048 });
    const err = await checkRunSettings(dir, {
      model: "m",
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 2048,
    }, job)
      .then(() => undefined, (e) => e);
    assert.ok(err instanceof SettingsChangedError);
    assert.equal(exitCodeOf(err), EXIT_CODES.usage);
    assert.equal(
      err.message,
      "Cannot resume Bench for model qwen as its answers so far were made with other settings " +
        "(temperature: 0 → 0.7; top_p: unset → 0.9): pass --model-name NAME to keep this run's " +
        `answers apart, or remove ${dir} (and the prediction file) to start over`,
    );
    assert.deepEqual(JSON.parse(await Deno.readTextFile(settingsPath(dir))).temperature, 0, "kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkRunSettings() adopts a journal from before settings were recorded, with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-settings-" });
  try {
    const journal = JournalWriter.open(dir, 0, 1);
    journal.append({ index: "1", prediction: "A", ok: true });
    journal.close();
    const warnings: string[] = [];
    await checkRunSettings(dir, { model: "m" }, { ...JOB, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [
      "Bench: 1 answers from an earlier run whose settings were not recorded are reused as made with this run's settings",
    ]);
    assert.deepEqual(settingChanges({ a: [1, 2] }, { a: [1, 2] }), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
