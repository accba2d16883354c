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
    let mut pending = PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
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
        let kept = Pending {
            input: input.to_vec(),
            output,
        };
        *PENDING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(kept);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static RUNS: Cell<u32> = Cell::new(0);
    }

    /// Doubles its input, counting its runs; "bad" is error 5 (sent as -1), "worse" error -7.
    fn doubled(input: &[u8]) -> Result<Vec<u8>, i32> {
        RUNS.with(|runs| runs.set(runs.get() + 1));
        match input {
            b"bad" => Err(5),
            b"worse" => Err(-7),
            _ => Ok([input, input].concat()),
        }
    }

    fn call(input: &[u8], cap: usize) -> (i32, u32, Vec<u8>) {
        let mut out = vec![0u8; cap];
        let mut len = 0u32;
        // SAFETY: the slices hold what the lengths say.
        let status = unsafe {
            process_data(
                input.as_ptr(),
                input.len() as u32,
                out.as_mut_ptr(),
                cap as u32,
                &mut len,
                doubled,
            )
        };
        out.truncate(if status == TP_OK { len as usize } else { 0 });
        (status, len, out)
    }

    fn runs() -> u32 {
        RUNS.with(|runs| runs.replace(0))
    }

    // One test: PENDING is shared by the whole process, and tests run on several threads.
    #[test]
    fn the_two_call_protocol_runs_process_once() {
        runs();
        assert_eq!(call(b"abc", 16), (TP_OK, 6, b"abcabc".to_vec()));
        assert_eq!(runs(), 1);

        // Too small: the size needed, then the retry with that room is served from the kept output.
        assert_eq!(call(b"abc", 4), (TP_BUFFER_TOO_SMALL, 6, vec![]));
        assert_eq!(call(b"abc", 6), (TP_OK, 6, b"abcabc".to_vec()));
        assert_eq!(runs(), 1);

        // A new call with the same input and the first offer again is a new call: process runs.
        assert_eq!(call(b"xy", 2), (TP_BUFFER_TOO_SMALL, 4, vec![]));
        assert_eq!(call(b"xy", 2), (TP_BUFFER_TOO_SMALL, 4, vec![]));
        assert_eq!(runs(), 2);
        // Another input after a too-small answer drops the kept output.
        assert_eq!(call(b"zz", 16), (TP_OK, 4, b"zzzz".to_vec()));
        assert_eq!(call(b"xy", 4), (TP_OK, 4, b"xyxy".to_vec()));
        assert_eq!(runs(), 2);

        // Errors: a negative code as it is, any other as -1; the empty input with a NULL pointer.
        assert_eq!(call(b"bad", 16).0, -1);
        assert_eq!(call(b"worse", 16).0, -7);
        let mut len = 9u32;
        // SAFETY: a zero length with a NULL input and output is what the ABI allows.
        let status = unsafe {
            process_data(
                std::ptr::null(),
                0,
                std::ptr::null_mut(),
                0,
                &mut len,
                doubled,
            )
        };
        assert_eq!((status, len), (TP_OK, 0));
    }

    #[test]
    fn initialize_reports_failure_as_non_zero() {
        let config = b"{}";
        // SAFETY: the slice holds what the length says.
        unsafe {
            assert_eq!(
                initialize(config.as_ptr(), 2, |c: &[u8]| if c == b"{}" {
                    Ok(())
                } else {
                    Err(-3)
                }),
                0
            );
            assert_eq!(initialize(config.as_ptr(), 2, |_: &[u8]| Err(-3)), -3);
            assert_eq!(initialize(config.as_ptr(), 2, |_: &[u8]| Err(0)), -1);
        }
    }
}
