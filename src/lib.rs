//! partnerctl: partner programs as configuration-as-code.
//!
//! Data flows one way: [`source`] → [`load`] → [`validate`] → [`evaluate`] → diff → render.

pub mod cli;
pub mod commands;
pub mod dataset;
pub mod diagnostic;
pub mod diff;
pub mod evaluate;
pub mod fast_toml;
pub mod format;
pub mod import;
pub mod links;
pub mod load;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod source;
pub mod suggest;
pub mod validate;
