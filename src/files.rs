//! Files payctl creates: private to their owner (0600), never replacing what is there.

use std::path::Path;

use crate::error::{Error, Result};

/// Creates the file at `path`, readable and writable by its owner only (0600), failing if
/// anything (a file, a link) is already there.
pub fn create_new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates an empty private file (0600), its parent directories included; a file that another
/// process created meanwhile is left as it is.
pub fn create_private_file(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::internal(format!("cannot create directory {}: {e}", parent.display()))
        })?;
    }
    match create_new_private_file(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::internal(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}
