import type { Message, Row } from "@vlmeval/schema";
import type { EvalTask, EvalUnit } from "./task/eval_task.ts";

/** A text-only multiple-choice task over rows held in memory (tests only). */
export function textTask(name: string, rows: Row[]): EvalTask {
  const columns = Object.keys(rows[0] ?? { index: "" });
  return {
    name,
    kind: "mcq",
    unitCount: rows.length,
    unitIndices: (p) => [rows[p].index],
    unitAt: (p): Promise<EvalUnit> => {
      const row = rows[p];
      return Promise.resolve({
        key: row.index,
        indices: [row.index],
        buildPrompt: (): Promise<Message> =>
          Promise.resolve([{ type: "text", value: `Question: ${row.question}` }]),
        parseAnswer: (answer) => new Map([[row.index, { prediction: answer, ok: true }]]),
      });
    },
    outputColumns: () => columns,
    outputRows: async function* () {
      for (const row of rows) yield row;
    },
  };
}

/** `n` rows with indices 0..n-1 and answer `A`. */
export function rowsOf(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    index: String(i),
    question: `q${i}`,
    A: "x",
    B: "y",
    answer: "A",
  }));
}
