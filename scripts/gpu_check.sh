#!/usr/bin/env bash
# Hardware check of the CUDA addon on a lent GPU machine, which has no internet and no Deno.
# CI never runs this.
#
#   bash scripts/gpu_check.sh prepare   (here) build the addon if stale and fill .carry/gpu/ with
#                                       an xz-compressed Deno binary and the built addon
#   bash scripts/gpu_check.sh run [ARGS] (on the GPU machine, from the repository root, with
#                                       .carry/gpu carried along) unpack Deno, print the NVML
#                                       GPU count taken in a process that never calls cuInit,
#                                       then run scripts/gpu_check.ts ARGS (--device N, --bytes N)
#
# With the device tool: run(command="bash scripts/gpu_check.sh run", carry=[".carry/gpu"]).
# When $OUT is set, the run writes $OUT/gpu_count.json, $OUT/gpu_check.json and nvidia-smi
# snapshots there.
# Exit: gpu_check.ts's code (0 pass, 1 fail, 2 bad option, 6 CUDA unavailable or the addon did not
# load); 6 also when the carry folder is incomplete or Deno cannot be unpacked.
set -euo pipefail
cd "$(dirname "$0")/.."

carry=.carry/gpu
addon=cuda_addon.linux-x64-gnu.node

prepare() {
  deno run --allow-all scripts/build_native.ts --if-stale
  mkdir -p "$carry"
  local real
  real=$(deno eval 'console.log(Deno.execPath())')
  if [ ! -s "$carry/deno.xz" ] || [ "$real" -nt "$carry/deno.xz" ]; then
    echo "gpu_check: compressing $real with xz (about a minute)" >&2
    xz -T0 -9 -c "$real" >"$carry/deno.xz.partial"
    mv "$carry/deno.xz.partial" "$carry/deno.xz"
  fi
  cp "crates/cuda_addon/$addon" "$carry/$addon"
  du -sh "$carry"/* >&2
  echo "gpu_check: ready; on the GPU machine run: bash scripts/gpu_check.sh run (carry $carry)" >&2
}

unpack_deno() {
  local target=$1
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$carry/deno.xz" >"$target"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$carry/deno.xz" "$target"
  else
    echo "gpu_check: cannot unpack $carry/deno.xz: neither xz nor python3 is installed" >&2
    exit 6
  fi
  chmod +x "$target"
}

run_check() {
  if [ ! -s "$carry/deno.xz" ] || [ ! -s "$carry/$addon" ]; then
    echo "gpu_check: $carry is incomplete; run 'bash scripts/gpu_check.sh prepare' first" >&2
    exit 6
  fi
  local deno_bin="${TMPDIR:-/tmp}/vlmeval-gpu-check-deno"
  unpack_deno "$deno_bin"
  local extra=()
  if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    extra=(--allow-write="$OUT")
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >"$OUT/nvidia-smi-before.txt" 2>&1 || true
  fi
  # A process of its own, so no cuInit can have run before the count: what a launcher rank
  # splits among its local ranks before CUDA reads CUDA_VISIBLE_DEVICES.
  VLMEVAL_NATIVE_ADDON="$PWD/$carry/$addon" GPU_COUNT_JSON="${OUT:+$OUT/gpu_count.json}" \
    "$deno_bin" eval --ext=ts '
      import { gpuCountWithoutCudaInit } from "@vlmeval/native";
      const gpus = gpuCountWithoutCudaInit();
      console.log(`gpu_check: NVML GPU count before cuInit: ${
        gpus.count ?? `unknown (${gpus.reason})`
      }${gpus.library ? ` (${gpus.library})` : ""}`);
      const json = Deno.env.get("GPU_COUNT_JSON");
      if (json) Deno.writeTextFileSync(json, JSON.stringify(gpus, null, 2) + "\n");
    ' || echo "gpu_check: the NVML GPU count failed" >&2
  local status=0
  VLMEVAL_NATIVE_ADDON="$PWD/$carry/$addon" "$deno_bin" run --allow-ffi --allow-read --allow-env \
    "${extra[@]}" scripts/gpu_check.ts "$@" ${OUT:+--json "$OUT/gpu_check.json"} || status=$?
  if [ -n "${OUT:-}" ] && command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi >"$OUT/nvidia-smi-after.txt" 2>&1 || true
  fi
  exit "$status"
}

case "${1:-prepare}" in
  prepare) prepare ;;
  run) shift; run_check "$@" ;;
  *) echo "usage: bash scripts/gpu_check.sh [prepare | run [--device N] [--bytes N]]" >&2; exit 2 ;;
esac
