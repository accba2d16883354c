//! Host API v1 (docs/host-api.md): the same calls on both backends, each allowed only when the
//! plugin is granted it. Every function returns the host's negative `TP_ERR_*` code as `Err`.

use crate::{Level, TP_BUFFER_TOO_SMALL, TP_ERR_NOT_FOUND, TP_OK};

#[cfg(not(target_arch = "wasm32"))]
use crate::native as raw;
#[cfg(target_arch = "wasm32")]
use crate::wasm as raw;

/// The first buffer offered for a kv value or a host function's output; the host says how
/// much it needs when that is too small.
const FIRST_BUFFER: usize = 256;

fn check(code: i32) -> Result<(), i32> {
    if code < 0 {
        Err(code)
    } else {
        Ok(())
    }
}

fn len32(bytes: &[u8]) -> Result<u32, i32> {
    u32::try_from(bytes.len()).map_err(|_| crate::TP_ERR_TOO_LARGE)
}

/// The two-call protocol: `call(buffer, len)` fills `buffer` or says how much room it needs.
/// `Ok(None)` when the host answers `TP_ERR_NOT_FOUND`.
fn two_calls(mut call: impl FnMut(&mut [u8], &mut u32) -> i32) -> Result<Option<Vec<u8>>, i32> {
    let mut buffer = vec![0u8; FIRST_BUFFER];
    for _ in 0..2 {
        let mut len: u32 = 0;
        match call(&mut buffer, &mut len) {
            TP_OK => {
                buffer.truncate(len as usize);
                return Ok(Some(buffer));
            }
            TP_BUFFER_TOO_SMALL => buffer.resize(len as usize, 0),
            TP_ERR_NOT_FOUND => return Ok(None),
            error => return Err(error),
        }
    }
    Err(TP_BUFFER_TOO_SMALL) // the answer grew between the two calls
}

/// One line to the plugin's log (`TP_ERR_RATE` when the host drops it).
pub fn log(level: Level, message: &str) -> Result<(), i32> {
    let len = len32(message.as_bytes())?;
    // SAFETY: the host reads `len` bytes at the pointer, which the str holds.
    check(unsafe { raw::log(level as i32, message.as_ptr(), len) })
}

/// The value stored under `key`, or None.
pub fn kv_get(key: &[u8]) -> Result<Option<Vec<u8>>, i32> {
    let key_len = len32(key)?;
    two_calls(|buffer, len| {
        // SAFETY: the host writes at most `buffer.len()` bytes to the buffer and one u32 to len.
        unsafe {
            raw::kv_get(
                key.as_ptr(),
                key_len,
                buffer.as_mut_ptr(),
                buffer.len() as u32,
                len,
            )
        }
    })
}

/// Stores `value` under `key` (`TP_ERR_QUOTA` over the plugin's kv quota).
pub fn kv_set(key: &[u8], value: &[u8]) -> Result<(), i32> {
    let (key_len, value_len) = (len32(key)?, len32(value)?);
    // SAFETY: the host reads the two slices' bytes.
    check(unsafe { raw::kv_set(key.as_ptr(), key_len, value.as_ptr(), value_len) })
}

/// Removes `key`; false when the store did not hold it.
pub fn kv_delete(key: &[u8]) -> Result<bool, i32> {
    let key_len = len32(key)?;
    // SAFETY: the host reads the slice's bytes.
    match unsafe { raw::kv_delete(key.as_ptr(), key_len) } {
        TP_ERR_NOT_FOUND => Ok(false),
        code => check(code).map(|()| true),
    }
}

/// Calls the function the application registered as `name` (granted in `hostFunctions`) with
/// `input`; its output. The host keeps an output that did not fit for the retry, so the
/// function runs once.
pub fn call_host(name: &str, input: &[u8]) -> Result<Vec<u8>, i32> {
    let (name_len, in_len) = (len32(name.as_bytes())?, len32(input)?);
    let answer = two_calls(|buffer, len| {
        // SAFETY: the host reads the name and input, and writes at most `buffer.len()` bytes
        // to the buffer and one u32 to len.
        unsafe {
            raw::call_host(
                name.as_ptr(),
                name_len,
                input.as_ptr(),
                in_len,
                buffer.as_mut_ptr(),
                buffer.len() as u32,
                len,
            )
        }
    })?;
    answer.ok_or(TP_ERR_NOT_FOUND)
}
