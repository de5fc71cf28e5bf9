//! The one seam over object storage: a local folder by default, any
//! S3-compatible store by configuration, both through the `object_store`
//! crate so the rest of the code never knows which it is.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no such object")]
    NotFound,
    /// The client sent more bytes than it declared.
    #[error("the body is larger than the declared {0} bytes")]
    TooLarge(u64),
    /// The client's connection broke off or sent fewer bytes than declared.
    #[error("the body ended after {got} of {want} bytes")]
    Short { got: u64, want: u64 },
    #[error("storage error: {0}")]
    Backend(String),
    #[error("storage configuration: {0}")]
    Config(String),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other => StorageError::Backend(other.to_string()),
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Set for the local backend: files are served and uploaded through
    /// Critboard itself, and decoded in place.
    local_root: Option<PathBuf>,
}

/// Streaming writes go to storage in parts of this size, so an upload of any
/// size holds at most about this much in memory.
const PART_BYTES: usize = 1 << 20;

impl Storage {
    /// A local folder, created if missing.
    pub fn local(root: PathBuf) -> Result<Storage> {
        std::fs::create_dir_all(&root)
            .map_err(|e| StorageError::Config(format!("cannot create {}: {e}", root.display())))?;
        let fs = LocalFileSystem::new_with_prefix(&root)?.with_automatic_cleanup(true);
        Ok(Storage {
            store: Arc::new(fs),
            local_root: Some(root),
        })
    }

    /// Picks the backend from `CRITBOARD_STORAGE_URL`: empty for the
    /// default folder, a path or `file://` for another folder.
    pub fn from_url(url: Option<&str>, default_root: PathBuf) -> Result<Storage> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Storage::local(default_root),
            Some(u) if u.starts_with("s3://") => Err(StorageError::Config(
                "S3 storage is not available in this build yet; use a local folder".into(),
            )),
            Some(u) => Storage::local(PathBuf::from(u.trim_start_matches("file://"))),
        }
    }

    pub fn is_local(&self) -> bool {
        self.local_root.is_some()
    }

    /// Where a local object sits on disk (local backend only).
    pub fn local_path(&self, key: &str) -> Option<PathBuf> {
        self.local_root.as_ref().map(|root| root.join(key))
    }

    /// The object's size, or `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>> {
        match self.store.head(&ObjectPath::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn read_range(&self, key: &str, range: Range<u64>) -> Result<Bytes> {
        if range.is_empty() {
            return Ok(Bytes::new());
        }
        Ok(self.store.get_range(&ObjectPath::from(key), range).await?)
    }

    pub async fn put(&self, key: &str, data: Vec<u8>) -> Result<()> {
        self.store
            .put(&ObjectPath::from(key), PutPayload::from(data))
            .await?;
        Ok(())
    }

    /// Deletes an object; one that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The object's bytes as a stream, for serving.
    pub async fn stream(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + Send + 'static> {
        Ok(self.store.get(&ObjectPath::from(key)).await?.into_stream())
    }

    /// Writes a client's body of exactly `expected` bytes to `key` without
    /// holding it in memory. Nothing is left behind when the body is too
    /// long or too short.
    pub async fn write_exact<S, E>(&self, key: &str, body: S, expected: u64) -> Result<()>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let upload = self.store.put_multipart(&ObjectPath::from(key)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut body = body;
        let mut got: u64 = 0;
        let outcome = loop {
            match body.next().await {
                Some(Ok(chunk)) => {
                    got += chunk.len() as u64;
                    if got > expected {
                        break Err(StorageError::TooLarge(expected));
                    }
                    if let Err(e) = writer.wait_for_capacity(2).await {
                        break Err(e.into());
                    }
                    writer.write(&chunk);
                }
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "upload body broke off");
                    break Err(StorageError::Short {
                        got,
                        want: expected,
                    });
                }
                None if got < expected => {
                    break Err(StorageError::Short {
                        got,
                        want: expected,
                    })
                }
                None => break Ok(()),
            }
        };
        match outcome {
            Ok(()) => {
                writer.finish().await?;
                Ok(())
            }
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }
}
