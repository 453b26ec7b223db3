/**
 * Writes our prediction file for the rows of `packages/delimited/testdata/pandas/
 * prediction_xlsx.json` (VLMEvalKit's prediction table for the `numeric_options` fixture, as
 * rendered text with pandas dtypes), so that `scripts/pandas_fixtures.py --check-xlsx` can
 * compare `pd.read_excel` of it with VLMEvalKit's own file.
 *
 * Usage:
 *   deno run -A scripts/pandas_fixture_predictions.ts --out /tmp/ours.xlsx
 *   /tmp/pdvenv/bin/python scripts/pandas_fixtures.py --check-xlsx /tmp/ours.xlsx
 *
 * @module
 */
import { writePredictions } from "@vlmeval/report";
import { parseScriptArgs, usageError } from "./_script_help.ts";

/** The fixture: VLMEvalKit's prediction rows (Python `str()` of each value) and dtypes. */
export interface PredictionFixture {
  columns: string[];
  dtypes: string[];
  rows: string[][];
}

/** Writes the fixture's rows to `path` (`.xlsx`, `.tsv` or `.json`) with its column dtypes. */
export async function writeFixturePredictions(path: string, fixture: PredictionFixture) {
  const rows = fixture.rows.map((cells) =>
    Object.fromEntries(fixture.columns.map((column, i) => [column, cells[i]]))
  );
  const dtypes = Object.fromEntries(
    fixture.columns.map((column, i) => [column, fixture.dtypes[i]]),
  );
  return await writePredictions(path, fixture.columns, rows, undefined, dtypes);
}

if (import.meta.main) {
  const { values } = parseScriptArgs(import.meta, { out: { type: "string" } });
  if (values.out === undefined) {
    usageError(import.meta, "Cannot write predictions as --out is missing");
  }
  const fixture: PredictionFixture = JSON.parse(
    await Deno.readTextFile(
      new URL("../packages/delimited/testdata/pandas/prediction_xlsx.json", import.meta.url),
    ),
  );
  const report = await writeFixturePredictions(values.out!, fixture);
  console.log(`wrote ${report.rows} rows to ${report.path}`);
}
