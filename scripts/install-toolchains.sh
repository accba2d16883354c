#!/usr/bin/env bash
# Installs the Debian packages twinplug's optional builds use:
#   clang, lld                 C plugin sources built to wasm32 (the clang Wasm twins)
#   wabt                       wasm-objdump, wasm2wat for looking inside modules; wat2wasm for
#                              a metering test
#   binaryen                   wasm-opt -ttf: the metering differential fuzz's random modules
#   g++                        the legacy C++ IModule fixture (docs/legacy-dlls.md)
#   wasi-libc,                 C with a libc built to wasm32-wasi (the stats sample), and libc
#   libclang-rt-14-dev-wasm32  headers and string functions for the third-party C libraries
#                              built to wasm32; clang's wasm32 runtime builtins
#   rustc, cargo,              Rust built natively and to wasm32-wasi (the tally sample):
#   libstd-rust-dev-wasm32     Debian's rustc ships std for the wasm32 targets in this package
#   nats-server                the JetStream cluster the fleet-mode tests start (docs/fleet.md)
# Without them `npm install` still builds the native and AssemblyScript twins, and the tests
# that need a missing toolchain say they are skipped and why.
set -euo pipefail
packages=(clang lld wabt binaryen wasi-libc g++ libclang-rt-14-dev-wasm32 rustc cargo libstd-rust-dev-wasm32 nats-server)
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
