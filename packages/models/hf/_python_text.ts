/** Python `str` methods whose JavaScript look-alikes differ, as prompt builders need them. */

/** Characters `str.isspace()` is true for (Python 3.11); JavaScript's `trim` differs (BOM). */
const PY_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004" +
  "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Python's `s.strip()` with no argument. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_SPACE.includes(s[start])) start++;
  while (end > start && PY_SPACE.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

/** A Python exception raised by code we port: the sample fails with this type and message. */
export class PythonValueError extends Error {
  /** Always `"ValueError"`, the type VLMEvalKit's wrapper raises. */
  override name = "ValueError";
}

/**
 * Python's `a, b = s.split(sep)`: exactly two parts or a ValueError with Python's message.
 *
 * @throws {PythonValueError} when `sep` does not occur exactly once.
 */
export function pySplitTwo(s: string, sep: string): [string, string] {
  const parts = s.split(sep);
  if (parts.length < 2) {
    throw new PythonValueError(`not enough values to unpack (expected 2, got ${parts.length})`);
  }
  if (parts.length > 2) throw new PythonValueError("too many values to unpack (expected 2)");
  return [parts[0], parts[1]];
}
