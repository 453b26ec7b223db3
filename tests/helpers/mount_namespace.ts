/**
 * Runs a shell script in a private mount namespace (`unshare -rm`: a user namespace where this
 * user is root, so it may mount): a test can mount a tiny tmpfs to fill, or bind a folder
 * read-only, without touching the machine's mounts or needing root. Where unprivileged user
 * namespaces are off, {@linkcode MOUNT_NAMESPACE_UNAVAILABLE} says so and the test is ignored.
 */

/** Why mount namespaces cannot be used here; "" when they can. */
export const MOUNT_NAMESPACE_UNAVAILABLE: string = (() => {
  try {
    const out = new Deno.Command("unshare", {
      args: ["-rm", "sh", "-c", "mkdir -p /tmp && mount -t tmpfs -o size=64k tmpfs /mnt"],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    return out.success
      ? ""
      : `unshare -rm cannot mount here: ${new TextDecoder().decode(out.stderr).trim()}`;
  } catch (error) {
    return `unshare is not available: ${(error as Error).message}`;
  }
})();

/** Runs `script` with bash inside a fresh mount namespace; returns its exit code and output. */
export async function inMountNamespace(
  script: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("unshare", {
    args: ["-rm", "bash", "-c", `set -u\n${script}`],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}
