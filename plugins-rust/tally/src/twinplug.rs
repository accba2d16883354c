//! The twinplug plugin ABI and host API v1 for a Rust crate (docs/abi.md, docs/host-api.md):
//! the `alloc`/`dealloc` exports a Wasm host places bytes with, `_initialize` for a wasm32-wasi
//! reactor, input/output helpers for `ProcessData`, and the host's log and key-value store:
//! Wasm imports from `twinplug_v1`, or the function table a native host hands to
//! `twinplug_set_host`. Everything backend-specific is in this one file, so it can move to a
//! crate of its own.

#![allow(dead_code)] // a plugin uses the parts it needs

/// The ABI's status codes.
pub const TP_OK: i32 = 0;
pub const TP_BUFFER_TOO_SMALL: i32 = 1;

/// Log levels of the host API.
#[derive(Clone, Copy)]
#[repr(i32)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

/// `PluginInfo`: the NUL-terminated JSON the host reads.
macro_rules! plugin_info {
    ($json:expr) => {
        #[no_mangle]
        pub extern "C" fn PluginInfo() -> *const u8 {
            concat!($json, "\0").as_ptr()
        }
    };
}
pub(crate) use plugin_info;

/// The input bytes the host passed (an empty slice for a zero length, whatever the pointer).
///
/// # Safety
/// `ptr` must point at `len` readable bytes when `len` is not 0.
pub unsafe fn input<'a>(ptr: *const u8, len: u32) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len as usize)
    }
}

/// The output side of one `ProcessData` call and its two-call protocol.
pub struct Output {
    ptr: *mut u8,
    cap: usize,
    len: *mut u32,
    too_small: bool,
}

impl Output {
    /// # Safety
    /// `ptr` must point at `cap` writable bytes and `len` at a writable u32.
    pub unsafe fn new(ptr: *mut u8, cap: u32, len: *mut u32) -> Self {
        Output { ptr, cap: cap as usize, len, too_small: false }
    }

    /// Announces the output's size; false when it does not fit, and the host will call again
    /// with that much room (so a caller does its side effects only after a true).
    pub fn reserve(&mut self, size: usize) -> bool {
        // SAFETY: `len` is writable (new's contract).
        unsafe { *self.len = size as u32 };
        self.too_small = size > self.cap;
        !self.too_small
    }

    /// Writes the output, after a `reserve` of its size that returned true.
    pub fn write(&mut self, bytes: &[u8]) {
        assert!(bytes.len() <= self.cap);
        // SAFETY: `ptr` holds `cap` writable bytes (new's contract), and bytes fit.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr, bytes.len());
            *self.len = bytes.len() as u32;
        }
    }

    /// What `ProcessData` returns when the plugin's own logic succeeded.
    pub fn status(&self) -> i32 {
        if self.too_small {
            TP_BUFFER_TOO_SMALL
        } else {
            TP_OK
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    #[link(wasm_import_module = "twinplug_v1")]
    extern "C" {
        pub fn log(level: i32, msg: *const u8, len: u32) -> i32;
        pub fn kv_get(key: *const u8, key_len: u32, out: *mut u8, cap: u32, len: *mut u32) -> i32;
        pub fn kv_set(key: *const u8, key_len: u32, value: *const u8, value_len: u32) -> i32;
        pub fn kv_delete(key: *const u8, key_len: u32) -> i32;
    }

    extern "C" {
        fn __wasm_call_ctors();
    }

    /// A reactor's initialiser: without an `_initialize` export, wasm-ld would wrap every export
    /// in a run of the constructors and destructors (a command module, refused by the host).
    #[no_mangle]
    pub extern "C" fn _initialize() {
        // SAFETY: the host calls _initialize once, before any other export.
        unsafe { __wasm_call_ctors() }
    }

    /// Memory for the host to write inputs into and read outputs from; 0 when there is none.
    #[no_mangle]
    pub extern "C" fn alloc(size: u32) -> *mut u8 {
        let mut buffer: Vec<u8> = Vec::new();
        if buffer.try_reserve_exact(size.max(1) as usize).is_err() {
            return std::ptr::null_mut();
        }
        let ptr = buffer.as_mut_ptr();
        std::mem::forget(buffer);
        ptr
    }

    /// Returns memory obtained from alloc.
    ///
    /// # Safety
    /// `ptr` and `size` must be what alloc returned and was given.
    #[no_mangle]
    pub unsafe extern "C" fn dealloc(ptr: *mut u8, size: u32) {
        if !ptr.is_null() {
            drop(Vec::from_raw_parts(ptr, 0, size.max(1) as usize));
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::sync::atomic::{AtomicPtr, Ordering};

    type Bytes = *const u8;
    type Out = *mut u8;

    /// The host's function table (`tp_host_v1` in twinplug.h), in the header's field order.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct HostV1 {
        pub version: u32,
        pub size: u32,
        pub log: extern "C" fn(i32, Bytes, u32) -> i32,
        pub kv_get: extern "C" fn(Bytes, u32, Out, u32, *mut u32) -> i32,
        pub kv_set: extern "C" fn(Bytes, u32, Bytes, u32) -> i32,
        pub kv_delete: extern "C" fn(Bytes, u32) -> i32,
        pub call_host: extern "C" fn(Bytes, u32, Bytes, u32, Out, u32, *mut u32) -> i32,
    }

    static HOST: AtomicPtr<HostV1> = AtomicPtr::new(std::ptr::null_mut());

    /// Called by the host before Initialize. The table is only valid during the call: keep a
    /// copy (one small allocation per load, never freed: calls may still be reading it).
    ///
    /// # Safety
    /// `host` is NULL or points at a table of at least `size` bytes.
    #[no_mangle]
    pub unsafe extern "C" fn twinplug_set_host(host: *const HostV1) {
        let usable = !host.is_null()
            && (*host).version == 1
            && (*host).size as usize >= std::mem::size_of::<HostV1>();
        let copy = if usable { Box::into_raw(Box::new(*host)) } else { std::ptr::null_mut() };
        HOST.store(copy, Ordering::Release);
    }

    pub fn table() -> Option<&'static HostV1> {
        // SAFETY: a stored table is a leaked Box, never freed.
        unsafe { HOST.load(Ordering::Acquire).as_ref() }
    }
}

/// The host API. Each function returns the host's error code (negative) as `Err`.
pub mod host {
    use super::Level;

    /// Returned when no host table was set (a native plugin loaded by another host).
    pub const NO_HOST: i32 = -1;

    fn check(code: i32) -> Result<(), i32> {
        if code < 0 {
            Err(code)
        } else {
            Ok(())
        }
    }

    #[cfg(target_arch = "wasm32")]
    use super::wasm as raw;

    #[cfg(not(target_arch = "wasm32"))]
    mod raw {
        use super::super::native::table;
        use super::NO_HOST;

        pub unsafe fn log(level: i32, msg: *const u8, len: u32) -> i32 {
            table().map_or(NO_HOST, |host| (host.log)(level, msg, len))
        }
        pub unsafe fn kv_get(key: *const u8, key_len: u32, out: *mut u8, cap: u32, len: *mut u32) -> i32 {
            table().map_or(NO_HOST, |host| (host.kv_get)(key, key_len, out, cap, len))
        }
        pub unsafe fn kv_set(key: *const u8, key_len: u32, value: *const u8, value_len: u32) -> i32 {
            table().map_or(NO_HOST, |host| (host.kv_set)(key, key_len, value, value_len))
        }
        pub unsafe fn kv_delete(key: *const u8, key_len: u32) -> i32 {
            table().map_or(NO_HOST, |host| (host.kv_delete)(key, key_len))
        }
    }

    /// One line to the plugin's log.
    pub fn log(level: Level, message: &str) -> Result<(), i32> {
        // SAFETY: the host reads `len` bytes at `msg`, which the str holds.
        check(unsafe { raw::log(level as i32, message.as_ptr(), message.len() as u32) })
    }

    /// The value under `key`, or None when the store has none.
    pub fn kv_get(key: &[u8]) -> Result<Option<Vec<u8>>, i32> {
        let mut value = vec![0u8; 64];
        for _ in 0..2 {
            let mut len: u32 = 0;
            // SAFETY: the host writes at most `value.len()` bytes to the buffer and one u32 to len.
            let code = unsafe {
                raw::kv_get(key.as_ptr(), key.len() as u32, value.as_mut_ptr(), value.len() as u32, &mut len)
            };
            match code {
                super::TP_OK => {
                    value.truncate(len as usize);
                    return Ok(Some(value));
                }
                super::TP_BUFFER_TOO_SMALL => value.resize(len as usize, 0),
                NOT_FOUND => return Ok(None),
                error => return Err(error),
            }
        }
        Err(super::TP_BUFFER_TOO_SMALL) // the value grew between the two calls
    }

    /// Stores `value` under `key`.
    pub fn kv_set(key: &[u8], value: &[u8]) -> Result<(), i32> {
        // SAFETY: the host reads the two slices' bytes.
        check(unsafe { raw::kv_set(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32) })
    }

    /// Removes `key`; false when the store did not hold it.
    pub fn kv_delete(key: &[u8]) -> Result<bool, i32> {
        // SAFETY: the host reads the slice's bytes.
        match unsafe { raw::kv_delete(key.as_ptr(), key.len() as u32) } {
            NOT_FOUND => Ok(false),
            code => check(code).map(|()| true),
        }
    }

    /// kv_get's and kv_delete's answer for a key the store does not hold.
    pub const NOT_FOUND: i32 = -6;
}
