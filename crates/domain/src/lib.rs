//! Critboard's domain: the words of the product, its roles and the rules that
//! decide who may do what. Nothing here touches a database, a file or the
//! network, so every rule can be tested in isolation and reused by every layer.

/// An enum stored as a small integer and sent as snake_case text.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $n:literal => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant = $n),+ }

        impl $name {
            pub fn as_i16(self) -> i16 { self as i16 }
            pub fn from_i16(value: i16) -> Option<Self> {
                match value { $($n => Some(Self::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

pub mod assets;
pub mod discussion;
pub mod notifications;
pub mod roles;
pub mod validation;

pub use assets::{ReviewStatus, UploadState, VersionState};
pub use discussion::ThreadState;
pub use notifications::EmailFrequency;
pub use roles::{BoardAction, BoardRole, WorkspaceRole};
pub use validation::{FieldError, FieldErrors};
