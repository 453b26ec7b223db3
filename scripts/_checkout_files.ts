/**
 * What is in a checkout, file by file, so that a test run that writes into it is caught: every
 * file's size and modification time, `.git`, `node_modules` and Rust `target` folders left out
 * (Deno and cargo own them).
 *
 * @module
 */

/** Path (relative to the checkout) to `size:mtime`. */
export type CheckoutFiles = Map<string, string>;

const SKIPPED = new Set([".git", "node_modules", "target"]);

/** Every file under `root`, but in `.git`, `node_modules` and `target` folders. */
export function checkoutFiles(root: string): CheckoutFiles {
  const files: CheckoutFiles = new Map();
  const walk = (dir: string, prefix: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      if (SKIPPED.has(entry.name)) continue;
      const path = `${dir}/${entry.name}`;
      const rel = prefix + entry.name;
      if (entry.isDirectory) walk(path, `${rel}/`);
      else {
        const stat = Deno.lstatSync(path);
        files.set(rel, `${stat.size}:${stat.mtime?.getTime() ?? 0}`);
      }
    }
  };
  walk(root, "");
  return files;
}

/** What changed from `before` to `after`: `+ path` made, `~ path` changed, `- path` removed. */
export function checkoutChanges(before: CheckoutFiles, after: CheckoutFiles): string[] {
  const changes: string[] = [];
  for (const [path, state] of after) {
    const was = before.get(path);
    if (was === undefined) changes.push(`+ ${path}`);
    else if (was !== state) changes.push(`~ ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`- ${path}`);
  return changes.sort((a, b) => a.slice(2) < b.slice(2) ? -1 : 1);
}
