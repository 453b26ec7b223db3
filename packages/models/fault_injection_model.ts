import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import { sleep } from "@vlmeval/internal";

/**
 * Settings of {@link FaultInjectionModel}, read from the `VLMEVAL_FAULT_INJECTION` environment
 * variable as JSON when the model is chosen by name on the command line.
 */
export interface FaultInjectionConfig {
  /** Indices whose generate call throws an ordinary error. */
  failOn?: string[];
  /** Error type name thrown for `failOn` (default `RangeError`). */
  errorType?: string;
  /** Indices whose generate call throws an error marked as a sticky CUDA error (code 700). */
  stickyOn?: string[];
  /** Indices on which the process kills itself with SIGKILL, as a crash would. */
  crashOn?: string[];
  /** Delay before answering, in ms (to give kill tests a window). */
  delayMs?: number;
  /** Fail only the first N attempts at each listed index (0 or absent: always). */
  failTimes?: number;
}

/** The error a fault-injection model throws to stand for a sticky CUDA error. */
export class InjectedStickyCudaError extends Error {
  /** `"CudaError"`, as the native addon's error is named. */
  override name = "CudaError";
  /** The CUDA enum name it imitates. */
  readonly cudaName = "CUDA_ERROR_ILLEGAL_ADDRESS";
  /** The CUDA error code it imitates. */
  readonly code = 700;
  /** Always true: the failure guard treats it as a lost CUDA context. */
  readonly sticky = true;
}

/**
 * A test model that wraps a real one and injects faults on chosen samples: thrown errors,
 * sticky CUDA errors and process crashes, which a real model cannot produce on demand. It is a
 * fault injector, named as such, and never a stand-in for a real model.
 */
export class FaultInjectionModel implements VisionLanguageModel {
  readonly name: string;
  readonly supportsPack?: boolean;
  #inner: VisionLanguageModel;
  #config: FaultInjectionConfig;
  #attempts = new Map<string, number>();

  /** Wraps `inner`, injecting the faults `config` names; `name` is the reported model name. */
  constructor(inner: VisionLanguageModel, config: FaultInjectionConfig, name = "FaultInjection") {
    this.name = name;
    this.#inner = inner;
    this.#config = config;
    this.supportsPack = inner.supportsPack;
  }

  async generate(message: Message, ctx: GenerateContext): Promise<string> {
    const c = this.#config;
    ctx.signal?.throwIfAborted();
    if (c.delayMs) await sleep(c.delayMs, ctx.signal);
    const attempt = (this.#attempts.get(ctx.index) ?? 0) + 1;
    this.#attempts.set(ctx.index, attempt);
    const active = !c.failTimes || attempt <= c.failTimes;
    if (active && c.crashOn?.includes(ctx.index)) Deno.kill(Deno.pid, "SIGKILL");
    if (active && c.stickyOn?.includes(ctx.index)) {
      throw new InjectedStickyCudaError(`an illegal memory access was encountered (injected)`);
    }
    if (active && c.failOn?.includes(ctx.index)) {
      const error = new Error(`injected failure on sample ${ctx.index}`);
      error.name = c.errorType ?? "RangeError";
      throw error;
    }
    return await this.#inner.generate(message, ctx);
  }

  releaseCaches(): void | Promise<void> {
    return this.#inner.releaseCaches?.();
  }

  dispose(): void | Promise<void> {
    return this.#inner.dispose?.();
  }
}
