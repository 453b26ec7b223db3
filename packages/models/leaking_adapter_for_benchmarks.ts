import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import type { Tf } from "./backends/backend_info.ts";

type Tensor = ReturnType<Tf["tensor"]>;

/**
 * A deliberately faulty adapter for tests and the memory benchmark: it wraps a real model and,
 * on every generate call (also one that throws), keeps one float32 tensor of `bytesPerCall`
 * bytes alive on the active backend, as an adapter that caches a tensor on itself would. It is
 * a leak injector, named as such; `dispose()` frees what it kept.
 */
export class LeakingAdapterForBenchmarks implements VisionLanguageModel {
  /** The wrapped model, which answers. */
  readonly inner: VisionLanguageModel;
  /** Bytes of the tensor kept on each call (a positive multiple of 4). */
  readonly bytesPerCall: number;
  #tf: Tf;
  #kept: Tensor[] = [];

  /**
   * Wraps `inner`, keeping `bytesPerCall` bytes (default 256 KiB) per call on `tf`'s backend.
   *
   * @throws {RangeError} when `bytesPerCall` is not a positive multiple of 4.
   */
  constructor(inner: VisionLanguageModel, tf: Tf, bytesPerCall = 256 * 1024) {
    if (!Number.isInteger(bytesPerCall) || bytesPerCall < 4 || bytesPerCall % 4 !== 0) {
      throw new RangeError(
        `Cannot leak memory per call as 'bytesPerCall' must be a positive multiple of 4: current value is ${bytesPerCall}`,
      );
    }
    this.inner = inner;
    this.bytesPerCall = bytesPerCall;
    this.#tf = tf;
  }

  get name(): string {
    return this.inner.name;
  }

  get supportsPack(): boolean | undefined {
    return this.inner.supportsPack;
  }

  /** Tensors kept so far. */
  get keptTensors(): number {
    return this.#kept.length;
  }

  async generate(message: Message, ctx: GenerateContext): Promise<string> {
    // Computed by a kernel (not uploaded), so on WebGPU it lives in a GPU buffer.
    this.#kept.push(this.#tf.keep(this.#tf.fill([this.bytesPerCall / 4], this.#kept.length)));
    return await this.inner.generate(message, ctx);
  }

  releaseCaches(): void | Promise<void> {
    return this.inner.releaseCaches?.();
  }

  async dispose(): Promise<void> {
    for (const t of this.#kept) t.dispose();
    this.#kept = [];
    await this.inner.dispose?.();
  }
}
