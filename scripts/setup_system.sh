#!/usr/bin/env bash
# Installs the Debian packages some tests use, when they are missing and we are root:
#   mesa-vulkan-drivers  Mesa's software Vulkan device, so Deno's WebGPU works without a GPU
#   openmpi-bin          mpirun, for the launcher test under Open MPI
#   mpich                mpiexec.hydra, for the launcher test under MPICH's Hydra
#   slurm-wlm munge      a one-node Slurm cluster on localhost, for the srun launcher test
#   chromium             headless Chromium, for the report's browser test and benchmark
# Tests that need one of these skip with a message naming the package when it is absent.
# Open MPI and MPICH both provide the mpirun/mpiexec alternatives, so each is looked for by its
# own binary's name.
set -u
need=()
[ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || need+=(mesa-vulkan-drivers)
command -v mpirun.openmpi >/dev/null 2>&1 || need+=(openmpi-bin)
command -v mpiexec.hydra >/dev/null 2>&1 || need+=(mpich)
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing system packages (${need[*]}); install them with apt-get to run every test" >&2
  exit 0
fi
echo "setup: apt-get install ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "setup: apt-get install ${need[*]} failed; the tests that need them will skip" >&2
exit 0
