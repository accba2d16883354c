//! ProcessData and Initialize over plain Rust functions, with the ABI's two-call protocol.

use crate::{TP_BUFFER_TOO_SMALL, TP_OK};
use std::sync::Mutex;

/// An output that did not fit, kept for the host's retry with the same input.
struct Pending {
    input: Vec<u8>,
    output: Vec<u8>,
}

static PENDING: Mutex<Option<Pending>> = Mutex::new(None);

/// The bytes at `ptr` (an empty slice for a zero length, whatever the pointer).
unsafe fn bytes<'a>(ptr: *const u8, len: u32) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len as usize)
    }
}

/// A plugin error as the ABI wants it: negative (`Err(0)` or a positive code would read as
/// success or as "buffer too small").
fn error_code(code: i32) -> i32 {
    if code < 0 {
        code
    } else {
        -1
    }
}

/// The kept output when this call is the retry it was kept for: the same input, and room.
fn take_pending(input: &[u8], out_cap: u32) -> Option<Vec<u8>> {
    let mut pending = PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match pending.take() {
        Some(kept) if kept.input == input && kept.output.len() <= out_cap as usize => {
            Some(kept.output)
        }
        _ => None,
    }
}

/// # Safety
/// The host passes `in_len` readable bytes at `input`, `out_cap` writable ones at `out` and a
/// writable u32 at `out_len`.
pub unsafe fn process_data<F>(
    input: *const u8,
    in_len: u32,
    out: *mut u8,
    out_cap: u32,
    out_len: *mut u32,
    process: F,
) -> i32
where
    F: FnOnce(&[u8]) -> Result<Vec<u8>, i32>,
{
    let input = bytes(input, in_len);
    let output = match take_pending(input, out_cap) {
        Some(output) => output,
        None => match process(input) {
            Ok(output) => output,
            Err(code) => return error_code(code),
        },
    };
    *out_len = u32::try_from(output.len()).unwrap_or(u32::MAX);
    if output.len() > out_cap as usize {
        let kept = Pending { input: input.to_vec(), output };
        *PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(kept);
        return TP_BUFFER_TOO_SMALL;
    }
    if !output.is_empty() {
        std::ptr::copy_nonoverlapping(output.as_ptr(), out, output.len());
    }
    TP_OK
}

/// # Safety
/// The host passes `len` readable bytes at `config`.
pub unsafe fn initialize<F>(config: *const u8, len: u32, init: F) -> i32
where
    F: FnOnce(&[u8]) -> Result<(), i32>,
{
    match init(bytes(config, len)) {
        Ok(()) => TP_OK,
        Err(0) => -1,
        Err(code) => code,
    }
}
