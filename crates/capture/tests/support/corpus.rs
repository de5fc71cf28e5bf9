//! Where the shared test corpus is; also read by the server's tests.

use std::path::PathBuf;

/// The shared test corpus (real third-party sites and decks), found from the
/// repository or named by CRITBOARD_CORPUS.
pub fn corpus() -> PathBuf {
    if let Some(dir) = std::env::var_os("CRITBOARD_CORPUS") {
        return PathBuf::from(dir);
    }
    let mut here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = here.join("shared/corpus");
        if candidate.is_dir() {
            return candidate;
        }
        let sibling = here.join("../shared/corpus");
        if sibling.is_dir() {
            return sibling.canonicalize().unwrap_or(sibling);
        }
        if !here.pop() {
            break;
        }
    }
    let fallback = PathBuf::from("/work/shared/corpus");
    assert!(
        fallback.is_dir(),
        "the test corpus (shared/corpus) was not found; set CRITBOARD_CORPUS"
    );
    fallback
}
