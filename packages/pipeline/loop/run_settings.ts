/**
 * The generation settings a job's answers were made with, kept beside its journals as
 * `settings.json`, so a resumed run never mixes answers made with other settings.
 *
 * @module
 */
import { writeAtomically } from "@vlmeval/internal";
import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { readJournals } from "./journal.ts";

/** A resumed job's answers were made with other settings; the message lists the changes. */
export class SettingsChangedError extends Error {
  /** Resuming with other settings is refused as a usage error: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"SettingsChangedError"`. */
  override name = "SettingsChangedError";
}

/** `settings.json` in a job's journal folder. */
export function settingsPath(journalDir: string): string {
  return `${journalDir}/settings.json`;
}

/**
 * Checks `settings` against the ones recorded for a job: a job whose journal holds answers
 * made with other settings is refused (answers of two temperatures, token limits or prompts in
 * one prediction file would score neither). A journal from before settings were recorded is
 * adopted with a warning. Nothing is written: {@linkcode recordRunSettings} records them once
 * the first sample is about to run.
 *
 * Refusing, rather than starting a second journal beside the first, keeps one prediction file
 * per (model name, benchmark): two sets of settings under one name would overwrite each other's
 * predictions and scores. `--model-name` keeps them apart.
 *
 * @throws {SettingsChangedError} (exit code 2) naming each changed setting and what to do.
 */
export async function checkRunSettings(
  journalDir: string,
  settings: Readonly<Record<string, unknown>>,
  job: { task: string; modelName: string; warn: (message: string) => void },
): Promise<void> {
  const path = settingsPath(journalDir);
  let recorded: Record<string, unknown> | undefined;
  try {
    recorded = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new SettingsChangedError(
        `Cannot resume ${job.task} for model ${job.modelName} as ${path} cannot be read ` +
          `(${(err as Error).message}): remove it to adopt the answers so far as made with ` +
          `this run's settings`,
      );
    }
  }
  if (recorded === undefined) {
    const answers = readJournals(journalDir).records.size;
    if (answers > 0) {
      job.warn(
        `${job.task}: ${answers} answers from an earlier run whose settings were not recorded ` +
          `are reused as made with this run's settings`,
      );
    }
    return;
  }
  const changes = settingChanges(recorded, settings);
  if (changes.length === 0) return;
  throw new SettingsChangedError(
    `Cannot resume ${job.task} for model ${job.modelName} as its answers so far were made with ` +
      `other settings (${changes.join("; ")}): pass --model-name NAME to keep this run's ` +
      `answers apart, or remove ${journalDir} (and the prediction file) to start over`,
  );
}

/** Writes `settings.json` for a job unless it is there (checked: see `checkRunSettings`). */
export async function recordRunSettings(
  journalDir: string,
  settings: Readonly<Record<string, unknown>>,
): Promise<void> {
  const path = settingsPath(journalDir);
  if (await Deno.stat(path).then(() => true, () => false)) return;
  await Deno.mkdir(journalDir, { recursive: true });
  await writeAtomically(
    path,
    (temp) => Deno.writeTextFile(temp, JSON.stringify(settings, null, 2) + "\n"),
  );
}

/** `key: before → after` for each setting that differs, in key order. */
export function settingChanges(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const shown = (value: unknown) => value === undefined ? "unset" : canonical(value);
  return keys
    .filter((key) => canonical(before[key]) !== canonical(after[key]))
    .map((key) => `${key}: ${shown(before[key])} → ${shown(after[key])}`);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function canonical(value: unknown): string {
  if (value === undefined) return "undefined";
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
        : v,
  );
}
