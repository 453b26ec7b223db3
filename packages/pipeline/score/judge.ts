/**
 * The LLM judge of multiple-choice and yes/no scoring (VLMEvalKit's `--judge`): an
 * OpenAI-compatible model asked about the answers no heuristic could place, checked before its
 * first question, with every answer kept in an append-only cache next to the results so reruns
 * never ask twice.
 *
 * @module
 */
import { createOpenAIModel } from "@vlmeval/models";
import { JudgeCache, sha256Hex } from "./_judge_cache.ts";
import type { JudgeFn, JudgeRequest } from "@vlmeval/scoring";
import { EXIT_CODES, type ExitCode, isFailure, type VisionLanguageModel } from "@vlmeval/schema";

/** The judge name that means "no judge": heuristics only. */
export const EXACT_MATCHING = "exact_matching";

/** Settings of the LLM judge (`--judge NAME` and its flags). */
export interface JudgeSettings {
  /** The name given to `--judge`; it also names the files (`<stem>_<judge>_result.<fmt>`). */
  name: string;
  /**
   * Model id sent to the endpoint. @default {VLMEvalKit's version for `name` (`gpt-4o-mini` is
   * `gpt-4o-mini-2024-07-18`), or `name` itself; the CLI passes `$LOCAL_LLM` here}
   */
  model?: string;
  /** API root of the OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** Environment variable holding the judge's API key. @default {"OPENAI_API_KEY"} */
  apiKeyEnv?: string;
  /** Judge requests in flight at once (`--judge-nproc`). @default {4} */
  nproc?: number;
  /** Attempts per request, VLMEvalKit's `--retry`. @default {6} */
  retry?: number;
  /** Milliseconds one attempt may take. @default {120000} */
  timeoutMs?: number;
  /** Log one line per judge request and reply (never the key). @default {false} */
  verbose?: boolean;
  /** The fetch to use (tests). @default {globalThis.fetch} */
  fetch?: typeof fetch;
}

/** The judge did not answer its check request: the dataset is not scored (never a fallback). */
export class JudgeUnavailableError extends Error {
  /** A judge that does not answer ends the scoring with exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Always `"JudgeUnavailableError"`. */
  override name = "JudgeUnavailableError";
}

/**
 * A benchmark VLMEvalKit scores only with a judge (MMVet) has none: it is not scored (exit 6);
 * its predictions are kept for a later `--mode eval` with a judge.
 */
export class JudgeRequiredError extends Error {
  /** A missing judge is a missing prerequisite: exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Always `"JudgeRequiredError"`. */
  override name = "JudgeRequiredError";
}

/** The run was interrupted while the judge was scoring; answers given so far stay cached. */
export class JudgeInterruptedError extends Error {
  /** An interrupted judge ends the run with exit code 130. */
  readonly exitCode: ExitCode = EXIT_CODES.interrupted;
  /** Always `"JudgeInterruptedError"`. */
  override name = "JudgeInterruptedError";
}

/** VLMEvalKit's `build_judge` map from short judge names to OpenAI model versions. */
const JUDGE_VERSIONS: Readonly<Record<string, string>> = {
  "gpt-4-turbo": "gpt-4-1106-preview",
  "gpt-4-0613": "gpt-4-0613",
  "gpt-4-0125": "gpt-4-0125-preview",
  "gpt-4-0409": "gpt-4-turbo-2024-04-09",
  "chatgpt-1106": "gpt-3.5-turbo-1106",
  "chatgpt-0125": "gpt-3.5-turbo-0125",
  "gpt-4o": "gpt-4o-2024-05-13",
  "gpt-4o-0806": "gpt-4o-2024-08-06",
  "gpt-4o-1120": "gpt-4o-2024-11-20",
  "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
};

/**
 * The model id asked for judge `name`, as VLMEvalKit's `build_judge`: `localLlm` (`$LOCAL_LLM`)
 * when set, else the version of a known short name, else the name itself.
 */
export function judgeModelVersion(name: string, localLlm?: string): string {
  if (localLlm) return localLlm;
  return JUDGE_VERSIONS[name] ?? name;
}

/**
 * The judge's part of file names, VLMEvalKit's `name_str`: `openai` for `chatgpt-0125`, `gpt4`
 * for `gpt-4-0125`, otherwise the name, with characters outside `[A-Za-z0-9._-]` as `_`.
 */
export function judgeFileName(name: string): string {
  const mapped = name === "chatgpt-0125" ? "openai" : name === "gpt-4-0125" ? "gpt4" : name;
  return mapped.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * An endpoint as users give it, as an API root: VLMEvalKit's `OPENAI_API_BASE` names the whole
 * `.../chat/completions` URL, which is cut back to its root.
 */
export function judgeApiRoot(url: string): string {
  return url.trim().replace(/\/+$/, "").replace(/\/chat\/completions$/, "");
}

/** What a judge did for one dataset. */
export interface JudgeStats {
  /** Questions sent to the endpoint (the check request not included). */
  asked: number;
  /** Questions answered from the cache. */
  cached: number;
  /** Questions whose every attempt failed (`Failed to obtain answer via API...`): not cached. */
  apiFailures: number;
}

/** A judge opened for one dataset's scoring. */
export interface OpenedJudge {
  /** The judge's name (`--judge`). */
  name: string;
  /** The model id asked. */
  model: string;
  /** The cache file. */
  cachePath: string;
  /** Asks (or answers from the cache); the check request runs before the first real question. */
  ask: JudgeFn;
  /** Counts so far. */
  stats: JudgeStats;
  /** Closes the cache file and the model. */
  close(): Promise<void>;
}

/** Options of {@linkcode openJudge}. */
export interface OpenJudgeOptions {
  /** The dataset being scored, named in the error when the judge is not working. */
  dataset: string;
  /** The cache file, `<stem>_<judge>_judge.jsonl`. */
  cachePath: string;
  /** Builds the model (default: `createOpenAIModel` from the settings). */
  createModel?: (settings: JudgeSettings, model: string) => VisionLanguageModel;
  /**
   * Aborting (Ctrl-C) cancels requests in flight and makes every later question reject with
   * {@link JudgeInterruptedError}; cached answers are kept.
   */
  signal?: AbortSignal;
}

/**
 * Opens the judge for one dataset: reads its cache (a torn last line after a crash is
 * skipped) and returns an `ask` that answers from the cache, or checks the judge once (a
 * one-line `hello`, VLMEvalKit's `working()`) and then asks the endpoint and appends the answer.
 * An answer that records an API failure is returned but not cached, so the next run asks again.
 * A request's `temperature` and `maxTokens` are passed to the model for that call (MathVista's
 * judge asks with 128 tokens, MMVet's with 2048, as VLMEvalKit); answers are cached per index,
 * attempt and prompt, so a retry at another temperature is never answered by an earlier attempt.
 *
 * `ask` rejects with {@linkcode JudgeUnavailableError} when the check request gets no answer.
 */
export async function openJudge(
  settings: JudgeSettings,
  opts: OpenJudgeOptions,
): Promise<OpenedJudge> {
  const model = settings.model || judgeModelVersion(settings.name);
  const cache = await JudgeCache.open(opts.cachePath, model);
  let api: VisionLanguageModel | undefined;
  const getApi = () =>
    api ??= (opts.createModel ?? createJudgeModel)({ ...settings, model }, model);
  const interrupted = () =>
    new JudgeInterruptedError(
      `Interrupted while judge ${settings.name} scored ${opts.dataset}; its answers so far are ` +
        `kept in ${opts.cachePath}, rerun to finish`,
    );
  let checked: Promise<void> | undefined;
  const check = () => checkJudge(getApi(), settings, model, opts, interrupted);

  const stats: JudgeStats = { asked: 0, cached: 0, apiFailures: 0 };
  const ask = async (prompt: string, request: JudgeRequest): Promise<string> => {
    const key = {
      index: request.index,
      attempt: request.attempt,
      promptSha256: await sha256Hex(prompt),
      temperature: request.temperature,
      maxTokens: request.maxTokens,
    };
    const hit = cache.get(key);
    if (hit !== undefined) {
      stats.cached++;
      return hit;
    }
    if (opts.signal?.aborted) throw interrupted();
    await (checked ??= check());
    if (opts.signal?.aborted) throw interrupted();
    stats.asked++;
    const answer = await getApi().generate([{ type: "text", value: prompt }], {
      dataset: opts.dataset,
      index: `${request.index} judge ${request.attempt}`,
      signal: opts.signal,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
    });
    if (opts.signal?.aborted) throw interrupted();
    if (isFailure(answer)) {
      stats.apiFailures++;
      return answer;
    }
    cache.set(key, answer);
    return answer;
  };

  return {
    name: settings.name,
    model,
    cachePath: opts.cachePath,
    ask,
    stats,
    async close() {
      cache.close();
      await api?.dispose?.();
    },
  };
}

/**
 * VLMEvalKit's `working()`: a one-line `hello` that must get a non-empty answer.
 *
 * @throws {JudgeUnavailableError} naming the judge, its model and endpoint otherwise.
 */
async function checkJudge(
  api: VisionLanguageModel,
  settings: JudgeSettings,
  model: string,
  opts: OpenJudgeOptions,
  interrupted: () => JudgeInterruptedError,
): Promise<void> {
  let answer: string;
  try {
    answer = await api.generate([{ type: "text", value: "hello" }], {
      dataset: opts.dataset,
      index: "judge-check",
      signal: opts.signal,
    });
  } catch (err) {
    answer = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  if (opts.signal?.aborted) throw interrupted();
  if (answer.trim() === "" || isFailure(answer)) {
    throw new JudgeUnavailableError(
      `Cannot score ${opts.dataset} with judge ${settings.name} (model ${model} at ` +
        `${endpointOrigin(settings.baseUrl)}) as it did not answer a check request: ` +
        `${answer.trim() || "an empty answer"}. Fix --judge-base-url / --judge-key-env, or ` +
        `pass --judge ${EXACT_MATCHING} to score by the heuristics alone`,
    );
  }
}

function endpointOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return "an invalid URL";
  }
}

function createJudgeModel(settings: JudgeSettings, model: string): VisionLanguageModel {
  return createOpenAIModel({
    model,
    baseUrl: settings.baseUrl,
    name: judgeFileName(settings.name),
    apiKeyEnv: settings.apiKeyEnv,
    nproc: settings.nproc ?? 4,
    retries: Math.max(0, (settings.retry ?? 6) - 1),
    timeoutMs: settings.timeoutMs,
    verbose: settings.verbose,
    fetch: settings.fetch,
  });
}
