/** The distinct lines of ffmpeg's error output, without the `[demuxer @ 0x...]` prefixes. */
export function summarizeStderr(stderr: string): string {
  const lines = stderr.split("\n")
    .map((l) => l.replace(/^\[[^\]]*@ ?0x[0-9a-f]+\]\s*/i, "").trim())
    .filter((l) => l !== "");
  const text = [...new Set(lines)].join("; ");
  return text.length > 400 ? `${text.slice(0, 400)}...` : text || "no error output";
}
