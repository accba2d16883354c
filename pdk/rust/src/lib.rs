//! twinplug's plugin development kit for Rust (docs/authoring.md): the plugin ABI of
//! docs/abi.md and the host API of docs/host-api.md, for one crate built as a native `cdylib`
//! and as Wasm (`wasm32-wasi` or `wasm32-unknown-unknown`).
//!
//! ```ignore
//! fn process(input: &[u8]) -> Result<Vec<u8>, i32> {
//!     let _ = twinplug_pdk::host::log(twinplug_pdk::Level::Info, "called");
//!     Ok(input.iter().rev().copied().collect())
//! }
//!
//! twinplug_pdk::plugin! {
//!     info: r#"{"name":"reverse","version":"0.1.0","abi":1}"#,
//!     process: process,
//! }
//! ```
//!
//! `process` runs once per call: when its output does not fit the host's buffer, the output is
//! kept and handed to the host's immediate retry (same input, room for it), so host calls and
//! other side effects happen once. A negative `Err` is the plugin's error code.

mod abi;
pub mod host;
#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(target_arch = "wasm32")]
mod wasm;

/// `ProcessData` and host-API statuses (twinplug.h's `TP_*`).
pub const TP_OK: i32 = 0;
pub const TP_BUFFER_TOO_SMALL: i32 = 1;
pub const TP_ERR_DENIED: i32 = -1;
pub const TP_ERR_BOUNDS: i32 = -2;
pub const TP_ERR_INVALID: i32 = -3;
pub const TP_ERR_TOO_LARGE: i32 = -4;
pub const TP_ERR_QUOTA: i32 = -5;
pub const TP_ERR_NOT_FOUND: i32 = -6;
pub const TP_ERR_HOST_FAILED: i32 = -7;
pub const TP_ERR_CLOSED: i32 = -8;
pub const TP_ERR_RATE: i32 = -9;

/// Log levels of the host API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

/// What the exports `plugin!` writes call; not an API of its own.
#[doc(hidden)]
pub mod __private {
    pub use crate::abi::{initialize, process_data};
    #[cfg(not(target_arch = "wasm32"))]
    pub use crate::native::set_host;
    #[cfg(target_arch = "wasm32")]
    pub use crate::wasm::{alloc, call_ctors, dealloc};
}

/// Writes the plugin's exports in the calling crate: `PluginInfo` (the JSON, NUL-terminated
/// here), `ProcessData` over `process`, `Initialize` over `init` and `Cleanup` over `cleanup`
/// when given; `alloc`/`dealloc` on Wasm (and `_initialize` on wasm32-wasi, which makes the
/// module a reactor), `twinplug_set_host` natively.
///
/// - `process: fn(&[u8]) -> Result<Vec<u8>, i32>`
/// - `init: fn(&[u8]) -> Result<(), i32>` (the config bytes; an `Err` fails the load)
/// - `cleanup: fn()`
#[macro_export]
macro_rules! plugin {
    (
        info: $info:expr,
        process: $process:path
        $(, init: $init:path)?
        $(, cleanup: $cleanup:path)?
        $(,)?
    ) => {
        #[allow(non_snake_case)]
        #[no_mangle]
        pub extern "C" fn PluginInfo() -> *const u8 {
            concat!($info, "\0").as_ptr()
        }

        /// # Safety
        /// The host passes `in_len` readable bytes at `input` and `out_cap` writable ones at `out`.
        #[allow(non_snake_case)]
        #[no_mangle]
        pub unsafe extern "C" fn ProcessData(
            input: *const u8,
            in_len: u32,
            out: *mut u8,
            out_cap: u32,
            out_len: *mut u32,
        ) -> i32 {
            $crate::__private::process_data(input, in_len, out, out_cap, out_len, $process)
        }

        $(
            /// # Safety
            /// The host passes `len` readable bytes at `config`.
            #[allow(non_snake_case)]
            #[no_mangle]
            pub unsafe extern "C" fn Initialize(config: *const u8, len: u32) -> i32 {
                $crate::__private::initialize(config, len, $init)
            }
        )?

        $(
            #[allow(non_snake_case)]
            #[no_mangle]
            pub extern "C" fn Cleanup() {
                $cleanup()
            }
        )?

        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn alloc(size: u32) -> *mut u8 {
            $crate::__private::alloc(size)
        }

        /// # Safety
        /// `ptr` and `size` are what `alloc` returned and was given.
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: u32) {
            $crate::__private::dealloc(ptr, size)
        }

        // Without an _initialize export, wasm-ld links a wasm32-wasi cdylib as a command module
        // (every export wrapped in a run of the constructors), which the host refuses.
        #[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
        #[no_mangle]
        pub extern "C" fn _initialize() {
            $crate::__private::call_ctors()
        }

        /// # Safety
        /// The host passes NULL or its function table.
        #[cfg(not(target_arch = "wasm32"))]
        #[no_mangle]
        pub unsafe extern "C" fn twinplug_set_host(host: *const u8) {
            $crate::__private::set_host(host)
        }
    };
}
