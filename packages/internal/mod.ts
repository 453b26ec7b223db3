/**
 * @vlmeval/internal: primitives shared by vlmeval's packages, for vlmeval packages only (as
 * std's `internal/`): not a public API, and it may change with any release. Each concern has
 * exactly one implementation here, so the packages above agree on it:
 *
 * - atomic files: {@linkcode writeAtomically} and {@linkcode commitFile} (fsync, then rename;
 *   the folder too when asked), temporary names that name their writer and
 *   {@linkcode removeDeadTempFiles};
 * - lock files: {@linkcode acquireLock}, {@linkcode withLock}, {@linkcode isLockActive} (holder
 *   pid, host, start time and note told to waiters, refresh while held, race-safe stale
 *   takeover), {@linkcode readLockHolder};
 * - "did you mean": {@linkcode closestNames};
 * - append-only JSON lines: {@linkcode JsonlLog} (torn-line repair), {@linkcode readJsonl} and
 *   {@linkcode readJsonlFile};
 *   {@linkcode writeAllSync} for every synchronous writer;
 * - Python compatibility: {@linkcode parsePythonStringList} (list literals, never evaluated),
 *   {@linkcode pythonFloat} (`str(float)`), {@linkcode pythonStrRepr} (`repr(str)`),
 *   {@linkcode pythonListRepr} (`str(list)`), {@linkcode pyInt} and {@linkcode pyFloat} (`int()`,
 *   `float()` of text), {@linkcode pythonJsonDumps}, and `str` behaviour
 *   ({@linkcode pySplit}, {@linkcode pyStrip}, {@linkcode pyLen}, {@linkcode compareCodePoints});
 * - image sniffing: {@linkcode detectImageFormat} (PNG, JPEG, GIF, WebP, BMP by magic bytes),
 *   {@linkcode imageTruncation} (an image cut short);
 * - the cause-chain walk: {@linkcode causeChain} (bounded, cycles walked once);
 * - JSON in free text: {@linkcode jsonObjectEnd}, the brace matcher of both ends of pack mode;
 * - sizes as people read them: {@linkcode formatBytes};
 * - many short texts and where each is, off the JavaScript heap: {@linkcode IndexColumn} (a row
 *   index's `index` column, a journal's keys), and {@linkcode grownArray} for growing typed columns;
 * - a batch job's memory: {@linkcode startPeriodicCollections} (full collections at a pace that
 *   keeps their pauses within a share of the time), its pace from {@linkcode parseCollectionPace};
 * - waiting between attempts: {@linkcode parseRetryAfter} (`Retry-After`) and {@linkcode sleep}
 *   (cut short by an abort signal).
 *
 * Depends on nothing and runs nothing at import.
 *
 * @module
 */

export {
  commitFile,
  type CommitOptions,
  removeDeadTempFiles,
  removeIfPresent,
  syncFile,
  tempPathBeside,
  writeAtomically,
} from "./atomic_write.ts";
export {
  acquireLock,
  describeLockHolder,
  isLockActive,
  type Lock,
  type LockHolder,
  type LockOptions,
  processExists,
  readLockHolder,
  withLock,
} from "./lock_file.ts";
export { closestNames } from "./closest_names.ts";
export {
  COLLECTION_PACE_ENV,
  parseCollectionPace,
  type PeriodicCollectionOptions,
  startPeriodicCollections,
} from "./periodic_collections.ts";
export { grownArray, IndexColumn } from "./index_column.ts";
export {
  JsonlLog,
  type JsonlVisitor,
  readJsonl,
  readJsonlFile,
  type SyncWriter,
  writeAllSync,
} from "./jsonl_log.ts";
export { looksLikeList, parsePythonStringList } from "./python_list.ts";
export { pythonFloat, pythonJsonDumps, pythonListRepr, pythonStrRepr } from "./python_format.ts";
export { pyFloat, pyInt } from "./python_number.ts";
export { compareCodePoints, PY_WHITESPACE, pyLen, pySplit, pyStrip } from "./python_text.ts";
export { detectImageFormat, hexHead, type ImageFormat, imageTruncation } from "./image_format.ts";
export { causeChain } from "./cause_chain.ts";
export { jsonObjectEnd } from "./json_object.ts";
export { formatBytes } from "./format_bytes.ts";
export { parseRetryAfter, sleep } from "./retry_after.ts";
