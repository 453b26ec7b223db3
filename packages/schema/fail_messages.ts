/** Prefix of every failure recorded as a prediction (VLMEvalKit's `FAIL_MSG`). */
export const FAIL_MSG = "Failed to obtain answer";

/** What an API model records after its last retry (VLMEvalKit's `BaseAPI.fail_msg`). */
export const API_FAIL_MSG = "Failed to obtain answer via API.";

/**
 * The prediction recorded for a sample whose model call threw:
 * `Failed to obtain answer: <ErrorType> <message>`.
 *
 * @example Format a failure
 * ```ts
 * import { failMessage } from "@vlmeval/schema";
 * failMessage("RangeError", "out of memory"); // "Failed to obtain answer: RangeError out of memory"
 * ```
 */
export function failMessage(errorType: string, message: string): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return `${FAIL_MSG}: ${errorType} ${oneLine}`.trimEnd();
}

/** True when a prediction records a failure of any kind (guard or API). */
export function isFailure(prediction: string): boolean {
  return prediction.includes(FAIL_MSG);
}
