#!/usr/bin/env bash
# Installs what `npm run test:windows` needs to test twinplug on Windows binaries without Windows:
#   wine64                 runs the Windows build of Node.js (and the DLLs it loads)
#   gcc-mingw-w64-x86-64   cross-builds the C plugins into real PE DLLs (x86_64-w64-mingw32-gcc,
#                          and x86_64-w64-mingw32-windres for their VERSIONINFO resources)
#   g++-mingw-w64-x86-64   cross-builds the legacy C++ IModule fixture (docs/legacy-dlls.md)
# and prepares the Wine prefix the tests run in: WINEPREFIX (default .cache/windows/wine-prefix),
# reporting Windows 10 (winecfg -v win10), which Node.js 20 requires before it starts.
# The Windows Node.js and koffi's win32 prebuild come from the npm registry; test:windows fetches
# them itself into .cache/windows/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packages=(wine64 gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-windows-toolchain: ${packages[*]} already installed"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-windows-toolchain: no apt-get here; install ${missing[*]} with your package manager" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-windows-toolchain: installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-windows-toolchain: installed ${missing[*]}"
fi

cd "$root"
node scripts/windows/prepare-prefix.mjs
