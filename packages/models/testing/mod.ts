/**
 * @vlmeval/models/testing: what vlmeval's own tests and benchmarks use to test models, for
 * tests only: the conformance suite every model adapter passes ({@linkcode runModelConformance})
 * and a loopback server that answers like vLLM's OpenAI-compatible endpoint.
 *
 * @example Run the suite for an adapter
 * ```ts ignore
 * import { ConstantAnswerModel } from "@vlmeval/models";
 * import { runModelConformance } from "@vlmeval/models/testing";
 * runModelConformance({
 *   name: "ConstantAnswer",
 *   create: () => Promise.resolve(new ConstantAnswerModel()),
 *   message: () => [{ type: "text", value: "Which letter?" }],
 *   skip: [{ test: "failure", reason: "answers without reading the prompt" }],
 * });
 * ```
 *
 * @module
 */
export {
  type ConformanceTest,
  type MessageSource,
  type ModelConformanceOptions,
  runModelConformance,
} from "./conformance.ts";
export {
  isCheckRequest,
  type LoopbackServerOptions,
  type LoopbackVllmServer,
  type ReceivedRequest,
  type ReplyScript,
  type ScriptedReply,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "./fake_vllm_server.ts";
