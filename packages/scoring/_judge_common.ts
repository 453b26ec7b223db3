/** A judge answer holding this is a failed API call: a warning and another try, never parsed. */
export const API_FAILURE_MARK = "Failed to obtain answer via API";

/**
 * Runs `work(item)` for every item, at most `limit` at once. After a rejection no new item
 * starts; once the items in flight have settled, the first rejection is rethrown.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot judge with concurrency ${limit} as it must be an integer >= 1`);
  }
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  const rejected = settled.find((s) => s.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
}
