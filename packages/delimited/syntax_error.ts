/** Which quoting rule a record breaks. */
export type DelimitedProblem = "unclosed-quote" | "text-after-quote";

/**
 * Delimited text that breaks pandas' quoting rules: a quoted field that is never closed, or text
 * right after a closing quote. Callers wrap it in an error naming their file.
 */
export class DelimitedSyntaxError extends SyntaxError {
  /** Which rule is broken. */
  readonly problem: DelimitedProblem;
  /** 1-based line of the problem: where the unclosed field opens, or where the stray text is. */
  readonly line: number;
  /** 0-based position of the field in its record. */
  readonly column: number;
  /** 1-based line where the record holding the problem starts. */
  readonly recordLine: number;

  /** `message` says what is wrong and where; the fields locate it. */
  constructor(
    message: string,
    at: {
      problem: DelimitedProblem;
      line: number;
      column: number;
      recordLine: number;
    },
  ) {
    super(message);
    this.name = "DelimitedSyntaxError";
    this.problem = at.problem;
    this.line = at.line;
    this.column = at.column;
    this.recordLine = at.recordLine;
  }
}
