#!/usr/bin/env bash
# setup.sh - install missing Debian 12 packages (as root), configure and build.
# Used by run.sh (README command 1) and test.sh (README command 2).
# Idempotent: installs nothing that is present, reconfigures only when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES="gcc libc6-dev meson ninja-build pkg-config git libgsl-dev libhdf5-dev hdf5-tools
libopenblas-dev libcriterion-dev libinih-dev libjansson-dev zlib1g-dev gnuplot-nox python3
python3-numpy clang libclang-rt-14-dev libomp-dev openmpi-bin libopenmpi-dev"

missing=()
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

BUILD=${MIB_BUILD:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" -Dwerror=true >&2
fi
ninja -C "$BUILD" >&2
