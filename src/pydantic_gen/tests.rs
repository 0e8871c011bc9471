//! Unit tests of the generator: type mapping, naming, aliasing (expect-test snapshots).

use super::*;
