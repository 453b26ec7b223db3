#!/usr/bin/env bash
# The Hugging Face adapter's check on a lent GPU machine (no internet, no Deno there): the tiny
# SmolVLM test model on ONNX Runtime's CUDA provider under the SKIP_ERR guard, with device memory
# around each release (scripts/hf_gpu_check.ts). CI never runs this.
#
# Usage: bash scripts/hf_gpu_check.sh prepare | run
#   bash scripts/hf_gpu_check.sh prepare  (here) deno task setup:ort-cuda, then fill .carry/hf-gpu/
#                                         with an xz-compressed Deno, the CUDA addon and an
#                                         xz tarball of node_modules (transformers.js,
#                                         onnxruntime-node with its CUDA provider); prints the size
#   bash scripts/hf_gpu_check.sh run      (on the GPU machine, repository root, .carry/hf-gpu
#                                         carried) unpack them, run scripts/hf_gpu_check.ts
#
# The CUDA provider library alone is 272 MB (about 100 MB compressed), over the device tool's
# 64 MiB carry: `prepare` says so when the bundle is larger, and the machine then needs the
# bundle by another way. The provider links to the CUDA 13 runtime, cuBLAS, cuFFT, cuRAND and
# cuDNN 9, which the machine must have (`deno task setup:ort-cuda --check` lists what is missing).
# With $OUT set, the run writes $OUT/hf_gpu_check.json and nvidia-smi snapshots there.
# Exit: hf_gpu_check.ts's code (0 pass, 1 fail, 6 the model could not be opened on CUDA); 6 also
# when the carry folder is incomplete; 2 a bad command.
set -euo pipefail
cd "$(dirname "$0")/.."

carry=.carry/hf-gpu
addon=cuda_addon.linux-x64-gnu.node

prepare() {
  deno run --allow-all scripts/setup_ort_cuda.ts
  deno run --allow-all scripts/build_native.ts --if-stale
  mkdir -p "$carry"
  local real
  real=$(deno eval 'console.log(Deno.execPath())')
  if [ ! -s "$carry/deno.xz" ] || [ "$real" -nt "$carry/deno.xz" ]; then
    xz -T0 -9 -c "$real" >"$carry/deno.xz.partial" && mv "$carry/deno.xz.partial" "$carry/deno.xz"
  fi
  cp "crates/cuda_addon/$addon" "$carry/$addon"
  tar -C . -cf - node_modules | xz -T0 -6 >"$carry/node_modules.tar.xz.partial"
  mv "$carry/node_modules.tar.xz.partial" "$carry/node_modules.tar.xz"
  du -sh "$carry"/* >&2
  local kib
  kib=$(du -sk "$carry" | cut -f1)
  if [ "$kib" -gt $((64 * 1024)) ]; then
    echo "hf_gpu_check: $carry is $((kib / 1024)) MiB, over the device tool's 64 MiB carry" >&2
  fi
}

run_check() {
  for f in deno.xz "$addon" node_modules.tar.xz; do
    if [ ! -s "$carry/$f" ]; then
      echo "hf_gpu_check: $carry/$f is missing; run 'bash scripts/hf_gpu_check.sh prepare' first" >&2
      exit 6
    fi
  done
  local deno_bin="${TMPDIR:-/tmp}/vlmeval-hf-gpu-deno"
  xz -dc "$carry/deno.xz" >"$deno_bin" && chmod +x "$deno_bin"
  xz -dc "$carry/node_modules.tar.xz" | tar -C . -xf -
  local extra=()
  if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    extra=(--json "$OUT/hf_gpu_check.json")
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >"$OUT/nvidia-smi-before.txt" 2>&1 || true
  fi
  local status=0
  VLMEVAL_NATIVE_ADDON="$PWD/$carry/$addon" "$deno_bin" run --allow-all --cached-only \
    scripts/hf_gpu_check.ts --device cuda "${extra[@]}" || status=$?
  if [ -n "${OUT:-}" ] && command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi >"$OUT/nvidia-smi-after.txt" 2>&1 || true
  fi
  exit "$status"
}

case "${1:-}" in
  -h | --help) sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  prepare) prepare ;;
  run) run_check ;;
  *) echo "hf_gpu_check: unknown command \"${1:-}\"; usage: bash scripts/hf_gpu_check.sh prepare | run (see --help)" >&2; exit 2 ;;
esac
