import type { Message } from "@vlmeval/schema";
import { imageDataUrl } from "./image_payload.ts";

/** How much detail a provider should see in an image (OpenAI's `image_url.detail`). */
export type ImageDetail = "low" | "high" | "auto";

/** One part of a multimodal user message in the OpenAI chat format. */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: ImageDetail } };

/** One message of an OpenAI chat-completion request. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ChatContentPart[];
}

/** How {@linkcode buildChatMessages} shapes a prompt. */
export interface ChatMessageOptions {
  /** A system prompt put before the prompt's own system items (VLMEvalKit's `system_prompt`). */
  systemPrompt?: string;
  /** `image_url.detail` of every image; absent, the field is not sent (the server's default). */
  imageDetail?: ImageDetail;
  /** Longest side images are shrunk to before sending (VLMEvalKit's `img_size`). */
  imageMaxSide?: number;
}

/**
 * Turns a VLMEvalKit-style prompt into chat messages: the system prompt and the prompt's system
 * items become one system message (joined by newlines, as VLMEvalKit's
 * `preprocess_message_with_role` joins them), user items (text and images, in order) one user
 * message whose content is a list of parts, and assistant items one trailing assistant message
 * (a prefill). Images are read from disk and sent inline as `data:<mime>;base64,...` URLs, the
 * MIME type taken from the file's magic bytes (see {@linkcode imageDataUrl}).
 *
 * @throws {TypeError} for a video item, an image outside the user turn, or an image file whose
 * format is not PNG, JPEG, GIF, WebP or BMP.
 * @throws {Deno.errors.NotFound} when an image file is missing (with the path in the message).
 */
export async function buildChatMessages(
  message: Message,
  opts: ChatMessageOptions = {},
): Promise<ChatMessage[]> {
  const system: string[] = opts.systemPrompt ? [opts.systemPrompt] : [];
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
    else {
      const url = await imageDataUrl(item.value, opts.imageMaxSide);
      user.push({
        type: "image_url",
        image_url: opts.imageDetail ? { url, detail: opts.imageDetail } : { url },
      });
    }
  }
  const messages: ChatMessage[] = [];
  if (system.length > 0) messages.push({ role: "system", content: system.join("\n") });
  if (user.length > 0) messages.push({ role: "user", content: user });
  if (assistant.length > 0) messages.push({ role: "assistant", content: assistant.join("\n") });
  return messages;
}
