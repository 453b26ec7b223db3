/**
 * Type-level check, run by `deno check` in the gate: the hand-written binding interface of
 * `@vlmeval/native` (`packages/native/binding.ts`) matches the declarations napi-rs generated
 * from the Rust crate (`crates/cuda_addon/index.d.ts`, rewritten by every addon build). Each
 * function and each result shape must be assignable both ways, so a field or function added,
 * removed, renamed or retyped on either side fails the type check. Nothing runs.
 *
 * @module
 */
import type * as Generated from "../crates/cuda_addon/index.d.ts";
import type {
  AddonInfo,
  ClearErrorResult,
  CudaErrorInfo,
  CudaStatus,
  DebugPoolResult,
  DeviceInfo,
  EmptyCacheResult,
  GpuCount,
  MemoryInfo,
  NativeBinding,
  NvmlStatus,
  SyncResult,
} from "@vlmeval/native";

/** `true` when `A` and `B` are assignable to each other, else a type naming both. */
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : { differs: [A, B] }
  : { differs: [A, B] };

/** The generated module's functions, as one object type. */
type GeneratedFunctions = {
  [
    K in keyof typeof Generated as (typeof Generated)[K] extends (...args: never[]) => unknown ? K
      : never
  ]: (typeof Generated)[K];
};

/** Every check below must be `true`; a mismatch names the two types that differ. */
export type BindingMatchesGenerated = [
  Same<NativeBinding, GeneratedFunctions>,
  Same<AddonInfo, Generated.AddonInfo>,
  Same<ClearErrorResult, Generated.ClearErrorResult>,
  Same<CudaErrorInfo, Generated.CudaErrorInfo>,
  Same<CudaStatus, Generated.CudaStatus>,
  Same<DebugPoolResult, Generated.DebugPoolResult>,
  Same<DeviceInfo, Generated.DeviceInfo>,
  Same<EmptyCacheResult, Generated.EmptyCacheResult>,
  Same<GpuCount, Generated.GpuCount>,
  Same<MemoryInfo, Generated.MemoryInfo>,
  Same<NvmlStatus, Generated.NvmlStatus>,
  Same<SyncResult, Generated.SyncResult>,
];

const allTrue: BindingMatchesGenerated = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
export default allTrue;
