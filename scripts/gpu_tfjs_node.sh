#!/usr/bin/env bash
# Hardware check of tfjs-node-gpu under the failure guard (scripts/gpu_tfjs_node_check.ts) on a
# lent GPU machine, which has no internet and no Deno. CI never runs this.
#
# Usage:
#   bash scripts/gpu_tfjs_node.sh prepare     (here) build tfjs-node-gpu when needed (deno task
#                                             build:tfjs-node --gpu) and the CUDA addon, and fill
#                                             .carry/tfjs-gpu/ with what the GPU machine lacks:
#                                             deno.xz, the addon, node_modules.tar.gz (npm packages
#                                             with the built binding), libtensorflow/lib
#                                             (TensorFlow 2.9.1 GPU, CUDA 11.8, cuDNN 8.6) and a
#                                             MANIFEST of every file with its size
#   bash scripts/gpu_tfjs_node.sh check       check that the carry folder is complete (MANIFEST)
#   bash scripts/gpu_tfjs_node.sh run [ARGS]  (on the GPU machine, from the repository root, with
#                                             the carry folder carried along) check it, unpack
#                                             Deno and node_modules, point the binding at the
#                                             carried TensorFlow, then run gpu_tfjs_node_check.ts
#                                             ARGS (--samples, --fail-at, --device, --allow-cpu)
#   bash scripts/gpu_tfjs_node.sh --help      print this text
#
# The carry folder is about 3.6 GB (TensorFlow's GPU library alone is 0.9 GB, cuDNN 1.3 GB): far
# over the 64 MiB the device tool carries, so copy it by other means (rsync, a shared disk).
# VLMEVAL_TFJS_GPU_CARRY names another carry folder. When $OUT is set, the run writes
# $OUT/gpu_tfjs_node.json and nvidia-smi snapshots there.
# Exit: gpu_tfjs_node_check.ts's code (0 pass, 1 fail, 2 bad option, 6 CUDA unavailable or no GPU
# in TensorFlow); 6 also when the carry folder is incomplete or Deno cannot be unpacked; 2 for a
# missing or unknown command.
set -euo pipefail
cd "$(dirname "$0")/.."

carry=${VLMEVAL_TFJS_GPU_CARRY:-.carry/tfjs-gpu}
addon=cuda_addon.linux-x64-gnu.node
pkg=node_modules/.deno/@tensorflow+tfjs-node-gpu@4.22.0/node_modules/@tensorflow/tfjs-node-gpu
device_tool_limit=$((64 * 1024 * 1024))

prepare() {
  deno task build:tfjs-node --gpu
  deno run --allow-all scripts/build_native.ts --if-stale
  mkdir -p "$carry"
  local real
  real=$(deno eval 'console.log(Deno.execPath())')
  if [ ! -s "$carry/deno.xz" ] || [ "$real" -nt "$carry/deno.xz" ]; then
    echo "gpu_tfjs_node: compressing $real with xz (about a minute)" >&2
    xz -T0 -9 -c "$real" >"$carry/deno.xz.partial"
    mv "$carry/deno.xz.partial" "$carry/deno.xz"
  fi
  cp "crates/cuda_addon/$addon" "$carry/$addon"
  local layout
  layout=$(readlink "$pkg/deps")
  rm -rf "$carry/libtensorflow"
  mkdir -p "$carry/libtensorflow"
  # Hard links where the cache is on the same file system: no second copy of 3.5 GB.
  cp -al "$layout/lib" "$carry/libtensorflow/lib" 2>/dev/null || cp -a "$layout/lib" "$carry/libtensorflow/lib"
  echo "gpu_tfjs_node: packing node_modules" >&2
  tar -czf "$carry/node_modules.tar.gz.partial" --exclude="$pkg/deps" \
    --exclude="node_modules/.deno/@tensorflow+tfjs-node@4.22.0/node_modules/@tensorflow/tfjs-node/deps" \
    node_modules
  mv "$carry/node_modules.tar.gz.partial" "$carry/node_modules.tar.gz"
  (cd "$carry" && find . -type f ! -name MANIFEST -printf '%s %P\n' | sort -k2 >MANIFEST)
  local total
  total=$(awk '{n += $1} END {printf "%.0f\n", n}' "$carry/MANIFEST")
  echo "gpu_tfjs_node: $carry holds $(wc -l <"$carry/MANIFEST") files, $((total / 1024 / 1024)) MiB" >&2
  if [ "$total" -gt "$device_tool_limit" ]; then
    echo "gpu_tfjs_node: that is more than the 64 MiB the device tool carries; copy $carry to the GPU machine by other means" >&2
  fi
  echo "gpu_tfjs_node: ready; on the GPU machine run: bash scripts/gpu_tfjs_node.sh run" >&2
}

check_carry() {
  if [ ! -s "$carry/MANIFEST" ]; then
    echo "gpu_tfjs_node: $carry/MANIFEST is missing; run 'bash scripts/gpu_tfjs_node.sh prepare' first" >&2
    exit 6
  fi
  local missing=0 size path actual
  while read -r size path; do
    actual=$(stat -c %s "$carry/$path" 2>/dev/null || echo missing)
    if [ "$actual" != "$size" ]; then
      echo "gpu_tfjs_node: $carry/$path: expected $size bytes, found $actual" >&2
      missing=$((missing + 1))
    fi
  done <"$carry/MANIFEST"
  for need in deno.xz "$addon" node_modules.tar.gz libtensorflow/lib/libtensorflow_framework.so.2 \
    libtensorflow/lib/_pywrap_tensorflow_internal.so libtensorflow/lib/libtfjs_python_stub.so \
    libtensorflow/lib/libcudart.so.11.0 libtensorflow/lib/libcudnn.so.8; do
    if ! grep -q " $need\$" "$carry/MANIFEST"; then
      echo "gpu_tfjs_node: $carry/MANIFEST does not list $need" >&2
      missing=$((missing + 1))
    fi
  done
  if [ "$missing" -gt 0 ]; then
    echo "gpu_tfjs_node: $carry is incomplete ($missing problem(s)); run 'bash scripts/gpu_tfjs_node.sh prepare' again" >&2
    exit 6
  fi
  echo "gpu_tfjs_node: $carry is complete ($(wc -l <"$carry/MANIFEST") files)" >&2
}

unpack_deno() {
  local target=$1
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$carry/deno.xz" >"$target"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$carry/deno.xz" "$target"
  else
    echo "gpu_tfjs_node: cannot unpack $carry/deno.xz: neither xz nor python3 is installed" >&2
    exit 6
  fi
  chmod +x "$target"
}

run_check() {
  check_carry
  local deno_bin="${TMPDIR:-/tmp}/vlmeval-tfjs-gpu-deno"
  unpack_deno "$deno_bin"
  if [ ! -s "$pkg/lib/napi-v8/tfjs_binding.node" ]; then
    echo "gpu_tfjs_node: unpacking node_modules" >&2
    tar -xzf "$carry/node_modules.tar.gz"
  fi
  ln -sfn "$PWD/$carry/libtensorflow" "$pkg/deps"
  local extra=()
  if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    extra=(--json "$OUT/gpu_tfjs_node.json")
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >"$OUT/nvidia-smi-before.txt" 2>&1 || true
  fi
  local status=0
  # TensorFlow 2.9 has no sm_90 machine code: on Hopper the driver compiles its PTX on first use,
  # so the JIT cache must hold it all.
  VLMEVAL_NATIVE_ADDON="$PWD/$carry/$addon" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-0}" \
    CUDA_CACHE_MAXSIZE="${CUDA_CACHE_MAXSIZE:-4294967296}" DENO_NO_UPDATE_CHECK=1 \
    "$deno_bin" run --allow-all --cached-only scripts/gpu_tfjs_node_check.ts "$@" "${extra[@]}" ||
    status=$?
  if [ -n "${OUT:-}" ] && command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi >"$OUT/nvidia-smi-after.txt" 2>&1 || true
  fi
  exit "$status"
}

case "${1:-}" in
  prepare) prepare ;;
  check) check_carry ;;
  run) shift; run_check "$@" ;;
  -h | --help) sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p' ;;
  "") echo "gpu_tfjs_node: usage: bash scripts/gpu_tfjs_node.sh prepare | check | run [ARGS]; see --help" >&2; exit 2 ;;
  *) echo "gpu_tfjs_node: unknown command \"$1\" (one of prepare, check, run); see --help" >&2; exit 2 ;;
esac
