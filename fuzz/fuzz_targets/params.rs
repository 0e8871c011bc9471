//! Fuzz target: `wtc::cli::fuzz::params` (see fuzz/README.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wtc::cli::fuzz::params(data);
});
