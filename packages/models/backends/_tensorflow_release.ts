import type { CacheRelease } from "./backend_info.ts";

/** What TensorFlow 2.9's allocators keep, said once for every release. */
const ALLOCATORS =
  "TensorFlow 2.9's CPU allocator (\"cpu\" in its memory log) is aligned malloc with no pool of its own, so the memory of disposed tensors goes straight back to malloc, which keeps it in its arenas until malloc_trim (TF_CPU_ALLOCATOR_USE_BFC=true would put a BFC pool in between that TensorFlow never shrinks). On the GPU TensorFlow's default BFC allocator keeps device memory until the process exits; under TF_GPU_ALLOCATOR=cuda_malloc_async (set by the tfjs-node-gpu backend) freed memory stays in CUDA's default memory pool, which the native addon's emptyCache trims";

interface LibC {
  /** glibc's `malloc_trim(pad)`: 1 when memory was returned to the system. */
  malloc_trim(pad: bigint): number;
}

let libc: LibC | null | undefined;

/** glibc's malloc_trim through FFI, or null with the reason where it cannot be had. */
function openLibC(): { lib: LibC | null; reason?: string } {
  if (libc !== undefined) return { lib: libc };
  if (Deno.build.os !== "linux") {
    libc = null;
    return { lib: null, reason: `${Deno.build.os} has no glibc malloc_trim` };
  }
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return { lib: null, reason: "no --allow-ffi permission to call glibc's malloc_trim" };
  }
  try {
    const opened = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    libc = opened.symbols as unknown as LibC;
    return { lib: libc };
  } catch (err) {
    libc = null;
    return { lib: null, reason: `glibc's malloc_trim is not available: ${(err as Error).message}` };
  }
}

/**
 * The host-side release for tfjs-node: TensorFlow hands the memory of disposed tensors back to
 * its allocators (see {@linkcode ALLOCATORS}); what reached malloc stays in glibc's arenas until
 * `malloc_trim(0)` returns the free pages to the system, which this does. `freedBytes` is the
 * drop of the process's RSS across the call (0 when it did not shrink).
 */
export function releaseTensorflowHost(): CacheRelease {
  const { lib, reason } = openLibC();
  if (!lib) {
    return {
      tfBackend: "tensorflow",
      released: false,
      freedBuffers: 0,
      freedBytes: 0,
      detail: `nothing released: ${reason}. ${ALLOCATORS}`,
    };
  }
  const before = Deno.memoryUsage().rss;
  const trimmed = lib.malloc_trim(0n) === 1;
  const freed = Math.max(0, before - Deno.memoryUsage().rss);
  return {
    tfBackend: "tensorflow",
    released: trimmed,
    freedBuffers: 0,
    freedBytes: freed,
    detail: `${
      trimmed
        ? "malloc_trim(0) returned free heap pages to the system"
        : "malloc_trim(0) found no free heap pages to return"
    }. ${ALLOCATORS}`,
  };
}
