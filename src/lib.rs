//! partnerctl: partner programs as configuration-as-code.
//!
//! Data flows one way: [`source`] → [`load`] → [`validate`] → [`evaluate`] → diff → render.

pub mod badge;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod commands;
pub mod dataset;
pub mod diagnostic;
pub mod diff;
pub mod evaluate;
pub mod fast_toml;
pub(crate) mod format;
pub mod history;
pub mod import;
pub mod links;
pub mod load;
pub(crate) mod markup;
pub mod model;
pub mod public;
pub mod render;
pub mod rules;
pub(crate) mod scaffold;
pub mod schema;
pub mod site;
pub mod skipped;
pub mod source;
pub(crate) mod suggest;
pub mod upcoming;
pub(crate) mod validate;
pub(crate) mod validate_names;
