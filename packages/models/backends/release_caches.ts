import type { CacheRelease, Tf } from "./backend_info.ts";
import { releaseTensorflowHost } from "./_tensorflow_release.ts";

/** The parts of tfjs-backend-webgpu's BufferManager that pooling touches. */
interface PooledBuffers {
  freeBuffers: Map<string, GPUBuffer[]>;
  numFreeBuffers: number;
  numBytesAllocated: number;
}

/**
 * Gives pooled backend memory back where the backend allows it, and says plainly where it
 * does not:
 * - webgpu: destroys the GPU buffers in tfjs's free pool (`BufferManager.freeBuffers`), which
 *   tfjs otherwise keeps until the backend is disposed; buffers of live tensors are untouched
 *   and the pool refills as needed;
 * - wasm: nothing can be released, as WebAssembly memory never shrinks;
 * - cpu: nothing is pooled; disposed tensors are freed by the garbage collector;
 * - tensorflow (tfjs-node, tfjs-node-gpu): TensorFlow's CPU allocator has no pool, so the memory
 *   of disposed tensors is in malloc's arenas, which `malloc_trim(0)` returns to the system; GPU
 *   memory is TensorFlow's or CUDA's pool, which only the guard's native `emptyCache` can trim
 *   (under `TF_GPU_ALLOCATOR=cuda_malloc_async`).
 */
export async function releaseBackendCaches(tf: Tf): Promise<CacheRelease> {
  const name = tf.getBackend();
  const none = (detail: string): CacheRelease => ({
    tfBackend: name,
    released: false,
    freedBuffers: 0,
    freedBytes: 0,
    detail,
  });
  switch (name) {
    case "webgpu":
      return await releaseWebGPUPool(tf.backend());
    case "wasm":
      return none(
        "nothing released: WebAssembly memory can grow but never shrink; the wasm allocator reuses the memory of disposed tensors",
      );
    case "cpu":
      return none(
        "nothing to release: the cpu backend keeps tensor data in JavaScript arrays, freed by the garbage collector once tensors are disposed",
      );
    case "tensorflow":
      return releaseTensorflowHost();
    default:
      return none(`nothing released: cache release is not implemented for the ${name} backend`);
  }
}

async function releaseWebGPUPool(backend: unknown): Promise<CacheRelease> {
  const { bufferManager: pool, device } = backend as {
    bufferManager?: Partial<PooledBuffers>;
    device?: GPUDevice;
  };
  if (!isPool(pool)) {
    return {
      tfBackend: "webgpu",
      released: false,
      freedBuffers: 0,
      freedBytes: 0,
      detail:
        "nothing released: this tfjs-backend-webgpu has no reachable BufferManager free pool (expected 4.22's bufferManager.freeBuffers)",
    };
  }
  await device?.queue.onSubmittedWorkDone();
  let freedBuffers = 0;
  let freedBytes = 0;
  for (const buffers of pool.freeBuffers.values()) {
    for (const buffer of buffers) {
      freedBytes += buffer.size;
      freedBuffers++;
      buffer.destroy();
    }
    buffers.length = 0;
  }
  pool.numFreeBuffers -= freedBuffers;
  pool.numBytesAllocated -= freedBytes;
  return {
    tfBackend: "webgpu",
    released: freedBuffers > 0,
    freedBuffers,
    freedBytes,
    detail: `destroyed ${freedBuffers} pooled GPU buffer(s), ${freedBytes} bytes`,
  };
}

function isPool(pool: Partial<PooledBuffers> | undefined): pool is PooledBuffers {
  return pool?.freeBuffers instanceof Map && typeof pool.numFreeBuffers === "number" &&
    typeof pool.numBytesAllocated === "number";
}
