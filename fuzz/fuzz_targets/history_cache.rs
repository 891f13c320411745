//! Any bytes in `.git/partnerctl/history-tree-diffs-v1` are either not a cache or a cache that
//! writes back to the same diffs: never a panic, never a huge allocation from a forged count.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerctl::history::cache::{parse, serialize};

fuzz_target!(|data: &[u8]| {
    if let Some(diffs) = parse(data) {
        assert_eq!(parse(serialize(&diffs).as_bytes()), Some(diffs));
    }
});
