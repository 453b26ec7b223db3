import type { DatasetSpec } from "./dataset_name.ts";
import type { EvalTask } from "./eval_task.ts";
import type { OpenTaskOptions } from "./open_task.ts";

/** Opens a video benchmark as an evaluation task (being wired). */
export function openVideoTask(spec: DatasetSpec, _opts: OpenTaskOptions): Promise<EvalTask> {
  return Promise.reject(new Error(`Video benchmark ${spec.base} cannot be opened yet`));
}
