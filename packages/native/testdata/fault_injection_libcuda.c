/*
 * FaultInjection libcuda: a stand-in CUDA driver for tests on machines without a GPU.
 *
 * It exports the driver symbols the addon resolves and plays one scenario, chosen by the
 * FAULT_INJECTION_CUDA environment variable, so the addon's real code paths run end to end:
 *
 *   no-device     cuInit returns CUDA_ERROR_NO_DEVICE (100)
 *   inactive      one device whose primary context is not active (nothing to synchronize)
 *   active        one device with an active primary context and an empty memory pool
 *   pooled        like active, with 256 MiB cached in the default pool (what emptyCache trims)
 *   sync-error    like active; cuCtxSynchronize returns FAULT_INJECTION_CUDA_CODE (default 700)
 *
 * Like the real driver, calls that need a context fail with CUDA_ERROR_INVALID_CONTEXT (201)
 * when none is current, and retaining an inactive primary context activates it, so a test can
 * see whether the addon created a context.
 *
 * Devices: one, unless FAULT_INJECTION_GPU_COUNT names how many GPUs the machine has; then
 * cuInit narrows them by CUDA_VISIBLE_DEVICES as the real driver does (entries up to the first
 * one that is not an ordinal below the count). Every device shares the one context and pool.
 * When FAULT_INJECTION_CUDA_LOG names a file, each cuInit appends the line
 * "pid=<pid> CUDA_VISIBLE_DEVICES=<value>" to it (<unset> when unset), so a test can see which
 * process initialised CUDA and with which devices.
 *
 * Build: cc -shared -fPIC -o libcuda.so.1 fault_injection_libcuda.c
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmemoryPool;
typedef void *CUstream;
typedef unsigned long long CUdeviceptr;

#define MIB (1024ull * 1024ull)
#define TOTAL (16384ull * MIB)
#define USED_BY_OTHERS (1024ull * MIB)

static int context_active = 0;
static int retained = 0;
static int current_depth = 0;
static unsigned long long pool_reserved = 0;
static unsigned long long pool_used = 0;
static unsigned long long release_threshold = 0;
static CUcontext primary = (CUcontext)0x1;
static CUmemoryPool default_pool = (CUmemoryPool)0x2;
static int device_count = 1;

static const char *scenario(void) {
  const char *value = getenv("FAULT_INJECTION_CUDA");
  return value ? value : "active";
}

static int is(const char *name) { return strcmp(scenario(), name) == 0; }

/* Appends one line, in a single write, to the file FAULT_INJECTION_CUDA_LOG names. */
static void log_init(const char *visible) {
  const char *path = getenv("FAULT_INJECTION_CUDA_LOG");
  if (!path || !*path) return;
  char line[512];
  int length = snprintf(line, sizeof line, "pid=%d CUDA_VISIBLE_DEVICES=%s\n", (int)getpid(),
                        visible ? visible : "<unset>");
  if (length <= 0) return;
  if (length >= (int)sizeof line) length = (int)sizeof line - 1;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  ssize_t written = write(fd, line, (size_t)length);
  (void)written;
  close(fd);
}

/* The devices CUDA_VISIBLE_DEVICES leaves of `total`: its leading valid ordinals. */
static int visible_count(const char *visible, int total) {
  if (!visible) return total;
  int count = 0;
  const char *cursor = visible;
  while (*cursor) {
    char *end;
    long ordinal = strtol(cursor, &end, 10);
    if (end == cursor || ordinal < 0 || ordinal >= total || (*end != ',' && *end != '\0')) break;
    count += 1;
    cursor = *end == ',' ? end + 1 : end;
  }
  return count;
}

CUresult cuInit(unsigned int flags) {
  (void)flags;
  const char *visible = getenv("CUDA_VISIBLE_DEVICES");
  log_init(visible);
  const char *machine = getenv("FAULT_INJECTION_GPU_COUNT");
  if (machine) device_count = visible_count(visible, atoi(machine));
  if (is("no-device")) return 100;
  context_active = !is("inactive");
  if (context_active) retained = 1;
  if (is("pooled")) {
    pool_reserved = 256 * MIB;
    release_threshold = ~0ull;
  }
  return 0;
}

CUresult cuDriverGetVersion(int *version) {
  *version = 12040;
  return 0;
}

CUresult cuGetErrorName(CUresult code, const char **text) {
  (void)code;
  *text = "CUDA_ERROR_FAULT_INJECTED";
  return 0;
}

CUresult cuGetErrorString(CUresult code, const char **text) {
  *text = code == 700 ? "an illegal memory access was encountered (fault injected)"
                      : "fault injected";
  return 0;
}

CUresult cuDeviceGetCount(int *count) {
  *count = device_count;
  return 0;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal < 0 || ordinal >= device_count) return 101;
  *device = ordinal;
  return 0;
}

CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  (void)device;
  strncpy(name, "FaultInjection GPU", (size_t)length);
  return 0;
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice device) {
  (void)device;
  *bytes = TOTAL;
  return 0;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
  (void)device;
  *value = attribute == 115 ? 1 : 0;
  return 0;
}

CUresult cuDeviceGetPCIBusId(char *text, int length, CUdevice device) {
  snprintf(text, (size_t)length, "0000:%02x:00.0", (unsigned)device);
  return 0;
}

CUresult cuDevicePrimaryCtxGetState(CUdevice device, unsigned int *flags, int *active) {
  (void)device;
  *flags = 0;
  *active = context_active;
  return 0;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  (void)device;
  context_active = 1;
  retained += 1;
  *context = primary;
  return 0;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  (void)device;
  if (retained == 0) return 201;
  retained -= 1;
  if (retained == 0) context_active = 0;
  return 0;
}

CUresult cuCtxPushCurrent_v2(CUcontext context) {
  if (context != primary) return 201;
  current_depth += 1;
  return 0;
}

CUresult cuCtxPopCurrent_v2(CUcontext *context) {
  if (current_depth == 0) return 201;
  current_depth -= 1;
  if (context) *context = primary;
  return 0;
}

static unsigned long long free_bytes(void) { return TOTAL - USED_BY_OTHERS - pool_reserved; }

CUresult cuCtxSynchronize(void) {
  if (current_depth == 0) return 201;
  if (is("sync-error")) {
    const char *code = getenv("FAULT_INJECTION_CUDA_CODE");
    return code ? atoi(code) : 700;
  }
  if (pool_reserved > pool_used && pool_reserved - pool_used > release_threshold) {
    pool_reserved = pool_used + release_threshold;
  }
  return 0;
}

CUresult cuMemGetInfo_v2(size_t *free, size_t *total) {
  if (current_depth == 0) return 201;
  *free = free_bytes();
  *total = TOTAL;
  return 0;
}

CUresult cuDeviceGetDefaultMemPool(CUmemoryPool *pool, CUdevice device) {
  (void)device;
  *pool = default_pool;
  return 0;
}

CUresult cuDeviceGetMemPool(CUmemoryPool *pool, CUdevice device) {
  (void)device;
  *pool = default_pool;
  return 0;
}

CUresult cuMemPoolTrimTo(CUmemoryPool pool, size_t keep) {
  if (pool != default_pool || current_depth == 0) return 400;
  unsigned long long floor = pool_used > keep ? pool_used : keep;
  if (pool_reserved > floor) pool_reserved = floor;
  return 0;
}

CUresult cuMemPoolGetAttribute(CUmemoryPool pool, int attribute, void *value) {
  if (pool != default_pool) return 400;
  unsigned long long *out = (unsigned long long *)value;
  switch (attribute) {
    case 4: *out = release_threshold; return 0;
    case 5: *out = pool_reserved; return 0;
    case 7: *out = pool_used; return 0;
    default: return 1;
  }
}

CUresult cuMemPoolSetAttribute(CUmemoryPool pool, int attribute, void *value) {
  if (pool != default_pool) return 400;
  if (attribute != 4) return 1;
  release_threshold = *(unsigned long long *)value;
  return 0;
}

CUresult cuMemAllocAsync(CUdeviceptr *pointer, size_t bytes, CUstream stream) {
  (void)stream;
  if (current_depth == 0) return 201;
  pool_used += bytes;
  if (pool_reserved < pool_used) pool_reserved = pool_used;
  *pointer = 0x1000;
  return 0;
}

CUresult cuMemFreeAsync(CUdeviceptr pointer, CUstream stream) {
  (void)pointer;
  (void)stream;
  if (current_depth == 0) return 201;
  pool_used = 0;
  return 0;
}
