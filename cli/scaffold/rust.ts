import {
  casesJson,
  FIND_TWINPLUG,
  GITIGNORE,
  packageJson,
  pluginJson,
  type Scaffold,
  workflow,
} from './files.js';

function cargoToml(name: string): string {
  const crate = `tp-${name.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
  return `[package]
name = "${crate}"
version = "0.1.0"
edition = "2021"
publish = false

# One crate, two builds (build.sh): a native cdylib and a wasm32 module. Its one dependency is
# twinplug's Rust PDK, from the npm package (npm install puts it in node_modules/twinplug).
[lib]
name = "plugin"
crate-type = ["cdylib"]

[dependencies]
twinplug-pdk = { path = "node_modules/twinplug/pdk/rust" }

[profile.release]
panic = "abort"
lto = true
`;
}

function libRs(name: string): string {
  return `//! ${name}: reverses its input's bytes and logs each call (the "log" grant in plugin.json).
//! twinplug's Rust PDK writes the ABI's exports (docs/abi.md) for the native library and the
//! Wasm module alike.
use twinplug_pdk::{host, Level};

/// The plugin's work: bytes in, bytes out (an \`Err\` is a negative plugin error code). It runs
/// once per call: an output that outgrows the host's buffer is kept for the host's retry.
fn process(input: &[u8]) -> Result<Vec<u8>, i32> {
    // A line the host drops (over its rate) does not fail the call.
    let _ = host::log(Level::Info, &format!("reversed {} bytes", input.len()));
    Ok(input.iter().rev().copied().collect())
}

twinplug_pdk::plugin! {
    info: r#"{"name":"${name}","version":"0.1.0","abi":1,"description":"reverses its input"}"#,
    process: process,
}
`;
}

function buildScript(name: string): string {
  return `#!/bin/sh
# Builds ${name}'s twins beside this script: the native cdylib and the wasm32-unknown-unknown
# module, with the first Rust toolchain that has std for that target ($RUSTC, rustc on PATH,
# Debian's /usr/bin/rustc; rustup target add wasm32-unknown-unknown, or Debian's
# libstd-rust-dev-wasm32) and the cargo beside it ($CARGO wins). Offline: the one dependency is
# twinplug's Rust PDK from node_modules.
set -eu
cd "$(dirname "$0")"
${FIND_TWINPLUG}# Cargo.toml names node_modules/twinplug: link it when npm put the package in a parent folder.
if [ ! -e node_modules/twinplug ]; then
  mkdir -p node_modules
  ln -s "$twinplug" node_modules/twinplug
fi
case "$(uname -s)" in
  Darwin) lib=libplugin.dylib ext=dylib ;;
  MINGW* | MSYS* | CYGWIN*) lib=plugin.dll ext=dll ;;
  *) lib=libplugin.so ext=so ;;
esac
has_wasm_std() {
  libdir=$("$1" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  ls "$libdir"/libstd-*.rlib >/dev/null 2>&1
}
rustc=""
for candidate in \${RUSTC:-} rustc /usr/bin/rustc; do
  found=$(command -v "$candidate" 2>/dev/null) || continue
  if has_wasm_std "$found"; then rustc=$found; break; fi
done
if [ -z "$rustc" ]; then
  "\${CARGO:-cargo}" build --offline --release
  cp "target/release/$lib" "${name}.$ext"
  echo "no rustc with std for wasm32-unknown-unknown: skipping ${name}.wasm" >&2
  exit 0
fi
cargo=\${CARGO:-$(dirname "$rustc")/cargo}
RUSTC=$rustc "$cargo" build --offline --release
cp "target/release/$lib" "${name}.$ext"
RUSTC=$rustc "$cargo" build --offline --release --target wasm32-unknown-unknown
cp target/wasm32-unknown-unknown/release/plugin.wasm "${name}.wasm"
`;
}

export function rustScaffold(name: string): Scaffold {
  const setup = '      - run: rustup target add wasm32-unknown-unknown\n';
  return {
    files: new Map([
      ['Cargo.toml', cargoToml(name)],
      ['src/lib.rs', libRs(name)],
      ['build.sh', buildScript(name)],
      ['package.json', packageJson(name, 'sh build.sh')],
      ['plugin.json', pluginJson()],
      ['cases.json', casesJson(name)],
      ['.github/workflows/conformance.yml', workflow(setup)],
      ['.gitignore', GITIGNORE],
    ]),
    executables: ['build.sh'],
  };
}
