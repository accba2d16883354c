//! Native only: the function table the host hands to `twinplug_set_host` before `Initialize`.

use std::sync::atomic::{AtomicPtr, Ordering};

type Bytes = *const u8;
type Out = *mut u8;

/// The host's table (`tp_host_v1` in twinplug.h), in the header's field order.
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

/// Keeps a copy of the table: the host's is valid only during the call (one small allocation
/// per load, never freed: a call may still be reading the previous one).
///
/// # Safety
/// `host` is NULL or points at a table of at least its `size` bytes.
pub unsafe fn set_host(host: *const u8) {
    let host = host as *const HostV1;
    let usable = !host.is_null()
        && (*host).version == 1
        && (*host).size as usize >= std::mem::size_of::<HostV1>();
    let copy = if usable {
        Box::into_raw(Box::new(*host))
    } else {
        std::ptr::null_mut()
    };
    HOST.store(copy, Ordering::Release);
}

fn table() -> Option<&'static HostV1> {
    // SAFETY: a stored table is a leaked Box, never freed.
    unsafe { HOST.load(Ordering::Acquire).as_ref() }
}

/// Without a table (another host loaded the library) every function is denied.
const DENIED: i32 = crate::TP_ERR_DENIED;

pub unsafe fn log(level: i32, msg: Bytes, len: u32) -> i32 {
    table().map_or(DENIED, |host| (host.log)(level, msg, len))
}

pub unsafe fn kv_get(key: Bytes, key_len: u32, out: Out, cap: u32, len: *mut u32) -> i32 {
    table().map_or(DENIED, |host| (host.kv_get)(key, key_len, out, cap, len))
}

pub unsafe fn kv_set(key: Bytes, key_len: u32, value: Bytes, value_len: u32) -> i32 {
    table().map_or(DENIED, |host| (host.kv_set)(key, key_len, value, value_len))
}

pub unsafe fn kv_delete(key: Bytes, key_len: u32) -> i32 {
    table().map_or(DENIED, |host| (host.kv_delete)(key, key_len))
}

pub unsafe fn call_host(
    name: Bytes,
    name_len: u32,
    input: Bytes,
    in_len: u32,
    out: Out,
    cap: u32,
    len: *mut u32,
) -> i32 {
    table().map_or(DENIED, |host| {
        (host.call_host)(name, name_len, input, in_len, out, cap, len)
    })
}
