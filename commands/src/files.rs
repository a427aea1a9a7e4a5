//! Files payctl writes at a path the user named (exports, reports, man pages): created 0600 like
//! the store, and a path that cannot be a file is the user's input gone wrong (exit 2 naming
//! it), not an internal error.

use std::fs::File;
use std::path::Path;

use crate::exit::Failure;
use crate::exit::invalid;

/// Creates the file at `path` (0600; an existing file is truncated and keeps its mode); `what`
/// names the flag in a refusal.
pub fn create(path: &Path, what: &str) -> Result<File, Failure> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(invalid(what, &shown, "is a directory; name a file"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    // Private like the store: exports, reports and pages carry the books' content.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => invalid(what, &shown, "its directory does not exist"),
        _ => invalid(what, &shown, &format!("cannot be created: {e}")),
    })
}
