/**
 * HTML that cannot carry untrusted markup: every value put into a {@linkcode html} template is
 * escaped unless it is itself the result of one, and JSON embedded in a script block cannot end
 * the block or open a comment.
 *
 * @module
 */

/** Markup built by {@linkcode html} (or {@linkcode trustedHtml}): inserted as it is. */
export class SafeHtml {
  /** The markup. */
  readonly text: string;
  /** Wraps markup that is known to be safe. */
  constructor(text: string) {
    this.text = text;
  }
  /** The markup. */
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text as HTML text or a quoted attribute value: `& < > " '` become entities, so a value can
 * neither open a tag nor leave its attribute.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** What a template may hold: text and numbers are escaped, arrays joined, nullish left out. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value (attributes must be quoted in the
 * template); nested `html` results are kept as markup.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * html`<td title="${'"x"'}">${"<script>"}</td>`.text;
 * // '<td title="&quot;x&quot;">&lt;script&gt;</td>'
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let k = 0; k < values.length; k++) out += render(values[k]) + strings[k + 1];
  return new SafeHtml(out);
}

/** Markup the caller vouches for (generated SVG, the page's own script and style). */
export function trustedHtml(text: string): SafeHtml {
  return new SafeHtml(text);
}

/**
 * JSON that can sit inside `<script type="application/json">`: `<`, `>` and `&` are written as
 * `\u003c`, `\u003e`, `\u0026`, so no `</script` or `<!--` can appear, and U+2028/U+2029 as
 * escapes too; `JSON.parse` of the block's text gives back the value.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A `<script type="application/json" id="...">` block holding `value`. */
export function jsonScript(id: string, value: unknown): SafeHtml {
  return html`<script type="application/json" id="${id}">${
    trustedHtml(scriptSafeJson(value))
  }</script>`;
}

/**
 * A path as a relative URL: each segment percent-encoded, so a file name can neither change
 * the scheme nor leave the attribute.
 */
export function relativeUrl(path: string): string {
  return path.split("/").map((segment) => encodeURIComponent(segment)).join("/");
}

/** The CSP source of an inline block: `'sha256-<base64>'` of its exact text. */
export async function cspHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `'sha256-${new Uint8Array(digest).toBase64()}'`;
}
