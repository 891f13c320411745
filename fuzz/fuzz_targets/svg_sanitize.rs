//! Any bytes, rebuilt as a logo, give a logo or a reason: never a panic. Whenever the SVG
//! sanitiser writes something, the independent allowlist check accepts it and rebuilding it
//! again changes nothing. `tests/hostile_svg.rs` checks the same properties within the normal
//! test budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerctl::site::logo::rebuild_logo;
use partnerctl::site::svg::{sanitize_svg, verify_rebuilt};

fuzz_target!(|data: &[u8]| {
    let _ = rebuild_logo(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(out) = sanitize_svg(text) {
        if let Err(e) = verify_rebuilt(&out) {
            panic!("the sanitiser wrote what the allowlist refuses: {e}\n{out}");
        }
        assert_eq!(sanitize_svg(&out).as_deref(), Ok(out.as_str()), "not a fixed point");
    }
});
