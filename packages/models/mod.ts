/**
 * Models: the bundled tfjs model, OpenAI-compatible API models, test models, and the registry
 * that builds a model from its name. Nothing here loads tfjs or touches a GPU at import.
 *
 * @module
 */
export {
  type FaultInjectionConfig,
  FaultInjectionModel,
  InjectedStickyCudaError,
} from "./fault_injection_model.ts";
export { BusyLoopModel, ConstantAnswerModel } from "./simple_models.ts";
export {
  connectOpenAIModel,
  type ConnectOptions,
  createOpenAIModel,
  type OpenAIModel,
  type OpenAIModelOptions,
  outputNameOf,
} from "./api/openai_model.ts";
export type { BackoffOptions } from "./api/retry_policy.ts";
export type { LimitReport } from "./api/adaptive_limit.ts";
export type { ImageDetail } from "./api/chat_messages.ts";
export {
  type GenerationSettings,
  IMAGE_DETAILS,
  type SettingsRecord,
  settingsRecord,
} from "./api/generation_settings.ts";
export { type ServedModelEntry, servedModelFromConfigEntry } from "./api/config_entry.ts";
export { EndpointCheckError, type EndpointProblem } from "./api/endpoint_check.ts";
export type { NetworkFailureKind } from "./api/network_error.ts";
export {
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  type CacheRelease,
  type Tf,
  type WebGPUAdapterSummary,
} from "./backends/backend_info.ts";
export { BackendUnavailableError } from "./backends/backend_unavailable_error.ts";
export { selectBackend } from "./backends/select_backend.ts";
export { releaseBackendCaches } from "./backends/release_caches.ts";
export { TF_GPU_ENV } from "./backends/tfjs_node_backend.ts";
export { createModel, type CreateModelOptions, listModels, UnknownModelError } from "./registry.ts";
export {
  bundledShapesModelDir,
  createShapesVlm,
  type ShapesVlm,
  type ShapesVlmOptions,
} from "./shapes_vlm.ts";
export {
  describeTensorLeak,
  type TensorLeakReport,
  TensorScopedModel,
  type TensorScopeOptions,
  type TensorScopeStats,
  withTensorScope,
} from "./tensor_scope.ts";
export { LeakingAdapterForBenchmarks } from "./leaking_adapter_for_benchmarks.ts";
export { type MemorySnapshot, probeMemory, type ProbeMemoryOptions } from "./memory_probe.ts";
