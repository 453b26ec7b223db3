"""VLMEvalKit's frame sampling (vlmeval/dataset/videomme.py save_video_frames at commit
e8e78f05): decord.VideoReader, one vid[i] per index, PIL JPEG saves. Prints the seconds from
opening the video to the last saved frame (the interpreter's start and imports excluded).

Usage: python _decord_frames.py VIDEO (count N | fps F) OUT_DIR
"""
import os
import sys
import time

import decord
import numpy as np  # noqa: F401  (decord returns numpy arrays)
from PIL import Image

video, mode, value, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
started = time.perf_counter()
vid = decord.VideoReader(video)
n_frames, fps = len(vid), vid.get_avg_fps()
if mode == "count":
    step = n_frames / (int(value) + 1)
    indices = [int(i * step) for i in range(1, int(value) + 1)]
else:
    required = int(n_frames / fps * value)
    step = fps / value
    indices = [int(i * step) for i in range(required)]
images = [Image.fromarray(vid[i].asnumpy()) for i in indices]
for k, image in enumerate(images):
    image.save(os.path.join(out, f"frame-{k + 1}-of-{len(indices)}.jpg"))
print(f"{time.perf_counter() - started:.6f} {len(indices)}")
