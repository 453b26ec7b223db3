import assert from "node:assert/strict";
import { formatBytes } from "./format_bytes.ts";

Deno.test("formatBytes() writes binary units, two decimals below 10 and one above", () => {
  assert.deepEqual(
    [0, 812, 1023, 1024, 300_000, 1.2 * 2 ** 20, 3.4 * 2 ** 30, 5 * 2 ** 40, 2 ** 52].map(
      formatBytes,
    ),
    [
      "0 B",
      "812 B",
      "1023 B",
      "1.00 KiB",
      "293.0 KiB",
      "1.20 MiB",
      "3.40 GiB",
      "5.00 TiB",
      "4096.0 TiB",
    ],
  );
});
