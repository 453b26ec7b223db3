import assert from "node:assert/strict";
import { checkRootRelativePath, resolveInsideFolder } from "./_safe_path.ts";

Deno.test("checkRootRelativePath() normalises safe names and refuses escapes", () => {
  assert.deepEqual(checkRootRelativePath("a.png"), { path: "a.png" });
  assert.deepEqual(checkRootRelativePath("./sub//b.png"), { path: "sub/b.png" });
  assert.deepEqual(checkRootRelativePath("x/../y.png"), { path: "y.png" });
  for (const bad of ["", "..", "../a.png", "a/../../b.png", "/abs.png", "a\0.png", ".", "dir/"]) {
    assert.ok("problem" in checkRootRelativePath(bad), `should refuse ${JSON.stringify(bad)}`);
  }
});

Deno.test("resolveInsideFolder() resolves against the folder and keeps inside it", () => {
  assert.deepEqual(resolveInsideFolder("/data/set", "imgs/a.png"), {
    path: "/data/set/imgs/a.png",
  });
  assert.deepEqual(resolveInsideFolder("/data/set", "/data/set/a.png"), {
    path: "/data/set/a.png",
  });
  for (const bad of ["../a.png", "/etc/passwd", "/data/settle/a.png", "", "a\0", "."]) {
    assert.ok("problem" in resolveInsideFolder("/data/set", bad), `should refuse ${bad}`);
  }
});
