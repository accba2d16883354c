import { casesJson, GITIGNORE, packageJson, pluginJson, type Scaffold, workflow } from './files.js';

function cargoToml(name: string): string {
  const crate = `tp-${name.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
  return `[package]
name = "${crate}"
version = "0.1.0"
edition = "2021"
publish = false

# One crate, two builds (build.sh): a native cdylib and a wasm32 module. No dependencies.
[lib]
name = "plugin"
crate-type = ["cdylib"]

[profile.release]
panic = "abort"
lto = true
`;
}

function libRs(name: string): string {
  return `//! ${name}: reverses its input's bytes. The twinplug ABI (docs/abi.md) by hand: PluginInfo,
//! ProcessData with its two-call output protocol, and alloc/dealloc for the Wasm host.
#![allow(non_snake_case)]

const TP_OK: i32 = 0;
const TP_BUFFER_TOO_SMALL: i32 = 1;
static INFO: &[u8] =
    b"{\\"name\\":\\"${name}\\",\\"version\\":\\"0.1.0\\",\\"abi\\":1,\\"description\\":\\"reverses its input\\"}\\0";

/// The plugin's work: bytes in, bytes out (a negative i32 would be a plugin error code).
fn process(input: &[u8]) -> Result<Vec<u8>, i32> {
    Ok(input.iter().rev().copied().collect())
}

#[no_mangle]
pub extern "C" fn PluginInfo() -> *const u8 {
    INFO.as_ptr()
}

/// # Safety
/// The host passes \`in_len\` readable bytes at \`input\`, \`out_cap\` writable ones at \`out\`.
#[no_mangle]
pub unsafe extern "C" fn ProcessData(
    input: *const u8,
    in_len: u32,
    out: *mut u8,
    out_cap: u32,
    out_len: *mut u32,
) -> i32 {
    let input = if in_len == 0 { &[][..] } else { std::slice::from_raw_parts(input, in_len as usize) };
    let output = match process(input) {
        Ok(output) => output,
        Err(code) => return code,
    };
    *out_len = output.len() as u32;
    if output.len() > out_cap as usize {
        return TP_BUFFER_TOO_SMALL;
    }
    if !output.is_empty() {
        std::ptr::copy_nonoverlapping(output.as_ptr(), out, output.len());
    }
    TP_OK
}

#[cfg(target_arch = "wasm32")]
fn layout(size: u32) -> Option<std::alloc::Layout> {
    std::alloc::Layout::from_size_align(size.max(1) as usize, 16).ok()
}

#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn alloc(size: u32) -> *mut u8 {
    match layout(size) {
        Some(layout) => unsafe { std::alloc::alloc(layout) },
        None => std::ptr::null_mut(),
    }
}

/// # Safety
/// \`ptr\` came from \`alloc(size)\`.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: u32) {
    if let Some(layout) = layout(size) {
        std::alloc::dealloc(ptr, layout);
    }
}
`;
}

function buildScript(name: string): string {
  return `#!/bin/sh
# Builds ${name}'s twins beside this script with \${CARGO:-cargo}: the native cdylib, and the
# wasm32 module when rustc has std for wasm32-unknown-unknown
# (rustup target add wasm32-unknown-unknown, or Debian's libstd-rust-dev-wasm32).
set -eu
cd "$(dirname "$0")"
case "$(uname -s)" in
  Darwin) lib=libplugin.dylib ext=dylib ;;
  MINGW* | MSYS* | CYGWIN*) lib=plugin.dll ext=dll ;;
  *) lib=libplugin.so ext=so ;;
esac
"\${CARGO:-cargo}" build --offline --release
cp "target/release/$lib" "${name}.$ext"
libdir=$("\${RUSTC:-rustc}" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null || true)
if [ -n "$libdir" ] && ls "$libdir"/libstd-*.rlib >/dev/null 2>&1; then
  "\${CARGO:-cargo}" build --offline --release --target wasm32-unknown-unknown
  cp target/wasm32-unknown-unknown/release/plugin.wasm "${name}.wasm"
else
  echo "rustc has no std for wasm32-unknown-unknown: skipping ${name}.wasm" >&2
fi
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
