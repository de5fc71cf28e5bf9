//! Critboard's domain: the words of the product, its roles and the rules that
//! decide who may do what. Nothing here touches a database, a file or the
//! network, so every rule can be tested in isolation and reused by every layer.

/// An enum stored in the database and sent as snake_case text: as a small
/// integer (`stored_enum!(Name { A = 1 => "a", … })`, numbers that are part
/// of the schema and must never change) or as its text
/// (`stored_enum!(text Name { … })`). With the `sea-orm` feature (the store
/// turns it on) the type is a SeaORM column type, so entities and query rows
/// hold these enums themselves: the numbers never leave this crate.
macro_rules! stored_enum {
    (text $(#[$meta:meta])* $name:ident { $($variant:ident = $n:literal => $text:literal),+ $(,)? }) => {
        stored_enum!(@define $(#[$meta])* $name { $($variant = $n => $text),+ });
        stored_enum!(@column $name, String, String,
            |v: $name| v.as_str().to_owned(), |t: String| $name::parse(&t),
            sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None));
    };
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $n:literal => $text:literal),+ $(,)? }) => {
        stored_enum!(@define $(#[$meta])* $name { $($variant = $n => $text),+ });
        stored_enum!(@column $name, i16, SmallInt,
            |v: $name| v.as_i16(), $name::from_i16, sea_orm::sea_query::ColumnType::SmallInteger);
    };
    // The SeaORM column type: stored as `$base` (its `$array` kind), read
    // back through `$from`.
    (@column $name:ident, $base:ty, $array:ident, $to:expr, $from:expr, $column:expr) => {
        #[cfg(feature = "sea-orm")]
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> Self {
                ($to)(v).into()
            }
        }
        #[cfg(feature = "sea-orm")]
        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let stored = <$base as sea_orm::TryGetable>::try_get_by(res, idx)?;
                let shown = format!("{stored:?}");
                ($from)(stored).ok_or_else(|| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "{} has no value {shown}", stringify!($name)
                    )))
                })
            }
        }
        #[cfg(feature = "sea-orm")]
        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let stored = <$base as sea_orm::sea_query::ValueType>::try_from(v)?;
                ($from)(stored).ok_or(sea_orm::sea_query::ValueTypeErr)
            }
            fn type_name() -> String {
                stringify!($name).to_owned()
            }
            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::$array
            }
            fn column_type() -> sea_orm::sea_query::ColumnType {
                $column
            }
        }
        #[cfg(feature = "sea-orm")]
        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                <$base as sea_orm::sea_query::Nullable>::null()
            }
        }
    };
    (@define $(#[$meta:meta])* $name:ident { $($variant:ident = $n:literal => $text:literal),+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant = $n),+ }

        impl $name {
            /// Every value, in stored order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored number: for this crate's database impls only.
            #[allow(dead_code)]
            fn as_i16(self) -> i16 { self as i16 }
            #[allow(dead_code)]
            fn from_i16(value: i16) -> Option<Self> {
                match value { $($n => Some(Self::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }

        impl $crate::stored::Stored for $name {
            fn number(self) -> i16 { self as i16 }
            fn from_number(n: i16) -> Option<Self> { Self::from_i16(n) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Stored enums in JSON kept in the database (token payloads written before
/// the enums were text): `#[serde(with = "critboard_domain::stored::number")]`.
pub mod stored {
    use serde::{Deserialize, Deserializer, Serializer};

    /// An enum with a stored number (implemented by `stored_enum!`).
    pub trait Stored: Sized + Copy {
        fn number(self) -> i16;
        fn from_number(n: i16) -> Option<Self>;
    }

    pub mod number {
        use super::*;

        pub fn serialize<T: Stored, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_i16(v.number())
        }

        pub fn deserialize<'de, T: Stored, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
            let n = i16::deserialize(d)?;
            T::from_number(n).ok_or_else(|| serde::de::Error::custom(format!("no value {n}")))
        }
    }

    pub mod option_number {
        use super::*;

        pub fn serialize<T: Stored, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => s.serialize_some(&v.number()),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, T: Stored, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<T>, D::Error> {
            match Option::<i16>::deserialize(d)? {
                None => Ok(None),
                Some(n) => T::from_number(n)
                    .map(Some)
                    .ok_or_else(|| serde::de::Error::custom(format!("no value {n}"))),
            }
        }
    }
}

pub mod assets;
pub mod discussion;
pub mod events;
pub mod notifications;
pub mod roles;
pub mod validation;

pub use assets::{AssetKind, ReviewStatus, UploadState, VersionState};
pub use discussion::ThreadState;
pub use events::BoardEvent;
pub use notifications::EmailFrequency;
pub use roles::{BoardAction, BoardRole, Deciders, WorkspaceRole};
pub use validation::{FieldError, FieldErrors};
