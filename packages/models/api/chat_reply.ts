/** Tokens a server counted for one reply (its `usage`). */
export interface ReplyUsage {
  /** `usage.prompt_tokens`. */
  promptTokens?: number;
  /** `usage.completion_tokens`. */
  completionTokens?: number;
}

/** What one chat-completion reply body says: an answer, or why it cannot be used. */
export type ChatReply =
  | { ok: true; content: string; usage: ReplyUsage }
  | { ok: false; reason: string };

/**
 * Reads an OpenAI-style chat completion body (`choices[0].message.content`, and the token
 * counts of `usage` when the server gives them). A body that is not JSON, has no choices, or
 * has no text content is reported as malformed, with a short reason. Content given as a list
 * of parts is joined from its text parts.
 */
export function readChatReply(body: string): ChatReply {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, reason: `malformed reply (not JSON): ${excerpt(body)}` };
  }
  const choices = (data as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    return { ok: false, reason: `malformed reply (no choices): ${excerpt(body)}` };
  }
  const content = (choices[0] as { message?: { content?: unknown } })?.message?.content;
  const text = typeof content === "string" ? content : joinTextParts(content);
  if (text === undefined) {
    return {
      ok: false,
      reason: `malformed reply (no choices[0].message.content): ${excerpt(body)}`,
    };
  }
  if (text.trim() === "") return { ok: false, reason: "empty answer" };
  return { ok: true, content: text, usage: usageOf((data as { usage?: unknown }).usage) };
}

function usageOf(usage: unknown): ReplyUsage {
  const out: ReplyUsage = {};
  if (typeof usage !== "object" || usage === null) return out;
  const { prompt_tokens: prompt, completion_tokens: completion } = usage as Record<
    string,
    unknown
  >;
  if (Number.isFinite(prompt)) out.promptTokens = prompt as number;
  if (Number.isFinite(completion)) out.completionTokens = completion as number;
  return out;
}

/** One line of at most `max` characters from a reply body, for failure reasons and logs. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line === "") return "(empty body)";
  return line.length <= max ? line : `${line.slice(0, max)}...`;
}

function joinTextParts(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const texts = content
    .filter((p) => p?.type === "text" && typeof p.text === "string")
    .map((p) => p.text as string);
  return texts.length > 0 ? texts.join("") : undefined;
}
