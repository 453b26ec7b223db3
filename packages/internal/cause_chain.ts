/**
 * Walking an error's `cause` chain: the one walk behind the sticky-CUDA-error check, the
 * addon loader's innermost reason and the CLI's one-line error description.
 *
 * @module
 */

/**
 * `error` followed by each `cause` in turn, outermost first: at most `maxDepth` values, ending
 * at a value that is not an object or has no `cause`, and at a value seen before (a cyclic
 * chain is walked once).
 *
 * @example
 * ```ts
 * import { causeChain } from "@vlmeval/internal";
 * const chain = causeChain(new Error("job failed", { cause: new RangeError("bad frame") }));
 * chain.length; // 2
 * ```
 */
export function causeChain(error: unknown, maxDepth = 16): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  let current = error;
  while (chain.length < maxDepth && !seen.has(current)) {
    chain.push(current);
    seen.add(current);
    if (typeof current !== "object" || current === null || !("cause" in current)) break;
    current = current.cause;
    if (current === undefined || current === null) break;
  }
  return chain;
}
