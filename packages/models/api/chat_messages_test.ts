import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { buildChatMessages, imageDataUrl } from "./chat_messages.ts";

Deno.test("imageDataUrl() takes the MIME type from the bytes, not the file name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { data } = jpeg.encode(
      { data: new Uint8Array(4 * 4 * 4).fill(200), width: 4, height: 4 },
      90,
    );
    const path = `${dir}/looks_like.png`;
    await Deno.writeFile(path, data);
    assert.ok((await imageDataUrl(path)).startsWith("data:image/jpeg;base64,/9j/"));
    await Deno.writeTextFile(`${dir}/notes.png`, "hello");
    await assert.rejects(imageDataUrl(`${dir}/notes.png`), {
      name: "TypeError",
      message:
        `Cannot send image "${dir}/notes.png" as its bytes are not PNG, JPEG, GIF, WebP or BMP (first bytes: 68 65 6c 6c 6f)`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

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
