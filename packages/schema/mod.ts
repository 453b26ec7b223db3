/**
 * Plain data types shared by every vlmeval package: prompt messages, dataset rows, the model
 * interface and VLMEvalKit's failure strings. This package depends on nothing and runs nothing
 * at import.
 *
 * @module
 */

export type {
  CallUsage,
  GenerateContext,
  Message,
  MessageItem,
  Row,
  VisionLanguageModel,
} from "./types.ts";
export { API_FAIL_MSG, FAIL_MSG, failMessage, isFailure } from "./fail_messages.ts";
export { EXIT_CODES, type ExitCode, type ExitCodeName, exitCodeOf } from "./exit_codes.ts";
