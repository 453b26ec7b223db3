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
