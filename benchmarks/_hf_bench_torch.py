"""One side of benchmarks/hf_smolvlm_bench.ts: PyTorch transformers' generate through
VLMEvalKit's SmolVLM wrapper (vlmeval/vlm/smolvlm.py, run as it is) on the same prompts; prints
one JSON line (samples/s, peak RSS, token ids).

Usage: python benchmarks/_hf_bench_torch.py --model DIR --samples N --max-new-tokens N
         [--vlmevalkit DIR] [--threads N]
"""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

p = argparse.ArgumentParser()
p.add_argument("--model", required=True)
p.add_argument("--samples", type=int, default=3)
p.add_argument("--max-new-tokens", type=int, default=32)
p.add_argument("--vlmevalkit", default="/work/vlmevalkit")
p.add_argument("--threads", type=int, default=0)
args = p.parse_args()

import torch  # noqa: E402
from transformers import AutoProcessor, Idefics3ForConditionalGeneration  # noqa: E402
import make_hf_fixtures as fx  # noqa: E402

if args.threads:
    torch.set_num_threads(args.threads)
IMAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packages/models/hf/testdata/images")
names = ["wide.png", "tall.png", "small.png", "alpha.png"]


def message(i):
    return [{"type": "image", "value": os.path.join(IMAGES, names[i % len(names)])},
            {"type": "text", "value": f"Hint: Picture {i}.\nQuestion: Which colour is the circle?\nOptions:\nA. red\n"
                                      "B. green\nC. blue\nD. yellow\nPlease select the correct answer from the options above. \n"}]


t0 = time.perf_counter()
SmolVLM, _ = fx.load_wrappers(args.vlmevalkit)
processor = AutoProcessor.from_pretrained(args.model)
model = Idefics3ForConditionalGeneration.from_pretrained(os.path.join(args.model, "torch"),
                                                         torch_dtype=torch.float32).eval()
load_s = time.perf_counter() - t0
wrapper = fx.wrapper_instance(SmolVLM, processor, model, {"max_new_tokens": args.max_new_tokens, "use_cache": True}, "")
ids = []
real_generate = model.generate


def spy(**k):
    out = real_generate(**k)
    ids.append(out[0, k["input_ids"].shape[1]:].tolist())
    return out


model.generate = spy
with torch.no_grad():
    wrapper.generate_inner(message(0), dataset="MMBench_DEV_EN")
    ids.clear()
    start = time.perf_counter()
    for i in range(1, args.samples + 1):
        wrapper.generate_inner(message(i), dataset="MMBench_DEV_EN")
    seconds = time.perf_counter() - start
print(json.dumps({
    "runtime": f"PyTorch {torch.__version__} / transformers {__import__('transformers').__version__} (cpu, fp32, "
               f"{torch.get_num_threads()} threads)",
    "loadSeconds": load_s, "samples": len(ids), "seconds": seconds, "samplesPerSecond": len(ids) / seconds,
    "tokens": sum(len(x) for x in ids), "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "ids": ids}))
