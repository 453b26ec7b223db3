import { EXIT_CODES } from "@vlmeval/schema";

const BY_NAME: Record<string, number> = {
  DatasetFormatError: EXIT_CODES.badInput,
  PredictionFileError: EXIT_CODES.badInput,
  DatasetNotFoundError: EXIT_CODES.badInput,
  UnknownDatasetError: EXIT_CODES.badInput,
  MissingFfmpegError: EXIT_CODES.missingPrerequisite,
  BackendUnavailableError: EXIT_CODES.missingPrerequisite,
  HubOfflineError: EXIT_CODES.missingPrerequisite,
  HubDownloadError: EXIT_CODES.missingPrerequisite,
  HfDeviceUnavailableError: EXIT_CODES.missingPrerequisite,
  JudgeUnavailableError: EXIT_CODES.missingPrerequisite,
  JudgeInterruptedError: EXIT_CODES.interrupted,
  UnknownModelError: EXIT_CODES.usage,
  UnsupportedPackError: EXIT_CODES.usage,
  RankWaitTimeoutError: EXIT_CODES.rankTimeout,
  RankStoppedError: EXIT_CODES.sampleFailed,
  IncompleteMergeError: EXIT_CODES.sampleFailed,
};

/** The exit code an error that ended a job stands for. */
export function exitCodeForError(err: unknown): number {
  const name = err instanceof Error ? err.name : "";
  return BY_NAME[name] ?? EXIT_CODES.sampleFailed;
}

/** One readable line for an error and its causes (no stack unless VLMEVAL_DEBUG is set). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 6; depth++) {
    if (e instanceof Error) {
      parts.push(depth === 0 ? e.message : `caused by ${e.name}: ${e.message}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  const text = parts.join("; ");
  if (Deno.env.get("VLMEVAL_DEBUG") && err instanceof Error) return `${text}\n${err.stack}`;
  return text;
}
