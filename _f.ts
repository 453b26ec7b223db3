import { writePartialWorkDir } from "./packages/viewer/testdata/partial_work_dir.ts";
await writePartialWorkDir(Deno.args[0]);
