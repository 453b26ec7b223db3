import assert from "node:assert/strict";
import { detectRank } from "./ranks.ts";
import { cudaVisibleDevicesFor, visibleGpuIds, workerCudaVisibleDevices } from "./gpu_split.ts";

Deno.test("cudaVisibleDevicesFor() gives each local rank floor(G/n) consecutive GPUs", () => {
  const gpus = ["0", "1", "2", "3", "4", "5", "6", "7"];
  assert.deepEqual([0, 1].map((r) => cudaVisibleDevicesFor(r, 2, gpus)), ["0,1,2,3", "4,5,6,7"]);
  assert.deepEqual([0, 1, 2].map((r) => cudaVisibleDevicesFor(r, 3, gpus)), [
    "0,1",
    "2,3",
    "4,5",
  ]);
  assert.equal(cudaVisibleDevicesFor(1, 2, ["3", "7"]), "7");
  assert.equal(cudaVisibleDevicesFor(0, 2, []), undefined);
});

Deno.test("cudaVisibleDevicesFor() refuses more local ranks than GPUs", () => {
  assert.throws(() => cudaVisibleDevicesFor(0, 3, ["0", "1"]), {
    name: "RangeError",
    message: /each of 3 local ranks a GPU as only 2 are visible \(0,1\)/,
  });
  assert.throws(() => cudaVisibleDevicesFor(2, 2, ["0", "1"]), { name: "RangeError" });
});

Deno.test("visibleGpuIds() reads CUDA_VISIBLE_DEVICES before the device count", () => {
  assert.deepEqual(visibleGpuIds({ CUDA_VISIBLE_DEVICES: "2, 5" }, 8), ["2", "5"]);
  assert.deepEqual(visibleGpuIds({ CUDA_VISIBLE_DEVICES: "" }, 8), []);
  assert.deepEqual(visibleGpuIds({ CUDA_VISIBLE_DEVICES: "-1" }, 8), []);
  assert.deepEqual(visibleGpuIds({}, 3), ["0", "1", "2"]);
  assert.deepEqual(visibleGpuIds({}, 0), []);
});

Deno.test("workerCudaVisibleDevices() splits only for launchers that do not split themselves", () => {
  const env = { CUDA_VISIBLE_DEVICES: "0,1,2,3" };
  const torch = detectRank({ RANK: "1", WORLD_SIZE: "2", LOCAL_RANK: "1", LOCAL_WORLD_SIZE: "2" });
  assert.equal(workerCudaVisibleDevices(torch, env, 4), "2,3");
  const ours = detectRank({ VLMEVAL_RANK: "1", VLMEVAL_WORLD_SIZE: "2" });
  assert.equal(workerCudaVisibleDevices(ours, { CUDA_VISIBLE_DEVICES: "2,3" }, 2), undefined);
  assert.equal(workerCudaVisibleDevices(torch, {}, 0), undefined);
  const hydra = detectRank({
    PMI_RANK: "0",
    PMI_SIZE: "2",
    MPI_LOCALRANKID: "0",
    MPI_LOCALNRANKS: "2",
  });
  assert.equal(workerCudaVisibleDevices(hydra, env, 4), "0,1");
});
