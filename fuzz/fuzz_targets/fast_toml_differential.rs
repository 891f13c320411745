//! Whenever `partnerctl::fast_toml` accepts a document, it must give exactly what `toml` gives,
//! as a generic `toml::Value` and as a typed `Partner`; it must never panic.
//! `tests/proptest_toml.rs` checks the same property within the normal test budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerctl::fast_toml;
use partnerctl::model::Partner;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = fast_toml::from_str::<toml::Value>(text) {
        let slow = toml::from_str::<toml::Value>(text)
            .unwrap_or_else(|e| panic!("fast_toml accepted what toml rejects: {e}"));
        assert_eq!(fast, slow);
    }
    if let Some(fast) = fast_toml::from_str::<Partner>(text) {
        let slow = toml::from_str::<Partner>(text)
            .unwrap_or_else(|e| panic!("fast_toml accepted what toml rejects: {e}"));
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }
});
