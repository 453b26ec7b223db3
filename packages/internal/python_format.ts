/**
 * A number as Python's `str(float(x))` (and `repr`) prints it: `1.0`, `0.5`, `1e-05`, `1e+16`,
 * `-0.0`, `inf`, `nan`. Used in
 * VLMEvalKit-compatible names such as `frame-1-of-10-1.0fps.jpg` and `Video-MME_1.0fps`.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0.0";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(x);
  return text.includes(".") ? text : `${text}.0`;
}

/**
 * An object with string keys as Python's `json.dumps` writes it by default: `", "` and `": "`
 * separators, non-ASCII characters escaped as `\uXXXX`, keys in the given order.
 */
export function pythonJsonDumps(entries: ReadonlyArray<readonly [string, string]>): string {
  const body = entries.map(([k, v]) => `${asciiJson(k)}: ${asciiJson(v)}`).join(", ");
  return `{${body}}`;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
