//! Starting points for users: new partner records and new partner-data repositories.

pub mod init;
pub mod partner;
pub mod placeholder;
