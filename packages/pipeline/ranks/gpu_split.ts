/**
 * Which GPUs each local rank gets (VLMEvalKit's split of `CUDA_VISIBLE_DEVICES`), set before
 * CUDA starts: the policy for the `--nproc` supervisor's workers and for ranks that a launcher
 * started several to a machine without splitting the GPUs itself. GPUs are counted through
 * NVML, which leaves CUDA uninitialised.
 *
 * @module
 */
import { gpuCountWithoutCudaInit } from "@vlmeval/native";
import type { Env, RankInfo } from "./ranks.ts";

/**
 * VLMEvalKit's GPU split: local rank `r` of `n` gets `floor(G / n)` consecutive GPUs of the `G`
 * in `gpuIds`, starting at `r * floor(G / n)`, joined with commas for `CUDA_VISIBLE_DEVICES`.
 * Leftover GPUs stay unused. Undefined when there are no GPUs.
 *
 * @throws {RangeError} when there are fewer GPUs than local ranks.
 */
export function cudaVisibleDevicesFor(
  localRank: number,
  localWorldSize: number,
  gpuIds: string[],
): string | undefined {
  if (gpuIds.length === 0) return undefined;
  if (!Number.isSafeInteger(localWorldSize) || localWorldSize < 1) {
    throw new RangeError(
      `Cannot split GPUs as the number of local ranks must be a positive integer: current ` +
        `value is ${localWorldSize}`,
    );
  }
  if (!Number.isSafeInteger(localRank) || localRank < 0 || localRank >= localWorldSize) {
    throw new RangeError(
      `Cannot split GPUs as the local rank must be in 0..${localWorldSize - 1}: current value ` +
        `is ${localRank}`,
    );
  }
  if (gpuIds.length < localWorldSize) {
    throw new RangeError(
      `Cannot give each of ${localWorldSize} local ranks a GPU as only ${gpuIds.length} are ` +
        `visible (${gpuIds.join(",")}); use at most ${gpuIds.length} ranks per machine`,
    );
  }
  const perRank = Math.floor(gpuIds.length / localWorldSize);
  return gpuIds.slice(localRank * perRank, (localRank + 1) * perRank).join(",");
}

/**
 * GPU ids to split among local ranks: the entries of `CUDA_VISIBLE_DEVICES` when it is set
 * (empty when it is set to the empty string or `-1`, which hide every GPU), else `0..count-1`
 * from the device count the native addon reports.
 */
export function visibleGpuIds(env: Env, deviceCount: number): string[] {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible !== undefined) {
    const ids = visible.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return ids[0] === "-1" ? [] : ids;
  }
  return Array.from({ length: deviceCount }, (_, i) => String(i));
}

/**
 * Whether this rank must pick its own GPUs: its launcher (torchrun, mpirun, Hydra's mpiexec,
 * srun) started several ranks on this machine without splitting the GPUs among them.
 */
export function launcherLeavesGpuSplit(info: RankInfo): boolean {
  return ["torchrun", "openmpi", "hydra", "slurm"].includes(info.launcher) &&
    info.localWorldSize > 1;
}

/**
 * `CUDA_VISIBLE_DEVICES` a worker must set for itself before touching CUDA, or undefined to
 * leave it alone: only launchers that start several ranks on one machine without splitting the
 * GPUs (torchrun, mpirun, Hydra's mpiexec, srun) need it. Our supervisor sets it for its
 * children, and an explicit `--rank`, a Kubernetes pod or a single process keep what they were
 * given.
 */
export function workerCudaVisibleDevices(
  info: RankInfo,
  env: Env,
  deviceCount: number,
): string | undefined {
  if (!launcherLeavesGpuSplit(info)) return undefined;
  return cudaVisibleDevicesFor(
    info.localRank,
    info.localWorldSize,
    visibleGpuIds(env, deviceCount),
  );
}

/** Present whenever the NVIDIA kernel driver is loaded, with or without NVML. */
const NVIDIA_CONTROL_DEVICE = "/dev/nvidiactl";

/**
 * The machine's GPU count for {@linkcode visibleGpuIds}, counted by NVML so that CUDA stays
 * uninitialised until `CUDA_VISIBLE_DEVICES` is set. When `CUDA_VISIBLE_DEVICES` is already set,
 * its entries are split and no count is needed (0). Without NVML: 0, so `CUDA_VISIBLE_DEVICES`
 * is left alone, with a warning through `warn` when the driver is there (`ranks` names who
 * would have shared).
 */
export function gpuCountForSplit(env: Env, ranks: string, warn: (message: string) => void): number {
  if (env.CUDA_VISIBLE_DEVICES !== undefined) return 0;
  const { count, reason } = gpuCountWithoutCudaInit();
  if (count !== null) return count;
  try {
    Deno.statSync(NVIDIA_CONTROL_DEVICE);
  } catch {
    return 0; // No NVIDIA driver either: no GPUs to split.
  }
  warn(
    `cannot split the GPUs among ${ranks} as NVML cannot count them (${reason}); ` +
      `CUDA_VISIBLE_DEVICES is left alone, so each rank sees every GPU: set ` +
      `CUDA_VISIBLE_DEVICES per rank yourself`,
  );
  return 0;
}

/**
 * The GPU ids the `--nproc` supervisor splits among its `nproc` workers (empty: no GPUs, leave
 * `CUDA_VISIBLE_DEVICES` alone).
 *
 * @throws {RangeError} when fewer GPUs are visible than workers.
 */
export function supervisorGpuIds(
  env: Env,
  nproc: number,
  warn: (message: string) => void,
): string[] {
  const gpuIds = visibleGpuIds(env, gpuCountForSplit(env, `${nproc} worker processes`, warn));
  cudaVisibleDevicesFor(0, nproc, gpuIds);
  return gpuIds;
}

/**
 * The `CUDA_VISIBLE_DEVICES` this rank must set for itself before CUDA starts (see
 * {@linkcode workerCudaVisibleDevices}), counting the GPUs only when its launcher left the split
 * to it; undefined to leave the variable alone.
 *
 * @throws {RangeError} when fewer GPUs are visible than ranks on this machine.
 */
export function rankCudaVisibleDevices(
  info: RankInfo,
  env: Env,
  warn: (message: string) => void,
): string | undefined {
  const gpuCount = launcherLeavesGpuSplit(info)
    ? gpuCountForSplit(env, `${info.localWorldSize} local ranks`, warn)
    : 0;
  return workerCudaVisibleDevices(info, env, gpuCount);
}
