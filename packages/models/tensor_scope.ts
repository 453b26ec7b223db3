import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import type { CacheRelease, Tf } from "./backends/backend_info.ts";
import { releaseBackendCaches } from "./backends/release_caches.ts";

/** A generate call that left tensors alive after its scope ended. */
export interface TensorLeakReport {
  /** The model's name. */
  model: string;
  /** The sample's dataset (`GenerateContext.dataset`). */
  dataset: string;
  /** The sample's index (`GenerateContext.index`). */
  index: string;
  /** 0-based number of the generate call on this model. */
  call: number;
  /** Live tensors (`tf.memory().numTensors`) before the call. */
  tensorsBefore: number;
  /** Live tensors after the call's scope ended. */
  tensorsAfter: number;
  /** `tensorsAfter - tensorsBefore`. */
  grewBy: number;
  /** Growth of the bytes of live tensors (`tf.memory().numBytes`). */
  bytesGrewBy: number;
  /** True when the call threw. */
  failed: boolean;
}

/** Options of {@linkcode withTensorScope}. */
export interface TensorScopeOptions {
  /**
   * Called for each call that leaves more than `leakThreshold` tensors alive.
   * @default writes {@linkcode describeTensorLeak} with `console.warn`
   */
  onLeak?: (report: TensorLeakReport) => void;
  /**
   * Tensors one call may leave alive without being reported.
   * @default 0
   */
  leakThreshold?: number;
}

/** Counts kept by a {@linkcode TensorScopedModel}. */
export interface TensorScopeStats {
  /** Generate calls started, failed ones included. */
  calls: number;
  /** Calls reported as leaking. */
  leakyCalls: number;
  /** Tensors the reported calls left alive, summed. */
  leakedTensors: number;
  /** Bytes of live tensors the reported calls added, summed. */
  leakedBytes: number;
}

/** One line saying which sample leaked what, and how to fix it. */
export function describeTensorLeak(r: TensorLeakReport): string {
  return `Model ${r.model} left ${r.grewBy} tensor(s) (${r.bytesGrewBy} bytes) alive after sample ${r.index} of ${r.dataset} (call ${r.call}${
    r.failed ? ", which threw" : ""
  }; live tensors ${r.tensorsBefore} -> ${r.tensorsAfter}): it keeps tensors beyond the call (tf.keep, or stored on the model); dispose them or return plain values`;
}

/**
 * A model whose every generate call runs in its own tfjs tensor scope
 * (`tf.engine().startScope()` ... `endScope()`, the async form of `tf.tidy`): tensors the call
 * creates and does not `tf.keep` are disposed when it ends, also when it throws, and scopes the
 * call left open are closed. Live tensors are counted before and after each call; a call that
 * leaves more than `leakThreshold` alive is reported with its sample index.
 *
 * Calls run one at a time: the engine's scope stack is global, so two calls in flight would end
 * each other's scopes. For the same reason, tensors created elsewhere in the process while a
 * call is in flight belong to its scope.
 */
export class TensorScopedModel<M extends VisionLanguageModel = VisionLanguageModel>
  implements VisionLanguageModel {
  /** The wrapped model. */
  readonly inner: M;
  /** What the last {@linkcode releaseCaches} call released on the backend. */
  lastCacheRelease?: CacheRelease;
  #tf: Tf;
  #onLeak: (report: TensorLeakReport) => void;
  #threshold: number;
  #queue: Promise<unknown> = Promise.resolve();
  #stats: TensorScopeStats = { calls: 0, leakyCalls: 0, leakedTensors: 0, leakedBytes: 0 };

  /** Wraps `inner`, whose tensors live in `tf`; see {@linkcode withTensorScope}. */
  constructor(inner: M, tf: Tf, opts: TensorScopeOptions = {}) {
    const threshold = opts.leakThreshold ?? 0;
    if (!Number.isInteger(threshold) || threshold < 0) {
      throw new RangeError(
        `Cannot scope the tensors of model ${inner.name} as 'leakThreshold' must be a non-negative integer: current value is ${threshold}`,
      );
    }
    this.inner = inner;
    this.#tf = tf;
    this.#threshold = threshold;
    this.#onLeak = opts.onLeak ?? ((report) => console.warn(describeTensorLeak(report)));
  }

  get name(): string {
    return this.inner.name;
  }

  get supportsPack(): boolean | undefined {
    return this.inner.supportsPack;
  }

  /** Calls so far and what the leaking ones left behind. */
  get stats(): Readonly<TensorScopeStats> {
    return { ...this.#stats };
  }

  generate(message: Message, ctx: GenerateContext): Promise<string> {
    const run = this.#queue.then(() => this.#scoped(message, ctx));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #scoped(message: Message, ctx: GenerateContext): Promise<string> {
    const tf = this.#tf;
    const engine = tf.engine();
    const before = tf.memory();
    const call = this.#stats.calls++;
    const depth = engine.state.scopeStack.length;
    engine.startScope(`generate ${ctx.dataset} ${ctx.index}`);
    let failed = true;
    try {
      const answer = await this.inner.generate(message, ctx);
      failed = false;
      return answer;
    } finally {
      while (engine.state.scopeStack.length > depth) engine.endScope();
      const after = tf.memory();
      const grewBy = after.numTensors - before.numTensors;
      if (grewBy > this.#threshold) {
        const bytesGrewBy = after.numBytes - before.numBytes;
        this.#stats.leakyCalls++;
        this.#stats.leakedTensors += grewBy;
        this.#stats.leakedBytes += bytesGrewBy;
        this.#onLeak({
          model: this.name,
          dataset: ctx.dataset,
          index: ctx.index,
          call,
          tensorsBefore: before.numTensors,
          tensorsAfter: after.numTensors,
          grewBy,
          bytesGrewBy,
          failed,
        });
      }
    }
  }

  /**
   * Releases the wrapped model's caches, then the backend's pooled memory
   * (`releaseBackendCaches`: WebGPU's free buffer pool; nothing on wasm and cpu). What the
   * backend released is kept in {@linkcode lastCacheRelease}.
   */
  async releaseCaches(): Promise<void> {
    await this.inner.releaseCaches?.();
    this.lastCacheRelease = await releaseBackendCaches(this.#tf);
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}

/**
 * Wraps a tfjs model so that every generate call runs in its own tensor scope and tensor leaks
 * are reported with the sample index; see {@linkcode TensorScopedModel}.
 *
 * @throws {RangeError} when `leakThreshold` is not a non-negative integer.
 *
 * @example Catch an adapter that keeps a tensor per call
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * const model = withTensorScope(await createShapesVlm(), tf, {
 *   onLeak: (r) => console.error(`sample ${r.index} leaked ${r.grewBy} tensor(s)`),
 * });
 * ```
 */
export function withTensorScope<M extends VisionLanguageModel>(
  model: M,
  tf: Tf,
  opts: TensorScopeOptions = {},
): TensorScopedModel<M> {
  return new TensorScopedModel(model, tf, opts);
}
