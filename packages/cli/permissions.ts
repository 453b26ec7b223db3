/**
 * The permissions `deno task eval` gives the CLI (see the README's Permissions section), and
 * with which `--nproc` workers and the end-to-end tests run it: so a test meets what a user's
 * run meets (Deno lets only `--allow-all` read `/proc`, for one).
 */
export const CLI_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-run",
  "--allow-net",
  "--allow-sys",
];
