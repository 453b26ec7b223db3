import type { Row } from "@vlmeval/schema";
import type { GroupedScore } from "./score_table.ts";

/** A row's text in `column`, or a TypeError naming the row when the column is missing. */
export function requireField(row: Row, column: string, position: number): string {
  const value = row[column];
  if (value === undefined) {
    throw new TypeError(
      `Cannot score row ${position + 1} (index "${
        row.index ?? "?"
      }") as it has no "${column}" column`,
    );
  }
  return value;
}

/** The row's reporting groups: `split`, `category` and `l2-category` when the columns exist. */
export function rowGroups(row: Row, score: number): GroupedScore {
  return {
    score,
    split: row.split,
    category: row.category,
    l2Category: row["l2-category"],
  };
}
