import { JsonlLog, readJsonl } from "@vlmeval/internal";
import { isFailure } from "@vlmeval/schema";

/** One cached judge answer: a line of `<stem>_<judge>_judge.jsonl`. */
interface CacheRecord {
  index: string;
  prompt_sha256: string;
  attempt: number;
  /** The temperature asked for, when the request set one (yes/no retries). */
  temperature?: number;
  /** The answer's token limit, when the request set one (MathVista, MMVet). */
  max_tokens?: number;
  model: string;
  answer: string;
  time: number;
}

/** What a cached answer is found by: the row, the attempt and the prompt asked. */
export interface JudgeCacheKey {
  index: string;
  attempt: number;
  /** The prompt's SHA-256, in hex. */
  promptSha256: string;
  /** The temperature asked for, written with the answer (not part of the key). */
  temperature?: number;
  /** The token limit asked for, written with the answer (not part of the key). */
  maxTokens?: number;
}

/** The SHA-256 of `text`, in hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The judge's append-only answer cache (a `JsonlLog`) for one model: answers of other models
 * and recorded API failures are never served; the file is created at the first answer kept.
 */
export class JudgeCache {
  readonly #path: string;
  readonly #model: string;
  readonly #answers = new Map<string, string>();
  #log?: JsonlLog;

  private constructor(path: string, model: string) {
    this.#path = path;
    this.#model = model;
  }

  /** Reads the cache at `path` (absent: empty; a torn last line after a crash is skipped). */
  static async open(path: string, model: string): Promise<JudgeCache> {
    const cache = new JudgeCache(path, model);
    let text = "";
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    for (const value of readJsonl(text).values) {
      const record = value as CacheRecord;
      if (
        typeof record?.index !== "string" || typeof record.answer !== "string" ||
        record.model !== model || isFailure(record.answer)
      ) continue;
      cache.#answers.set(
        keyText(record.index, record.prompt_sha256, record.attempt),
        record.answer,
      );
    }
    return cache;
  }

  /** The cached answer for `key`, if any. */
  get(key: JudgeCacheKey): string | undefined {
    return this.#answers.get(keyText(key.index, key.promptSha256, key.attempt));
  }

  /** Keeps `answer` for `key`, in memory and appended to the file. */
  set(key: JudgeCacheKey, answer: string): void {
    this.#answers.set(keyText(key.index, key.promptSha256, key.attempt), answer);
    this.#log ??= JsonlLog.open(this.#path);
    const record: CacheRecord = {
      index: key.index,
      prompt_sha256: key.promptSha256,
      attempt: key.attempt,
      ...(key.temperature === undefined ? {} : { temperature: key.temperature }),
      ...(key.maxTokens === undefined ? {} : { max_tokens: key.maxTokens }),
      model: this.#model,
      answer,
      time: Date.now(),
    };
    this.#log.append(record);
  }

  /** Closes the file. */
  close(): void {
    this.#log?.close();
    this.#log = undefined;
  }
}

function keyText(index: string, hash: string, attempt: number): string {
  return `${index}\u0000${hash}\u0000${attempt}`;
}
