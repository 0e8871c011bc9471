//! The integration tests: one binary, one module per area (see CONTRIBUTING.md).

mod layers;
mod shared_cache;
