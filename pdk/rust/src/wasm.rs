//! Wasm only: the memory the host writes inputs into and reads outputs from, and the imports of
//! host API v1 (module `twinplug_v1`; a module imports only the functions it calls).

#[link(wasm_import_module = "twinplug_v1")]
extern "C" {
    pub fn log(level: i32, msg: *const u8, len: u32) -> i32;
    pub fn kv_get(key: *const u8, key_len: u32, out: *mut u8, cap: u32, len: *mut u32) -> i32;
    pub fn kv_set(key: *const u8, key_len: u32, value: *const u8, value_len: u32) -> i32;
    pub fn kv_delete(key: *const u8, key_len: u32) -> i32;
    pub fn call_host(
        name: *const u8,
        name_len: u32,
        input: *const u8,
        in_len: u32,
        out: *mut u8,
        cap: u32,
        len: *mut u32,
    ) -> i32;
}

/// `size` bytes for the host (at least one: the host reads 0 as "out of memory"), or NULL.
pub fn alloc(size: u32) -> *mut u8 {
    let mut buffer: Vec<u8> = Vec::new();
    if buffer.try_reserve_exact(size.max(1) as usize).is_err() {
        return std::ptr::null_mut();
    }
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// # Safety
/// `ptr` and `size` are what `alloc` returned and was given.
pub unsafe fn dealloc(ptr: *mut u8, size: u32) {
    if !ptr.is_null() {
        drop(Vec::from_raw_parts(ptr, 0, size.max(1) as usize));
    }
}

#[cfg(target_os = "wasi")]
extern "C" {
    fn __wasm_call_ctors();
}

/// A wasm32-wasi reactor's `_initialize`: runs the static constructors once.
#[cfg(target_os = "wasi")]
pub fn call_ctors() {
    // SAFETY: the host calls _initialize once per instance, before any other export.
    unsafe { __wasm_call_ctors() }
}

/// wasm32-unknown-unknown has no constructors to run and exports no `_initialize`.
#[cfg(not(target_os = "wasi"))]
pub fn call_ctors() {}
