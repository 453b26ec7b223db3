import assert from "node:assert/strict";
import {
  createMarkerProgress,
  encodeProgressMarker,
  MarkerLineFilter,
  parseProgressMarker,
  PROGRESS_MARKER,
  type ProgressReport,
} from "./progress_marker.ts";

const REPORT: ProgressReport = {
  task: "ShapesVLM/Shapes_MCQ",
  rank: 1,
  total: 150,
  already: 20,
  done: 7,
  failed: 2,
  final: false,
};

Deno.test("encodeProgressMarker() writes one prefixed JSON line that parseProgressMarker() reads back", () => {
  const line = encodeProgressMarker(REPORT);
  assert.ok(line.startsWith(PROGRESS_MARKER));
  assert.ok(line.endsWith("\n"));
  assert.equal(line.indexOf("\n"), line.length - 1);
  assert.deepEqual(parseProgressMarker(line.slice(0, -1)), REPORT);
  // A task label with a newline or the prefix in it stays on one line.
  const odd = { ...REPORT, task: `a\nb ${PROGRESS_MARKER}` };
  const oddLine = encodeProgressMarker(odd);
  assert.equal(oddLine.indexOf("\n"), oddLine.length - 1);
  assert.deepEqual(parseProgressMarker(oddLine.slice(0, -1)), odd);
});

Deno.test("parseProgressMarker() rejects ordinary lines and malformed markers", () => {
  const json = (v: unknown) => PROGRESS_MARKER + JSON.stringify(v);
  for (
    const line of [
      "",
      "vlmeval: warning: something",
      JSON.stringify(REPORT),
      PROGRESS_MARKER,
      PROGRESS_MARKER + "{not json",
      json(null),
      json([1, 2]),
      json({ ...REPORT, task: 3 }),
      json({ ...REPORT, final: "no" }),
      json({ ...REPORT, done: -1 }),
      json({ ...REPORT, total: 1.5 }),
      json({ ...REPORT, rank: "1" }),
      json({ ...REPORT, already: 150 }), // already + done > total
      json({ ...REPORT, failed: 8 }), // failed > done
      " " + json(REPORT),
    ]
  ) {
    assert.equal(parseProgressMarker(line), undefined, line);
  }
  // Unknown fields are dropped.
  assert.deepEqual(parseProgressMarker(json({ ...REPORT, extra: 1 })), REPORT);
});

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

Deno.test("MarkerLineFilter takes markers out of output split into chunks anywhere", () => {
  const second = { ...REPORT, done: 8, final: true };
  const stream = "vlmeval: rank 1 of 2 (vlmeval)\n" + encodeProgressMarker(REPORT) +
    "caf\u00e9 \u2713 ordinary\n" + encodeProgressMarker(second) + "last line, no newline";
  const bytes = new TextEncoder().encode(stream);
  for (const size of [1, 2, 3, 7, 16, bytes.length]) {
    const reports: ProgressReport[] = [];
    const filter = new MarkerLineFilter((r) => reports.push(r));
    const lines = chunksOf(bytes, size).flatMap((c) => filter.push(c));
    lines.push(...filter.end());
    assert.deepEqual(lines, [
      "vlmeval: rank 1 of 2 (vlmeval)",
      "caf\u00e9 \u2713 ordinary",
      "last line, no newline",
    ], `chunks of ${size}`);
    assert.deepEqual(reports, [REPORT, second], `chunks of ${size}`);
  }
});

Deno.test("MarkerLineFilter: a marker after a partial line, a malformed marker, a marker at the end", () => {
  const reports: ProgressReport[] = [];
  const filter = new MarkerLineFilter((r) => reports.push(r));
  const enc = new TextEncoder();
  const lines = [
    ...filter.push(enc.encode("Loading model... " + encodeProgressMarker(REPORT))),
    ...filter.push(enc.encode(PROGRESS_MARKER + "{broken\n")),
    ...filter.push(enc.encode("done\n" + encodeProgressMarker(REPORT).slice(0, -1))),
    ...filter.end(),
  ];
  assert.deepEqual(lines, ["Loading model... ", "done"]);
  assert.deepEqual(reports, [REPORT, REPORT]);
});

Deno.test("createMarkerProgress() reports start, throttled ticks, the last unit and the stop", () => {
  const lines: string[] = [];
  let now = 0;
  const progress = createMarkerProgress("M/T", 2, {
    write: (line) => lines.push(line),
    now: () => now,
    intervalMs: 100,
  });
  const reports = () => lines.map((l) => parseProgressMarker(l.slice(0, -1))!);
  progress.stop(); // before start: nothing
  assert.equal(lines.length, 0);
  progress.start(5, 1);
  assert.deepEqual(reports(), [
    { task: "M/T", rank: 2, total: 5, already: 1, done: 0, failed: 0, final: false },
  ]);
  now = 10;
  progress.tick({ failed: false }); // throttled
  now = 50;
  progress.tick({ failed: true }); // throttled
  assert.equal(lines.length, 1);
  now = 120;
  progress.tick({ failed: false }); // 120 ms after the start marker
  assert.equal(lines.length, 2);
  assert.deepEqual(reports()[1], { ...reports()[0], done: 3, failed: 1 });
  now = 130;
  progress.tick({ failed: false }); // the last unit: always reported
  assert.equal(lines.length, 3);
  assert.equal(reports()[2].done, 4);
  progress.stop();
  progress.stop();
  assert.equal(lines.length, 4);
  assert.deepEqual(reports()[3], { ...reports()[2], final: true });
});
