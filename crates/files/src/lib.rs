//! Where pictures live and how they are checked: object storage behind one
//! seam (local folder or S3-compatible), signed URLs, probing of uploaded
//! bytes (real type, structure, dimensions) and thumbnails.

pub mod diff;
pub mod probe;
pub mod signing;
pub mod storage;
pub mod thumbs;

pub use probe::{ImageKind, Limits, Probe, Refusal};
pub use signing::UrlSigner;
pub use storage::{install_tls, Storage, StorageError};
