//! Critboard's domain: the words of the product, its roles and the rules that
//! decide who may do what. Nothing here touches a database, a file or the
//! network, so every rule can be tested in isolation and reused by every layer.

pub mod assets;
pub mod discussion;
pub mod roles;
pub mod validation;

pub use assets::{ReviewStatus, UploadState, VersionState};
pub use discussion::ThreadState;
pub use roles::{BoardAction, BoardRole, WorkspaceRole};
pub use validation::{FieldError, FieldErrors};
