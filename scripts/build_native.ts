/** Placeholder until the native addon lands: reports that there is nothing to build. */
if (!Deno.args.includes("--quiet")) console.error("build_native: no native crate yet");
