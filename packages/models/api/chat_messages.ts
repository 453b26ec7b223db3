import { Buffer } from "node:buffer";
import type { Message } from "@vlmeval/schema";
import { detectImageFormat, hexHead } from "@vlmeval/internal";

/** One part of a multimodal user message in the OpenAI chat format. */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } };

/** One message of an OpenAI chat-completion request. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ChatContentPart[];
}

/**
 * Turns a VLMEvalKit-style prompt into chat messages: system items become one system message,
 * user items (text and images, in order) one user message whose content is a list of parts, and
 * assistant items one trailing assistant message (a prefill). Images are read from disk and
 * sent inline as `data:<mime>;base64,...` URLs, the MIME type taken from the file's magic bytes.
 *
 * @throws {TypeError} for a video item, an image outside the user turn, or an image file whose
 * format is not PNG, JPEG, GIF, WebP or BMP.
 * @throws {Deno.errors.NotFound} when an image file is missing (with the path in the message).
 */
export async function buildChatMessages(message: Message): Promise<ChatMessage[]> {
  const system: string[] = [];
  const user: ChatContentPart[] = [];
  const assistant: string[] = [];
  for (const [i, item] of message.entries()) {
    const role = item.role ?? "user";
    if (item.type === "video") {
      throw new TypeError(
        `Cannot send message item ${i} as the OpenAI-compatible API takes images, not videos: sample frames first (video "${item.value}")`,
      );
    }
    if (item.type === "image" && role !== "user") {
      throw new TypeError(
        `Cannot send message item ${i} as images are only allowed in the user turn: current role is "${role}"`,
      );
    }
    if (role === "system") system.push(item.value);
    else if (role === "assistant") assistant.push(item.value);
    else if (item.type === "text") user.push({ type: "text", text: item.value });
    else user.push({ type: "image_url", image_url: { url: await imageDataUrl(item.value) } });
  }
  const messages: ChatMessage[] = [];
  if (system.length > 0) messages.push({ role: "system", content: system.join("\n") });
  if (user.length > 0) messages.push({ role: "user", content: user });
  if (assistant.length > 0) messages.push({ role: "assistant", content: assistant.join("\n") });
  return messages;
}

/** Reads an image file and returns it as a base64 data URL with the MIME type of its bytes. */
export async function imageDataUrl(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof Error) err.message = `Cannot read image "${path}": ${reason}`;
    throw err;
  }
  const mime = detectImageFormat(bytes)?.mime;
  if (mime === undefined) {
    throw new TypeError(
      `Cannot send image "${path}" as its bytes are not PNG, JPEG, GIF, WebP or BMP (first bytes: ${
        hexHead(bytes) || "none"
      })`,
    );
  }
  return `data:${mime};base64,${
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
  }`;
}
