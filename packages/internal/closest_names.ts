/**
 * "Did you mean ...?" for names typed on a command line: benchmark and model names.
 *
 * @module
 */

/** Edit distance (insert, delete, substitute one character), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * The candidates closest to `asked`, best first, at most `max`: the same name in another letter
 * case, names that contain it or that it contains, then names within a few typos (a third of
 * the name's length, at least 2). Empty when nothing is close.
 *
 * @example
 * ```ts
 * import { closestNames } from "@vlmeval/internal";
 * closestNames("MMBench_DEV_ENN", ["MMBench_DEV_EN", "MMStar"]); // ["MMBench_DEV_EN"]
 * ```
 */
export function closestNames(asked: string, candidates: Iterable<string>, max = 5): string[] {
  const lower = asked.toLowerCase();
  const budget = Math.max(2, Math.floor(asked.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(candidates)) {
    const key = name.toLowerCase();
    let score: number;
    if (key === lower) score = 0;
    else if (lower.length >= 3 && (key.includes(lower) || lower.includes(key))) {
      score = 1 + Math.abs(key.length - lower.length) / 100;
    } else {
      const d = distance(asked, name);
      if (d > budget) continue;
      score = 2 + d;
    }
    scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}
