//! Fuzz target: `wtc::cli::fuzz::env_overrides` (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wtc::cli::fuzz::env_overrides(data);
});
