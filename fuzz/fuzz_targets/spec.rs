//! Fuzz target: `wtc::cli::fuzz::spec` (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wtc::cli::fuzz::spec(data);
});
