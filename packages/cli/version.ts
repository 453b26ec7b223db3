import denoJson from "./deno.json" with { type: "json" };

/** `vlmeval <version> (Deno <version>)`, what `--version` prints. */
export const VERSION = `vlmeval ${denoJson.version} (Deno ${Deno.version.deno}; VLMEvalKit ` +
  `reference e8e78f05f3080fe28154f2130321f17951c3be94)`;
