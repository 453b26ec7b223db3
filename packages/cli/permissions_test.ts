import assert from "node:assert/strict";
import { CLI_RUN_FLAGS } from "./permissions.ts";

Deno.test("deno task eval runs the CLI with CLI_RUN_FLAGS, which workers and tests use too", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const command: string = config.tasks.eval.command;
  const run = command.slice(command.lastIndexOf("deno run "));
  assert.equal(run, `deno run ${CLI_RUN_FLAGS.join(" ")} packages/cli/main.ts`);
});
