//! Defaults from the config file (`config.toml` in the platform config dir, or `$PAYCTL_CONFIG`):
//! `db`, `actor`, `color`. Flags and environment variables win over the file.

use std::path::PathBuf;

use serde::Deserialize;

use crate::exit::Failure;
use crate::output::ColorChoice;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<PathBuf>,
    pub actor: Option<String>,
    pub color: Option<ColorChoice>,
}

/// `PAYCTL_CONFIG` set and not empty (empty means: no config file at all).
fn named_by_env() -> bool {
    std::env::var_os("PAYCTL_CONFIG").is_some_and(|p| !p.is_empty())
}

/// Where the config file is looked for (None: nowhere).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PAYCTL_CONFIG") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "payctl").map(|d| d.config_dir().join("config.toml"))
}

/// The file's settings; no file means no defaults. A broken file is an error naming it.
pub fn load() -> Result<FileConfig, Failure> {
    let Some(path) = config_path() else {
        return Ok(FileConfig::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        // The default file is optional; one named by PAYCTL_CONFIG must be there (a typo would
        // otherwise silently drop every setting it was meant to give).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named_by_env() => {
            return Ok(FileConfig::default());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(crate::exit::invalid(
                "config",
                &path.display().to_string(),
                "no such file (named by PAYCTL_CONFIG)",
            ));
        }
        Err(e) => {
            return Err(crate::exit::invalid(
                "config",
                &path.display().to_string(),
                &format!("cannot be read: {e}"),
            ));
        }
    };
    toml::from_str(&text).map_err(|e| {
        crate::exit::invalid(
            "config",
            &path.display().to_string(),
            &e.to_string().replace('\n', " "),
        )
    })
}

/// The OS account acting: `$USER` (or `$LOGNAME`, `$USERNAME`), else the account of this
/// process's uid, so a cron job or a container without `$USER` still records who acted.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|name| !name.is_empty())
        .or_else(account_of_uid)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The passwd name of the uid running payctl (the owner of `/proc/self`), or `uid N` when the
/// account is not in `/etc/passwd` (a directory service); None off Linux.
#[cfg(unix)]
fn account_of_uid() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?.parse::<u32>().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(unix))]
fn account_of_uid() -> Option<String> {
    None
}
