/*
 * FaultInjection libcudart: a stand-in CUDA runtime for tests on machines without a GPU.
 *
 * Reports runtime version 12.2. The calling thread starts with the pending error given by
 * FAULT_INJECTION_CUDART_ERROR (default none); cudaGetLastError returns it and, like the real
 * runtime, resets it unless it is sticky (700-721, 214, 226, 810, 911, 999 here).
 *
 * Build: cc -shared -fPIC -o libcudart.so.12 fault_injection_libcudart.c
 */
#include <stdlib.h>

static int started = 0;
static int pending = 0;

static int sticky(int code) {
  return (code >= 700 && code <= 721 && code != 701 && code != 703 && code != 704 &&
          code != 705 && code != 708 && code != 709 && code != 711 && code != 712 &&
          code != 713 && code != 720) ||
         code == 214 || code == 226 || code == 810 || code == 911 || code == 999;
}

int cudaRuntimeGetVersion(int *version) {
  *version = 12020;
  return 0;
}

int cudaGetLastError(void) {
  if (!started) {
    const char *value = getenv("FAULT_INJECTION_CUDART_ERROR");
    pending = value ? atoi(value) : 0;
    started = 1;
  }
  int code = pending;
  if (!sticky(code)) pending = 0;
  return code;
}

const char *cudaGetErrorName(int code) {
  switch (code) {
    case 2: return "cudaErrorMemoryAllocation";
    case 700: return "cudaErrorIllegalAddress";
    default: return "cudaErrorFaultInjected";
  }
}

const char *cudaGetErrorString(int code) {
  return code == 2 ? "out of memory (fault injected)" : "fault injected";
}
