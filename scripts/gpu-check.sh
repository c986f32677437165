#!/bin/sh
# mbench's GPU check, run from its bundle (built by scripts/build-gpu-check.ts; docs/gpu.md): on a Linux x64 machine
# with a GPU driver and no Node, npm or network.   ./gpu-check.sh [--quick] [--json FILE] [--budget SECONDS]
#
# Node comes gzip'ed in the bundle and is unpacked once under $TMPDIR. Dawn reaches an NVIDIA, AMD or Intel GPU
# through Vulkan: it needs the Khronos loader (libvulkan.so.1; the bundle may carry Debian's as lib/, used only
# when the machine has none) and the driver's ICD file; containers started without the 'graphics' driver
# capability have neither the ICD file nor the driver's Vulkan library, and this script says so.
set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
say() { printf 'gpu-check: %s\n' "$*" >&2; }

# 1. Node.
node="$here/node"
if [ ! -x "$node" ]; then
  [ -f "$here/node.gz" ] || { say "$here has neither node nor node.gz: rebuild the bundle"; exit 2; }
  sum=$(cksum < "$here/node.gz" | cut -d' ' -f1)
  node="${TMPDIR:-/tmp}/mbench-gpu-check-node-$sum"
  if [ ! -x "$node" ]; then
    gzip -dc "$here/node.gz" > "$node.$$"
    chmod +x "$node.$$"
    mv "$node.$$" "$node"
  fi
fi

# 2. The Vulkan loader: the machine's own first, the bundle's copy otherwise.
has_lib() {
  for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64 /usr/local/lib; do
    [ -e "$d/$1" ] && return 0
  done
  { command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -q "$1"
}
if has_lib libvulkan.so.1; then
  say "Vulkan loader: the machine's libvulkan.so.1"
elif [ -e "$here/lib/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "Vulkan loader: the bundle's (lib/libvulkan.so.1, Debian libvulkan1)"
else
  say "no libvulkan.so.1 here and none in the bundle (build it with --vulkan-loader): Dawn cannot reach a GPU"
fi

# 3. The driver's Vulkan ICD. NVIDIA's library is libGLX_nvidia.so.0; if it is present but no ICD file names it
# (a container without the 'graphics' capability ships no file), write one and point the loader at it.
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null || true)
if [ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  say "Vulkan ICD from the environment: ${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}"
elif [ -n "$icds" ]; then
  say "Vulkan ICD files: $(echo $icds)"
elif has_lib libGLX_nvidia.so.0; then
  icd="${TMPDIR:-/tmp}/mbench-gpu-check-nvidia_icd.json"
  printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' > "$icd"
  export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
  say "no Vulkan ICD file; libGLX_nvidia.so.0 is here, so $icd names it"
else
  say "no Vulkan ICD file and no NVIDIA Vulkan driver library (libGLX_nvidia.so.0): in a container, start it with the"
  say "'graphics' driver capability (NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics); otherwise install the vendor driver"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | sed 's/^/gpu-check: nvidia-smi: /' >&2 || true

# 4. The check.
exec "$node" "$here/gpu-check.mjs" "$@"
