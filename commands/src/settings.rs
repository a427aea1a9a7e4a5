//! Defaults from the config file (`config.toml` in the platform config dir, or `$PAYCTL_CONFIG`):
//! `db`, `actor`, `color`. Flags and environment variables win over the file.

use std::path::PathBuf;

use serde::Deserialize;

use crate::exit::Failure;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

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
            return Err(crate::write::invalid(
                "config",
                &path.display().to_string(),
                "no such file (named by PAYCTL_CONFIG)",
            ));
        }
        Err(e) => {
            return Err(crate::write::invalid(
                "config",
                &path.display().to_string(),
                &format!("cannot be read: {e}"),
            ));
        }
    };
    toml::from_str(&text).map_err(|e| {
        crate::write::invalid(
            "config",
            &path.display().to_string(),
            &e.to_string().replace('\n', " "),
        )
    })
}
