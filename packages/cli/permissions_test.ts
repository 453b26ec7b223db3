import assert from "node:assert/strict";
import { CLI_PERMISSIONS } from "./permissions.ts";

Deno.test("deno task eval runs the CLI with CLI_PERMISSIONS, which workers and tests use too", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const command: string = config.tasks.eval.command;
  const run = command.slice(command.lastIndexOf("deno run "));
  assert.equal(run, `deno run ${CLI_PERMISSIONS.join(" ")} packages/cli/main.ts`);
});
