import util from "node:util";

/**
 * Gives `node:util` back the deprecated helpers tfjs-node 4.22's JavaScript still calls:
 * `util.isNullOrUndefined` (kernel attributes, TopK) is gone from Deno's `node:util`, as from
 * Node 23's, and its absence fails the first kernel with "isNullOrUndefined is not a function".
 * Defined only where missing, with Node's own semantics. Returns the names it defined.
 */
export function restoreNodeUtilHelpers(): string[] {
  const target = util as unknown as Record<string, unknown>;
  const helpers: Record<string, (value: unknown) => boolean> = {
    isNullOrUndefined: (value) => value === null || value === undefined,
    isArray: (value) => Array.isArray(value),
  };
  const defined: string[] = [];
  for (const [name, fn] of Object.entries(helpers)) {
    if (typeof target[name] !== "function") {
      target[name] = fn;
      defined.push(name);
    }
  }
  return defined;
}
