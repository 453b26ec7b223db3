/**
 * What `scripts/build_tfjs_node.ts` fetches: the PyPI wheels a libtensorflow for
 * `@tensorflow/tfjs-node@4.22.0` is laid out from, pinned by file name and PyPI's SHA-256, and
 * the files taken from each.
 *
 * tfjs-node 4.22.0 links TensorFlow 2.9.1's C library (its `scripts/deps-constants.js`:
 * `LIBTENSORFLOW_VERSION = '2.9.1'`). PyPI ships that TensorFlow as `tensorflow-cpu` and
 * `tensorflow` (GPU) 2.9.1 wheels, whose `_pywrap_tensorflow_internal.so` exports the C and eager C
 * API. The GPU build was compiled against CUDA 11.2 and cuDNN 8.1 and loads CUDA by soname
 * (`libcudart.so.11.0`, `libcublas.so.11`, `libcudnn.so.8`, ...); PyPI has no CUDA 11.2 runtime
 * wheels, so the 11.8 ones (same sonames: CUDA's minor-version compatibility) and cuDNN 8.6
 * (TensorFlow accepts any 8.x at or above 8.1; 8.6 is the first with Hopper kernels) stand in.
 *
 * @module
 */

/** The npm package version whose binding is built (pinned in the root deno.json). */
export const TFJS_NODE_VERSION = "4.22.0";

/** The TensorFlow version tfjs-node 4.22.0 was built for. */
export const TENSORFLOW_VERSION = "2.9.1";

/** Bumped whenever the layout of a libtensorflow folder changes, so old folders are not reused. */
export const LAYOUT_REVISION = 1;

/** One wheel: its PyPI name and version, the exact file and its SHA-256 as PyPI lists it. */
export interface WheelPin {
  /** Distribution name on PyPI. */
  project: string;
  /** Exact version. */
  version: string;
  /** The file pip must fetch (the pin is for this file only). */
  filename: string;
  /** PyPI's SHA-256 of that file, hex. */
  sha256: string;
  /** Size in bytes, as PyPI lists it (for progress and the cost figures). */
  size: number;
  /** Members to take: wheel path -> path in the layout folder. */
  take: (member: string) => string | undefined;
}

const TENSORFLOW_MEMBERS = (member: string): string | undefined => {
  if (member === "tensorflow/libtensorflow_framework.so.2") {
    return "lib/libtensorflow_framework.so.2";
  }
  if (member === "tensorflow/python/_pywrap_tensorflow_internal.so") {
    return "lib/_pywrap_tensorflow_internal.so";
  }
  // The binding includes tensorflow/c/c_api.h and tensorflow/c/eager/c_api.h; they include
  // more of tensorflow/c and tensorflow/core/platform/ctstring*.h.
  const m = member.match(
    /^tensorflow\/include\/(tensorflow\/(?:c\/.+\.h|core\/platform\/ctstring[a-z_]*\.h))$/,
  );
  return m ? `include/${m[1]}` : undefined;
};

/** CUDA libraries TensorFlow 2.9.1 opens by soname, taken flat into `lib/`. */
const CUDA_LIBRARIES = new Set([
  "libcudart.so.11.0",
  "libcublas.so.11",
  "libcublasLt.so.11",
  "libcufft.so.10",
  "libcurand.so.10",
  "libcusolver.so.11",
  "libcusparse.so.11",
  "libcudnn.so.8",
  "libcudnn_ops_infer.so.8",
  "libcudnn_ops_train.so.8",
  "libcudnn_cnn_infer.so.8",
  "libcudnn_cnn_train.so.8",
  "libcudnn_adv_infer.so.8",
  "libcudnn_adv_train.so.8",
]);

/** The sonames TensorFlow 2.9.1 GPU opens itself (the rest are their dependencies). */
export const CUDA_SONAMES: readonly string[] = [
  "libcudart.so.11.0",
  "libcublas.so.11",
  "libcublasLt.so.11",
  "libcufft.so.10",
  "libcurand.so.10",
  "libcusolver.so.11",
  "libcusparse.so.11",
  "libcudnn.so.8",
];

const NVIDIA_MEMBERS = (member: string): string | undefined => {
  const m = member.match(/^nvidia\/[a-z_]+\/lib\/([^/]+)$/);
  return m && CUDA_LIBRARIES.has(m[1]) ? `lib/${m[1]}` : undefined;
};

function nvidia(project: string, version: string, filename: string, sha256: string, size: number) {
  return { project, version, filename, sha256, size, take: NVIDIA_MEMBERS };
}

/** `--python-version` and `--platform` given to pip: the tags of the pinned files. */
export const PIP_TARGET = { pythonVersion: "3.10", platform: "manylinux2014_x86_64" };

/** The CPU build: one wheel. */
export const CPU_WHEELS: readonly WheelPin[] = [{
  project: "tensorflow-cpu",
  version: TENSORFLOW_VERSION,
  filename: "tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
  sha256: "6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e",
  size: 207_453_921,
  take: TENSORFLOW_MEMBERS,
}];

/** The GPU build: TensorFlow and the CUDA 11 / cuDNN 8 runtime wheels. */
export const GPU_WHEELS: readonly WheelPin[] = [
  {
    project: "tensorflow",
    version: TENSORFLOW_VERSION,
    filename: "tensorflow-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256: "add2f4e55fd7209a5cb01d815364adc9827184d74a83c2f1616c72be2e85c8b7",
    size: 511_725_740,
    take: TENSORFLOW_MEMBERS,
  },
  nvidia(
    "nvidia-cuda-runtime-cu11",
    "11.8.89",
    "nvidia_cuda_runtime_cu11-11.8.89-py3-none-manylinux2014_x86_64.whl",
    "92d04069a987e1fbc9213f8376d265df0f7bb42617d44f5eda1f496acea7f2d1",
    875_592,
  ),
  nvidia(
    "nvidia-cublas-cu11",
    "11.11.3.6",
    "nvidia_cublas_cu11-11.11.3.6-py3-none-manylinux2014_x86_64.whl",
    "60252822adea5d0b10cd990a7dc7bedf7435f30ae40083c7a624a85a43225abc",
    417_870_460,
  ),
  nvidia(
    "nvidia-cufft-cu11",
    "10.9.0.58",
    "nvidia_cufft_cu11-10.9.0.58-py3-none-manylinux2014_x86_64.whl",
    "e21037259995243cc370dd63c430d77ae9280bedb68d5b5a18226bfc92e5d748",
    168_405_419,
  ),
  nvidia(
    "nvidia-curand-cu11",
    "10.3.0.86",
    "nvidia_curand_cu11-10.3.0.86-py3-none-manylinux2014_x86_64.whl",
    "cd4cffbf78bb06580206b4814d5dc696d1161c902aae37b2bba00056832379e6",
    58_124_497,
  ),
  nvidia(
    "nvidia-cusolver-cu11",
    "11.4.1.48",
    "nvidia_cusolver_cu11-11.4.1.48-py3-none-manylinux2014_x86_64.whl",
    "ea9fb1ad8c644ca9ed55af13cc39af3b7ba4c3eb5aef18471fe1fe77d94383cb",
    128_246_438,
  ),
  nvidia(
    "nvidia-cusparse-cu11",
    "11.7.5.86",
    "nvidia_cusparse_cu11-11.7.5.86-py3-none-manylinux2014_x86_64.whl",
    "8d7cf1628fd8d462b5d2ba6678fae34733a48ecb80495b9c68672ec6a6dde5ef",
    204_126_227,
  ),
  nvidia(
    "nvidia-cudnn-cu11",
    "8.6.0.163",
    "nvidia_cudnn_cu11-8.6.0.163-py3-none-manylinux1_x86_64.whl",
    "add207b5fb149cfa02919b8f413364ff4ed348a202f6ae3d7922ae5303fa38a3",
    715_706_642,
  ),
];

/** The two builds. */
export type TfjsNodeVariant = "tfjs-node" | "tfjs-node-gpu";

/** The wheels of a build. */
export function wheelsFor(variant: TfjsNodeVariant): readonly WheelPin[] {
  return variant === "tfjs-node" ? CPU_WHEELS : GPU_WHEELS;
}

/** The layout folder's name under the cache: version, build and layout revision. */
export function layoutName(variant: TfjsNodeVariant): string {
  return `libtensorflow-${TENSORFLOW_VERSION}-${
    variant === "tfjs-node" ? "cpu" : "gpu"
  }-r${LAYOUT_REVISION}`;
}
