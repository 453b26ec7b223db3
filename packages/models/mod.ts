/**
 * Models: the bundled tfjs model, OpenAI-compatible API models, Hugging Face VLMs in-process
 * (transformers.js on ONNX Runtime), test models, and the registry that builds a model from its
 * name. Nothing here loads tfjs or transformers.js or touches a GPU at import.
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
export {
  ConfigEntryError,
  SERVED_CONFIG_CLASSES,
  type ServedModelEntry,
  servedModelFromConfigEntry,
  servedModelOptions,
} from "./api/config_entry.ts";
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
export {
  createModel,
  type CreateModelOptions,
  listModels,
  modelOutputName,
  runsInProcess,
  UnknownModelError,
} from "./registry.ts";
export {
  HF_CONFIG_CLASSES,
  type HfConfigEntryOptions,
  hfModelFromConfigEntry,
} from "./hf/config_entry.ts";
export {
  createHfModel,
  type GeneratedIds,
  HF_DEVICES,
  HF_DTYPES,
  type HfDevice,
  HfDeviceUnavailableError,
  type HfFolderSettings,
  type HfModelOptions,
  type HfPrompt,
  type HfRunInfo,
  type HfVlm,
} from "./hf/hf_model.ts";
export { HF_MODEL_NAMES, type HfNamedModel, type HfWrapper } from "./hf/resolve_model.ts";
export { buildPaliGemmaPrompt, type PaliGemmaPrompt } from "./hf/paligemma.ts";
export {
  buildSmolVlmPrompt,
  type SmolVlmPrompt,
  type SmolVlmWrapper,
} from "./hf/smolvlm_prompts.ts";
export { HubDownloadError, HubOfflineError } from "./hf/hub.ts";
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
