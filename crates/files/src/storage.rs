//! The one seam over object storage: a local folder by default, any
//! S3-compatible store by configuration, both through the `object_store`
//! crate so the rest of the code never knows which it is.

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use rusty_s3::S3Action;
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
    /// The disk (or quota) under the local folder is full.
    #[error("no space left for files")]
    Full,
    #[error("storage error: {0}")]
    Backend(String),
    #[error("storage configuration: {0}")]
    Config(String),
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other if out_of_space(&other) => StorageError::Full,
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
    /// Set for S3: presigns the browser's uploads (and downloads).
    s3: Option<Arc<Presigner>>,
}

/// SigV4 query presigning for browser requests, from the same AWS
/// variables as the S3 client.
struct Presigner {
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
}

impl Presigner {
    fn from_env(bucket: &str) -> Result<Presigner> {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok())
                .filter(|v| !v.is_empty())
        };
        let region =
            var(&["AWS_DEFAULT_REGION", "AWS_REGION"]).unwrap_or_else(|| "us-east-1".into());
        let endpoint = var(&["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"])
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let style = if var(&["AWS_VIRTUAL_HOSTED_STYLE_REQUEST"]).as_deref() == Some("true") {
            rusty_s3::UrlStyle::VirtualHost
        } else {
            rusty_s3::UrlStyle::Path
        };
        let (Some(key), Some(secret)) =
            (var(&["AWS_ACCESS_KEY_ID"]), var(&["AWS_SECRET_ACCESS_KEY"]))
        else {
            return Err(StorageError::Config(
                "S3 storage needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to presign uploads"
                    .into(),
            ));
        };
        let credentials = match var(&["AWS_SESSION_TOKEN"]) {
            Some(token) => rusty_s3::Credentials::new_with_token(key, secret, token),
            None => rusty_s3::Credentials::new(key, secret),
        };
        let endpoint = endpoint
            .parse()
            .map_err(|e| StorageError::Config(format!("AWS endpoint {endpoint}: {e}")))?;
        let bucket = rusty_s3::Bucket::new(endpoint, style, bucket.to_owned(), region)
            .map_err(|e| StorageError::Config(format!("bucket {bucket}: {e}")))?;
        Ok(Presigner {
            bucket,
            credentials,
        })
    }
}

/// Streaming writes go to storage in parts of this size, so an upload of any
/// size holds at most about this much in memory.
const PART_BYTES: usize = 1 << 20;

/// How many staging files of one object `remove_staging` looks for.
const STAGING_SLOTS: u32 = 8;

impl Storage {
    /// A local folder, created if missing.
    pub fn local(root: PathBuf) -> Result<Storage> {
        std::fs::create_dir_all(&root)
            .map_err(|e| StorageError::Config(format!("cannot create {}: {e}", root.display())))?;
        let fs = LocalFileSystem::new_with_prefix(&root)?.with_automatic_cleanup(true);
        Ok(Storage {
            store: Arc::new(fs),
            local_root: Some(root),
            s3: None,
        })
    }

    /// An S3-compatible bucket, `s3://bucket[/]`, configured by the usual AWS
    /// variables: `AWS_ENDPOINT`, `AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_VIRTUAL_HOSTED_STYLE_REQUEST`,
    /// `AWS_ALLOW_HTTP`.
    pub fn s3(url: &str) -> Result<Storage> {
        install_tls();
        let url = url.trim_end_matches('/');
        let s3 = AmazonS3Builder::from_env()
            .with_url(url)
            .build()
            .map_err(|e| StorageError::Config(format!("{url}: {e}")))?;
        let bucket = url.trim_start_matches("s3://");
        Ok(Storage {
            store: Arc::new(s3),
            local_root: None,
            s3: Some(Arc::new(Presigner::from_env(bucket)?)),
        })
    }

    /// Picks the backend from `CRITBOARD_STORAGE_URL`: empty for the
    /// default folder, a path or `file://` for another folder.
    pub fn from_url(url: Option<&str>, default_root: PathBuf) -> Result<Storage> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Storage::local(default_root),
            Some(u) if u.starts_with("s3://") => Storage::s3(u),
            Some(u) => Storage::local(PathBuf::from(u.trim_start_matches("file://"))),
        }
    }

    /// The origin browsers send upload bytes to when it is not Critboard
    /// itself (the S3 endpoint), for the web app's `connect-src`.
    pub fn direct_upload_origin(&self) -> Option<String> {
        self.s3
            .as_ref()
            .map(|p| p.bucket.base_url().origin().ascii_serialization())
    }

    pub fn is_local(&self) -> bool {
        self.local_root.is_some()
    }

    /// Where a local object sits on disk (local backend only).
    pub fn local_path(&self, key: &str) -> Option<PathBuf> {
        self.local_root.as_ref().map(|root| root.join(key))
    }

    /// A presigned PUT for the browser, with its size and type bound into
    /// the signature (S3 only; `None` for the local backend).
    pub fn presign_put(
        &self,
        key: &str,
        bytes: u64,
        content_type: &str,
        expires_in: std::time::Duration,
    ) -> Option<String> {
        let p = self.s3.as_ref()?;
        let mut action = p.bucket.put_object(Some(&p.credentials), key);
        action
            .headers_mut()
            .insert("content-length", bytes.to_string());
        action
            .headers_mut()
            .insert("content-type", content_type.to_owned());
        Some(
            action
                .sign(expires_in.max(std::time::Duration::from_secs(1)))
                .to_string(),
        )
    }

    /// A presigned GET that makes the store answer with our content type
    /// and file name (S3 only).
    pub fn presign_get(
        &self,
        key: &str,
        content_type: &str,
        disposition: &str,
        expires_in: std::time::Duration,
    ) -> Option<String> {
        let p = self.s3.as_ref()?;
        let mut action = p.bucket.get_object(Some(&p.credentials), key);
        action
            .query_mut()
            .insert("response-content-type", content_type.to_owned());
        action
            .query_mut()
            .insert("response-content-disposition", disposition.to_owned());
        Some(action.sign(expires_in).to_string())
    }

    /// Copies an object into a local file (to decode pictures kept in S3).
    pub async fn download(&self, key: &str, to: &std::path::Path) -> Result<()> {
        use tokio::io::AsyncWriteExt;
        let mut file = tokio::fs::File::create(to)
            .await
            .map_err(|e| StorageError::Backend(e.to_string()))?;
        let mut stream = self.store.get(&ObjectPath::from(key)).await?.into_stream();
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?)
                .await
                .map_err(|e| StorageError::Backend(e.to_string()))?;
        }
        file.flush()
            .await
            .map_err(|e| StorageError::Backend(e.to_string()))?;
        Ok(())
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
        // A job killed while writing this key before left its staging file.
        self.remove_staging(key).await;
        Ok(())
    }

    /// Deletes an object; one that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        self.remove_staging(key).await;
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the staging files (`key#1`, `key#2` …) of local writes that
    /// a crash cut short: the writer renames its staging file into place
    /// only when the body is whole. It numbers them from 1, taking the first
    /// free number, so the first few cover any realistic count of retries.
    /// `put` and `delete` call it; uploads call it once complete. (On S3 a cut
    /// multipart upload is the bucket lifecycle rule's to abort: docs/deploy.md.)
    pub async fn remove_staging(&self, key: &str) {
        let Some(path) = self.local_path(key) else {
            return;
        };
        for n in 1..=STAGING_SLOTS {
            let mut staged = path.clone().into_os_string();
            staged.push(format!("#{n}"));
            match tokio::fs::remove_file(&staged).await {
                Ok(()) => tracing::info!(key, "removed a cut write's staging file"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(key, error = %e, "could not remove a staging file"),
            }
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

/// Whether an I/O error under `e` says the disk or the quota is full.
fn out_of_space(e: &(dyn std::error::Error + 'static)) -> bool {
    const ENOSPC: i32 = 28;
    const EDQUOT: i32 = 122;
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::StorageFull
                || matches!(io.raw_os_error(), Some(ENOSPC | EDQUOT))
            {
                return true;
            }
        }
        cause = c.source();
    }
    false
}

/// Gives the HTTPS clients in the tree (object_store's, Sentry's) their
/// TLS crypto: they use rustls without a built-in provider.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::Storage;

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        let wrapped = |io: std::io::Error| object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(io),
        };
        let full = super::StorageError::from(wrapped(std::io::Error::from_raw_os_error(28)));
        assert!(matches!(full, super::StorageError::Full), "{full:?}");
        let quota = super::StorageError::from(wrapped(std::io::Error::from_raw_os_error(122)));
        assert!(matches!(quota, super::StorageError::Full), "{quota:?}");
        let denied =
            super::StorageError::from(wrapped(std::io::ErrorKind::PermissionDenied.into()));
        assert!(
            matches!(denied, super::StorageError::Backend(_)),
            "{denied:?}"
        );
    }

    /// What a write killed mid-way leaves (`key#1` …) goes once the key is
    /// written whole or deleted; other objects' files stay.
    #[tokio::test]
    async fn staging_files_of_cut_writes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::local(dir.path().to_path_buf()).unwrap();
        let root = dir.path().join("t");
        std::fs::create_dir_all(&root).unwrap();
        for name in ["grid.jpg#1", "grid.jpg#3", "view.jpg#1"] {
            std::fs::write(root.join(name), b"cut").unwrap();
        }
        storage.put("t/grid.jpg", b"whole".to_vec()).await.unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["grid.jpg", "view.jpg#1"]);
        storage.delete("t/view.jpg").await.unwrap();
        assert!(!root.join("view.jpg#1").exists());
        assert_eq!(std::fs::read(root.join("grid.jpg")).unwrap(), b"whole");
    }
}
