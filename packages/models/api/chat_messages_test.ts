import assert from "node:assert/strict";
import { buildChatMessages } from "./chat_messages.ts";

Deno.test("buildChatMessages() keeps text-only prompts as one user turn", async () => {
  const messages = await buildChatMessages([{ type: "text", value: "a" }, {
    type: "text",
    value: "b",
  }]);
  assert.deepEqual(messages, [{
    role: "user",
    content: [{ type: "text", text: "a" }, { type: "text", text: "b" }],
  }]);
});

Deno.test("buildChatMessages() refuses videos and images outside the user turn", async () => {
  await assert.rejects(buildChatMessages([{ type: "video", value: "/v/clip.mp4" }]), {
    name: "TypeError",
    message:
      'Cannot send message item 0 as the OpenAI-compatible API takes images, not videos: sample frames first (video "/v/clip.mp4")',
  });
  await assert.rejects(
    buildChatMessages([{ type: "text", value: "x" }, {
      type: "image",
      value: "/i.png",
      role: "system",
    }]),
    /Cannot send message item 1 as images are only allowed in the user turn: current role is "system"/,
  );
});

Deno.test("buildChatMessages() puts the system prompt before the prompt's own system items", async () => {
  const messages = await buildChatMessages([
    { type: "text", value: "Answer with a letter.", role: "system" },
    { type: "text", value: "Which?" },
  ], { systemPrompt: "You are a careful grader." });
  assert.deepEqual(messages, [
    { role: "system", content: "You are a careful grader.\nAnswer with a letter." },
    { role: "user", content: [{ type: "text", text: "Which?" }] },
  ]);
  const only = await buildChatMessages([{ type: "text", value: "Which?" }], {
    systemPrompt: "Be brief.",
  });
  assert.deepEqual(only[0], { role: "system", content: "Be brief." });
});

Deno.test("buildChatMessages() sends image detail only when it is set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-chat-" });
  try {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0];
    await Deno.writeFile(`${dir}/a.png`, new Uint8Array(png));
    const prompt = [{ type: "image" as const, value: `${dir}/a.png` }];
    const plain = await buildChatMessages(prompt);
    const high = await buildChatMessages(prompt, { imageDetail: "high" });
    const part = (m: typeof plain) => (m[0].content as { image_url: object }[])[0].image_url;
    assert.deepEqual(Object.keys(part(plain)), ["url"]);
    assert.deepEqual(Object.keys(part(high)), ["url", "detail"]);
    assert.equal((part(high) as { detail: string }).detail, "high");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
