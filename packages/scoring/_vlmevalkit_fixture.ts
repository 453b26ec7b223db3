/**
 * The fixture written by scripts/derive_vlmevalkit_scoring_cases.py: VLMEvalKit's own scoring
 * code (commit e8e78f05) run on tricky inputs. Tests compare the ports against it.
 */
import cases from "./testdata/vlmevalkit_cases.json" with { type: "json" };
import type { ScoreTable } from "./score_table.ts";

/** The parsed fixture. */
export const VLMEVALKIT_CASES = cases;

/** A table from the fixture: pandas' `nan` cells as null, infinities as numbers. */
export function fixtureTable(table: { columns: string[]; rows: unknown[][] }): ScoreTable {
  return {
    columns: table.columns,
    rows: table.rows.map((row) =>
      row.map((cell) =>
        cell === "nan" ? null : cell === "inf" ? Infinity : cell as string | number | null
      )
    ),
  };
}

/** The table with its body rows sorted by their first cell (Python's set order is random). */
export function sortRowsByFirstCell(table: ScoreTable): ScoreTable {
  return {
    columns: table.columns,
    rows: [...table.rows].sort((a, b) => String(a[0]) < String(b[0]) ? -1 : 1),
  };
}
