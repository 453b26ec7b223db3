/*
 * FaultInjection libnvidia-ml: a stand-in NVML for tests on machines without a GPU.
 *
 * One device with 16 GiB, 12 GiB free. nvmlDeviceGetComputeRunningProcesses_v3 lists 20 other
 * processes (so the caller must grow its buffer after NVML_ERROR_INSUFFICIENT_SIZE) plus, unless
 * FAULT_INJECTION_NVML=container, the calling process with 300 MiB, as NVML does outside a PID
 * namespace.
 *
 * nvmlDeviceGetCount_v2 reports FAULT_INJECTION_GPU_COUNT GPUs (default 1), ignoring
 * CUDA_VISIBLE_DEVICES as the real NVML does; only the first has a handle. With
 * FAULT_INJECTION_NVML=init-fails, nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED (9).
 *
 * Build: cc -shared -fPIC -o libnvidia-ml.so.1 fault_injection_libnvidia_ml.c
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef void *nvmlDevice_t;

typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

#define MIB (1024ull * 1024ull)
#define OTHERS 20u

static nvmlDevice_t only_device = (nvmlDevice_t)0x10;

static int nvml_is(const char *name) {
  const char *value = getenv("FAULT_INJECTION_NVML");
  return value && strcmp(value, name) == 0;
}

nvmlReturn_t nvmlInit_v2(void) { return nvml_is("init-fails") ? 9 : 0; }

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  const char *value = getenv("FAULT_INJECTION_GPU_COUNT");
  *count = value ? (unsigned int)atoi(value) : 1u;
  return 0;
}

const char *nvmlErrorString(nvmlReturn_t code) {
  switch (code) {
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    default: return "Fault injected";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *text, unsigned int length) {
  strncpy(text, "999.99.99-fault-injection", length);
  return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (index != 0) return 2;
  *device = only_device;
  return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char *bus_id, nvmlDevice_t *device) {
  if (strcmp(bus_id, "0000:00:00.0") != 0) return 6;
  *device = only_device;
  return 0;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  if (device != only_device) return 2;
  memory->total = 16384 * MIB;
  memory->free = 12288 * MIB;
  memory->used = memory->total - memory->free;
  return 0;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count,
                                                     nvmlProcessInfo_t *infos) {
  if (device != only_device) return 2;
  unsigned int needed = OTHERS + (nvml_is("container") ? 0u : 1u);
  if (*count < needed) {
    *count = needed;
    return 7;
  }
  for (unsigned int i = 0; i < OTHERS; i += 1) {
    infos[i].pid = 4000000u + i;
    infos[i].usedGpuMemory = 100 * MIB;
    infos[i].gpuInstanceId = 0xFFFFFFFFu;
    infos[i].computeInstanceId = 0xFFFFFFFFu;
  }
  if (!nvml_is("container")) {
    infos[OTHERS].pid = (unsigned int)getpid();
    infos[OTHERS].usedGpuMemory = 300 * MIB;
    infos[OTHERS].gpuInstanceId = 0xFFFFFFFFu;
    infos[OTHERS].computeInstanceId = 0xFFFFFFFFu;
  }
  *count = needed;
  return 0;
}
