/**
 * @vlmeval/models/testing: what vlmeval's own tests and benchmarks use to test models, for
 * tests only: a loopback server that answers like vLLM's OpenAI-compatible endpoint.
 *
 * @module
 */
export {
  type LoopbackVllmServer,
  type ReceivedRequest,
  type ReplyScript,
  type ScriptedReply,
  startLoopbackVllmServer,
  vllmChatCompletion,
} from "./fake_vllm_server.ts";
