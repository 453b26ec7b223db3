/**
 * Byte counts as people read them, in binary units: `812 B`, `293.0 KiB`, `3.40 GiB`. The one
 * formatter of sizes in vlmeval's output (download progress, `vlmeval datasets`,
 * `vlmeval cache`), so every command shows a size the same way.
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
