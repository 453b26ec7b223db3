import type { VisionLanguageModel } from "@vlmeval/schema";
import { runModelConformance } from "../testing/conformance.ts";
import { startLoopbackVllmServer, vllmChatCompletion } from "../testing/fake_vllm_server.ts";
import { createOpenAIModel } from "./openai_model.ts";

/**
 * An OpenAI-compatible model on a real loopback server of its own, answering `reply`; disposing
 * the model also closes the server.
 */
function servedModel(reply: { status?: number; answer?: string }): Promise<VisionLanguageModel> {
  const server = startLoopbackVllmServer(() => ({
    status: reply.status ?? 200,
    body: reply.status ? "server error" : vllmChatCompletion(reply.answer ?? "B"),
  }));
  const model = createOpenAIModel({
    model: "loopback-model",
    baseUrl: server.baseUrl,
    retries: 0,
    timeoutMs: 5000,
  });
  return Promise.resolve({
    ...model,
    async dispose() {
      await model.dispose?.();
      await server.close();
    },
  });
}

runModelConformance({
  name: "OpenAI-compatible API",
  create: () => servedModel({ answer: "B" }),
  message: () => [{ type: "text", value: "Question: which letter?\nA. a\nB. b" }],
  failure: { create: () => servedModel({ status: 500 }) },
});
