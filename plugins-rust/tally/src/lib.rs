//! tally: word counts of a UTF-8 text, with a running total of words kept in the host's
//! key-value store (docs/samples.md). std's `Vec`, `String`, `BTreeMap` and `format!`, built
//! natively and to wasm32-wasi from this one source, through twinplug's Rust PDK (pdk/rust).

use std::collections::BTreeMap;
use twinplug_pdk::{host, Level};

const INVALID_UTF8: i32 = -2;
const BAD_TOTAL: i32 = -3;
const HOST_ERROR: i32 = -4;
const TOP: usize = 10;
const TOTAL_KEY: &[u8] = b"total";

twinplug_pdk::plugin! {
    info: r#"{"name":"tally","version":"1.0.0","abi":1,"description":"word counts, and a running total in the host's key-value store"}"#,
    process: tally,
}

/// A JSON string literal: `"` and `\` escaped, control bytes as \u00XX, the rest as is.
fn json_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The words so far, as the host's kv store holds them (decimal text), 0 when absent.
fn previous_total() -> Result<u64, i32> {
    match host::kv_get(TOTAL_KEY).map_err(|_| HOST_ERROR)? {
        None => Ok(0),
        Some(bytes) => std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or(BAD_TOTAL),
    }
}

fn tally(input: &[u8]) -> Result<Vec<u8>, i32> {
    let text = std::str::from_utf8(input).map_err(|_| INVALID_UTF8)?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut words: u64 = 0;
    for word in text.split_ascii_whitespace() {
        *counts.entry(word.to_ascii_lowercase()).or_insert(0) += 1;
        words += 1;
    }
    let mut ranked: Vec<(&String, &u64)> = counts.iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let top: Vec<String> = ranked
        .iter()
        .take(TOP)
        .map(|(word, count)| format!("[{},{}]", json_string(word), count))
        .collect();
    let total = previous_total()? + words;
    let json = format!(
        r#"{{"words":{},"distinct":{},"top":[{}],"total":{}}}"#,
        words,
        counts.len(),
        top.join(","),
        total
    );
    // Once per call: the PDK keeps an output that outgrows the host's buffer for its retry.
    host::kv_set(TOTAL_KEY, total.to_string().as_bytes()).map_err(|_| HOST_ERROR)?;
    // A line the host drops (over its rate) does not fail the call.
    let _ = host::log(
        Level::Info,
        &format!(
            "tally: {} words, {} distinct, {} in total",
            words,
            counts.len(),
            total
        ),
    );
    Ok(json.into_bytes())
}
