#!/usr/bin/env bash
# Builds kernels/wasm/kernels.c into the two committed modules kernels/wasm/kernels-{shared,plain}.wasm:
# the same code, importing tfjs-wasm's memory as shared (its threaded build) or plain (single-threaded build).
# Needs clang 14 and wasm-ld (Debian: apt-get install clang-14 lld-14). `--check` builds into a temporary
# folder and fails when the committed files differ from what the source builds to.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
out=kernels/wasm
if [[ ${1:-} == --check ]]; then out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi
common=(--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Wextra -Werror
  -Wl,--no-entry -Wl,--import-memory -Wl,--strip-all -Wl,-z,stack-size=0)
"$CLANG" "${common[@]}" -o "$out/kernels-plain.wasm" kernels/wasm/kernels.c
"$CLANG" "${common[@]}" -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -o "$out/kernels-shared.wasm" kernels/wasm/kernels.c
# The kernels run on tfjs's heap: they must not keep a stack (the stack pointer is a global) or data of their
# own, which would live at addresses tfjs owns.
OBJDUMP=${OBJDUMP:-$(command -v llvm-objdump-14 || command -v llvm-objdump || echo /usr/lib/llvm-14/bin/llvm-objdump)}
for f in kernels-plain.wasm kernels-shared.wasm; do
  code=$("$OBJDUMP" -d "$out/$f")
  sections=$("$OBJDUMP" -h "$out/$f")
  if grep -Eq 'global\.(get|set)' <<<"$code" || grep -Eq '\b(DATA|DATACOUNT)\b' <<<"$sections"; then
    echo "$f uses a stack or static data; kernels/wasm/kernels.c must not" >&2; exit 1
  fi
done
if [[ ${1:-} == --check ]]; then
  for f in kernels-plain.wasm kernels-shared.wasm; do
    cmp -s "$out/$f" "kernels/wasm/$f" || { echo "kernels/wasm/$f is stale: run scripts/build-wasm-kernels.sh" >&2; exit 1; }
  done
  echo "kernels/wasm/*.wasm match kernels/wasm/kernels.c"
fi
