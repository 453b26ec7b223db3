"""VLMEvalKit's own harness over the harness benchmark's TSV, for benchmarks/harness_overhead.ts.

Runs VLMEvalKit's `build_dataset` (a custom MCQ dataset from `$LMUData/<name>.tsv`),
`infer_data_job` with a model that answers at once, and the dataset's `evaluate` with
exact matching: what `run.py --model M --data <name>` does for a local model, minus the model.
Prints one JSON line: rows, openMs, inferMs (infer_data_job), evalMs, totalMs, peakRssMiB
(VmHWM), importsRssMiB (VmRSS once VLMEvalKit and torch are imported), exitCode.

It writes the same benchmark as `_harness_worker.ts` (every 10th row carries the image, the
others name it by index) into `<work-dir>/Harness<rows>.tsv`, with `$LMUData` set to the work dir.

Usage: python _vlmevalkit_harness.py <VLMEvalKit checkout> <rows> <work-dir> [format]
"""
import json
import os
import sys
import time

root, rows, work_dir = sys.argv[1], int(sys.argv[2]), os.path.abspath(sys.argv[3])
fmt = sys.argv[4] if len(sys.argv) > 4 else "xlsx"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJ"
       "RU5ErkJggg==")
tsv = os.path.join(work_dir, f"Harness{rows}.tsv")
with open(tsv, "w") as f:
    f.write("index\timage\tquestion\tA\tB\tC\tD\tanswer\tcategory\tsplit\n")
    for i in range(rows):
        image = PNG if i % 10 == 0 else str(i - i % 10)
        f.write(f"{i}\t{image}\tWhich shape is number {i}?\tcircle\tsquare\ttriangle\tstar\t"
                f"{'ABCD'[i % 4]}\tcat{i % 5}\tdev\n")
os.environ["LMUData"] = work_dir
os.environ["PRED_FORMAT"] = fmt
os.environ["TQDM_DISABLE"] = "1"
sys.path.insert(0, root)

import warnings  # noqa: E402

warnings.filterwarnings("ignore")
from vlmeval.dataset import build_dataset  # noqa: E402
from vlmeval.inference import infer_data_job  # noqa: E402
from vlmeval.vlm.base import BaseModel  # noqa: E402


class ConstantAnswer(BaseModel):
    """Answers "A" at once, as vlmeval's ConstantAnswer model."""

    INTERLEAVE = False

    def generate_inner(self, message, dataset=None):
        return "A"


def rss_mib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


imported_rss = rss_mib("VmRSS")
name = os.path.splitext(os.path.basename(tsv))[0]
started = time.perf_counter()
dataset = build_dataset(name)
opened = time.perf_counter()
infer_data_job(ConstantAnswer(), work_dir=work_dir, model_name="ConstantAnswer", dataset=dataset)
inferred = time.perf_counter()
result_file = os.path.join(work_dir, f"ConstantAnswer_{name}.{fmt}")
dataset.evaluate(result_file, model="exact_matching", nproc=1)
finished = time.perf_counter()
print(json.dumps({
    "rows": len(dataset),
    "exitCode": 0,
    "openMs": (opened - started) * 1000,
    "inferMs": (inferred - opened) * 1000,
    "totalMs": (finished - started) * 1000,
    "evalMs": (finished - inferred) * 1000,
    "peakRssMiB": rss_mib("VmHWM"),
    "importsRssMiB": imported_rss,
}))
