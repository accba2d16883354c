#!/usr/bin/env bash
# Installs the Debian packages twinplug's optional builds use:
#   clang, lld  C plugin sources built to wasm32 (the clang Wasm twins)
#   wabt        wasm-objdump, wasm2wat for looking inside modules; wat2wasm for a metering test
#   binaryen    wasm-opt -ttf: the random valid modules of the metering differential fuzz
#   g++         the legacy C++ IModule fixture (docs/legacy-dlls.md)
#   wasi-libc   libc headers and string functions for the third-party C libraries built to wasm32
# Without them `npm install` still builds the native and AssemblyScript twins, and the tests
# that need clang, wabt or binaryen say they are skipped and why.
set -euo pipefail
packages=(clang lld wabt binaryen wasi-libc g++)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-toolchains: ${packages[*]} already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-toolchains: no apt-get here; install ${missing[*]} with your package manager" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-toolchains: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-toolchains: installed ${missing[*]}"
