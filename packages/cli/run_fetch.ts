import { parseArgs } from "node:util";
import { createDownloadProgress, ensureDataset, findBenchmark } from "@vlmeval/catalog";
import { EXIT_CODES, exitCodeOf } from "@vlmeval/schema";
import { describeError } from "./errors.ts";

/** `vlmeval fetch --help`. */
export const FETCH_HELP = `vlmeval fetch: download benchmarks by name into the data root

Usage: vlmeval fetch [options] NAME...

Downloads each benchmark of the catalog (see vlmeval datasets) into $LMUData (created when
missing; without it ~/LMUData), as VLMEvalKit does: <root>/<NAME>.tsv, or for a video benchmark
<root>/<NAME>/ with <NAME>.tsv beside its video/ folder, fetched from its Hugging Face
repository and unpacked. A video preset name (Video-MME_8frame, MMBench_Video_8frame_pack)
fetches its benchmark. A verified file is left alone; a file whose MD5 differs from the
catalog's is downloaded again, with a warning (--keep keeps it).

Downloads stream to <file>.part beside the target with a progress bar, resume after an
interruption (HTTP Range), retry with back-off on network errors, timeouts, 429 and 5xx, are
checked against the catalog's MD5 (video files: the repository's SHA-256 / git SHA-1), synced
and renamed into place. Concurrent fetches of one file (ranks, runs, hosts sharing the
folder) download it once: the others wait on <file>.lock and then verify it.

Options:
  --keep             keep a present file whose MD5 differs from the catalog's
  --keep-archives    video benchmarks: keep the downloaded archives after unpacking them
  --data-root DIR    the data root (default $LMUData, else ~/LMUData)
  --retries N        attempts after the first per file (default 5; $VLMEVAL_FETCH_RETRIES)
  --timeout S        seconds to wait for a response, and without data while downloading
                     (default 30 for a response, 60 without data; $VLMEVAL_FETCH_TIMEOUT)
  --quiet            no progress bar, only warnings, errors and the summary
  -h, --help         this text

Environment:
  VLMEVAL_DATA_MIRROR=URL  fetch every file from URL instead: its scheme, host and port (and
                           path prefix) replace the catalog URL's, the path is kept
  HF_ENDPOINT=URL          Hugging Face URLs go to this endpoint (when no mirror is set)
  HF_TOKEN                 sent to Hugging Face only (gated datasets such as MVBench)
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY   honoured by the downloads

Exit codes: 0 every benchmark is present; 2 bad command line or unknown name (nothing is
fetched); 4 a download is not the catalog's file (MD5 or SHA mismatch; nothing is left under
its name) or an archive cannot be unpacked; 6 a file could not be downloaded (HTTP error,
timeouts, retries exhausted; a partial download is kept and resumed next time); 130
interrupted (the partial download is kept); 1 anything else.`;

const PRESET = /^(.*?)_(?:\d+frame|\d+(?:\.\d+)?fps)(?:_(?:pack|nopack|subs))*$/;

/** The catalog name a command-line name stands for (a video preset gives its benchmark). */
function catalogName(name: string): string | undefined {
  const direct = findBenchmark(name);
  if (direct) return direct.name;
  const base = name.match(PRESET)?.[1];
  return base ? findBenchmark(base)?.name : undefined;
}

function positiveNumber(flag: string, value: string | undefined, integer: boolean) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)) || (!integer && n === 0)) {
    throw new Error(
      `Cannot use ${flag} as it must be ${integer ? "an integer >= 0" : "a positive number"}: ` +
        `current value is "${value}"`,
    );
  }
  return n;
}

/** The exit code a failed fetch stands for: its error's own (`exitCode`), else 130 or 1. */
function fetchExitCode(err: unknown): number {
  if (err instanceof DOMException && err.name === "AbortError") return EXIT_CODES.interrupted;
  return exitCodeOf(err) ?? EXIT_CODES.sampleFailed;
}

/** `vlmeval fetch`: returns the exit code. */
export async function runFetchCommand(argv: string[]): Promise<number> {
  let parsed;
  let retries: number | undefined;
  let timeoutS: number | undefined;
  const env = Deno.env.toObject();
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        keep: { type: "boolean" },
        "keep-archives": { type: "boolean" },
        "data-root": { type: "string" },
        retries: { type: "string" },
        timeout: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    retries = positiveNumber(
      parsed.values.retries !== undefined ? "--retries" : "VLMEVAL_FETCH_RETRIES",
      parsed.values.retries ?? env.VLMEVAL_FETCH_RETRIES,
      true,
    );
    timeoutS = positiveNumber(
      parsed.values.timeout !== undefined ? "--timeout" : "VLMEVAL_FETCH_TIMEOUT",
      parsed.values.timeout ?? env.VLMEVAL_FETCH_TIMEOUT,
      false,
    );
  } catch (err) {
    console.error(`vlmeval fetch: ${(err as Error).message}\nSee vlmeval fetch --help.`);
    return EXIT_CODES.usage;
  }
  const v = parsed.values;
  if (v.help) {
    console.log(FETCH_HELP);
    return EXIT_CODES.ok;
  }
  if (parsed.positionals.length === 0) {
    console.error("vlmeval fetch: Cannot fetch without a name: see vlmeval datasets for them");
    return EXIT_CODES.usage;
  }
  const names: string[] = [];
  const unknown: string[] = [];
  for (const asked of parsed.positionals) {
    const name = catalogName(asked);
    if (name === undefined) unknown.push(asked);
    else if (!names.includes(name)) names.push(name);
  }
  if (unknown.length > 0) {
    console.error(
      `vlmeval fetch: Cannot fetch ${unknown.map((n) => `"${n}"`).join(", ")} as the catalog ` +
        `has no such benchmark (vlmeval datasets lists them); nothing was fetched`,
    );
    return EXIT_CODES.usage;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort(new DOMException("interrupted", "AbortError"));
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const progress = createDownloadProgress({ quiet: v.quiet === true });
  let worst: number = EXIT_CODES.ok;
  const failed: string[] = [];
  try {
    for (const name of names) {
      if (controller.signal.aborted) break;
      try {
        const done = await ensureDataset(name, {
          dataRoot: v["data-root"],
          keep: v.keep === true,
          keepArchives: v["keep-archives"] === true,
          env,
          progress,
          retries,
          connectTimeoutMs: timeoutS !== undefined ? timeoutS * 1000 : undefined,
          stallTimeoutMs: timeoutS !== undefined ? timeoutS * 1000 : undefined,
          signal: controller.signal,
        });
        const what = {
          present: "already present and verified",
          downloaded: "downloaded and verified",
          fetched_by_other: "fetched by another process, verified",
          kept: "kept (MD5 differs from the catalog's)",
          renamed: "renamed from its legacy file name, verified",
        }[done.action];
        console.log(`${name}: ${what}: ${done.path}`);
      } catch (err) {
        const code = fetchExitCode(err);
        if (code === EXIT_CODES.interrupted) {
          console.error(
            `vlmeval fetch: interrupted; partial downloads are kept and resumed next time`,
          );
          return code;
        }
        console.error(`vlmeval fetch: ${name}: ${describeError(err)}`);
        failed.push(name);
        if (worst === EXIT_CODES.ok || code > worst) worst = code;
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  if (failed.length > 0) {
    console.error(
      `vlmeval fetch: ${names.length - failed.length} of ${names.length} fetched; failed: ` +
        failed.join(", "),
    );
  }
  return worst;
}
