//! The shared discovery cache: the local cache's entries (same bytes, same checks) in an
//! object store that several machines use — `file://DIR`, `s3://BUCKET[/PREFIX]`,
//! `gs://BUCKET[/PREFIX]`, `az://CONTAINER[/PREFIX]` — under
//! `<prefix>/<namespace>/discovery/<key>.json`.
//!
//! * Stores are configured from the usual environment variables (`AWS_ENDPOINT_URL`,
//!   `AWS_ACCESS_KEY_ID`, `AWS_ALLOW_HTTP`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_*`, ...,
//!   the builders' `from_env`).
//! * Writes are create-only (`PutMode::Create`): an existing entry is never overwritten,
//!   so concurrent writers of one key are safe and a lost race is not an error. Only
//!   `--refresh-discovery` (and the replacement of a bad entry) overwrites.
//! * Every call has a timeout (10 s connect, 30 s request, 2 retries, and a tokio timeout
//!   around it); a store that fails is not asked again by the same process, and its
//!   failures are warnings: discovery proceeds without it.
//! * The object store is async; each cache drives it from its own current-thread tokio
//!   runtime.

use super::Discovered;
use super::cache::{self, EntryError, Verified};
use super::plan::inputs::DiscoveryInputs;
use super::plan::key::DiscoveryKey;
use object_store::path::Path as ObjPath;
use object_store::{
    ClientConfigKey, ObjectStore, ObjectStoreExt, ObjectStoreScheme, PutMode, PutOptions,
    RetryConfig,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The namespace when none is given (`--cache-namespace`); CI sets `ci`.
pub const DEFAULT_NAMESPACE: &str = "dev";
const CONNECT_TIMEOUT: &str = "10s";
const REQUEST_TIMEOUT: &str = "30s";
/// Bound of one call, retries included.
const CALL_TIMEOUT: Duration = Duration::from_secs(45);

/// How the shared cache is reached (`--cache-url`, `--cache-namespace`,
/// `--cache-read-only`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedConfig {
    pub url: String,
    pub namespace: String,
    pub read_only: bool,
}

/// What went wrong with the shared cache. The library errors are kept as their messages,
/// so that the outcomes of store calls can be compared (`Result<Put, SharedError>`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SharedError {
    #[error("invalid cache namespace `{0}`: use letters, digits, `.`, `_` and `-`")]
    Namespace(String),
    #[error("invalid cache URL `{url}`: {detail}")]
    InvalidUrl { url: String, detail: String },
    #[error("unsupported cache URL `{url}`: {detail}")]
    UnsupportedUrl { url: String, detail: String },
    #[error("cannot open the shared cache `{url}`: {detail}")]
    Open { url: String, detail: String },
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    /// An entry (`url`) above `files::MAX_INPUT_BYTES`.
    #[error(
        "{url} is larger than {} MiB, the limit for an input file",
        crate::files::MAX_INPUT_BYTES / (1024 * 1024)
    )]
    TooLarge { url: String },
    /// A store call failed (`dir_url`: the namespace's entries); not asked again.
    #[error("shared discovery cache {dir_url} unavailable ({reason}); not used again by this run")]
    Unavailable { dir_url: String, reason: String },
    #[error("shared discovery cache {dir_url} is read-only (--cache-read-only)")]
    ReadOnly { dir_url: String },
    #[error("shared discovery cache {dir_url} unavailable (failed earlier in this run)")]
    Down { dir_url: String },
}

/// Check a namespace: a non-empty path segment of letters, digits, `.`, `_` and `-`.
pub fn check_namespace(name: &str) -> Result<(), SharedError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(SharedError::Namespace(name.to_string()))
    }
}

/// An open shared cache.
pub struct SharedCache {
    store: Arc<dyn ObjectStore>,
    /// `<url path>/<namespace>/discovery`
    dir: ObjPath,
    /// The URL of `dir`, for messages.
    dir_url: String,
    read_only: bool,
    rt: tokio::runtime::Runtime,
    /// Set once the store failed; it is not asked again.
    down: AtomicBool,
}

impl std::fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache")
            .field("url", &self.dir_url)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// What a shared lookup found.
pub enum SharedLookup {
    /// A verified entry: the result, the entry's bytes (for the local cache) and its URL.
    Hit {
        discovered: Discovered,
        bytes: Vec<u8>,
        url: String,
    },
    Miss,
    /// The entry exists but a local source changed since it was written.
    Outdated(String),
    /// The entry is unusable (not used, and replaced by the next fresh discovery).
    Bad {
        url: String,
        reason: EntryError,
    },
    /// The store failed (a warning; the store is not asked again).
    Unavailable(SharedError),
}

/// What a write did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    Written,
    /// Create-only and the key was there already (another writer won): fine.
    AlreadyPresent,
}

/// A shared entry as listed.
#[derive(Clone, Debug)]
pub struct SharedEntry {
    pub key: DiscoveryKey,
    pub url: String,
    pub size: u64,
    /// Seconds since the Unix epoch.
    pub modified: i64,
}

impl SharedCache {
    /// Open the store of `config.url`, configured from the environment.
    pub fn open(config: &SharedConfig) -> Result<Self, SharedError> {
        Self::open_with(config, &[])
    }

    /// [`SharedCache::open`] with extra settings after the environment's, named like the
    /// environment variables (`AWS_ENDPOINT_URL`, ...).
    pub fn open_with(config: &SharedConfig, extra: &[(&str, &str)]) -> Result<Self, SharedError> {
        check_namespace(&config.namespace)?;
        let url = url::Url::parse(&config.url).map_err(|e| SharedError::InvalidUrl {
            url: config.url.clone(),
            detail: e.to_string(),
        })?;
        let (scheme, prefix) =
            ObjectStoreScheme::parse(&url).map_err(|e| SharedError::UnsupportedUrl {
                url: config.url.clone(),
                detail: e.to_string(),
            })?;
        let store = build_store(&url, &scheme, extra).map_err(|e| SharedError::Open {
            url: config.url.clone(),
            detail: e.to_string(),
        })?;
        Self::with_store(store, &prefix, config.url.trim_end_matches('/'), config)
    }

    /// A shared cache in a given store below `prefix` (`base_url` names the prefix).
    pub fn with_store(
        store: Arc<dyn ObjectStore>,
        prefix: &ObjPath,
        base_url: &str,
        config: &SharedConfig,
    ) -> Result<Self, SharedError> {
        check_namespace(&config.namespace)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SharedError::Runtime(e.to_string()))?;
        let dir = prefix
            .clone()
            .join(config.namespace.as_str())
            .join("discovery");
        Ok(Self {
            store,
            dir,
            dir_url: format!("{base_url}/{}/discovery", config.namespace),
            read_only: config.read_only,
            rt,
            down: AtomicBool::new(false),
        })
    }

    /// Whether the store has not failed in this run.
    pub fn available(&self) -> bool {
        !self.down.load(Ordering::Relaxed)
    }

    /// Whether writes are disabled (`--cache-read-only`).
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The URL of the namespace's entries (`<url>/<namespace>/discovery`).
    pub fn dir_url(&self) -> &str {
        &self.dir_url
    }

    /// The URL of a key's entry.
    pub fn url_of(&self, key: &DiscoveryKey) -> String {
        format!("{}/{key}.json", self.dir_url)
    }

    fn path_of(&self, key: &DiscoveryKey) -> ObjPath {
        self.dir.clone().join(format!("{key}.json"))
    }

    /// Run one store call with the timeout.
    fn call<T>(
        &self,
        what: &str,
        fut: impl Future<Output = object_store::Result<T>>,
    ) -> Result<T, CallError> {
        // The timer is created inside the runtime.
        match self
            .rt
            .block_on(async { tokio::time::timeout(CALL_TIMEOUT, fut).await })
        {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(object_store::Error::NotFound { .. })) => Err(CallError::NotFound),
            Ok(Err(object_store::Error::AlreadyExists { .. })) => Err(CallError::AlreadyExists),
            Ok(Err(e)) => Err(CallError::Failed(format!("{what} failed: {e}"))),
            Err(_) => Err(CallError::Failed(format!(
                "{what} timed out after {}s",
                CALL_TIMEOUT.as_secs()
            ))),
        }
    }

    /// A failure: remember that the store is down and describe it.
    fn unavailable(&self, reason: String) -> SharedError {
        self.down.store(true, Ordering::Relaxed);
        SharedError::Unavailable {
            dir_url: self.dir_url.clone(),
            reason,
        }
    }

    /// The bytes stored under a key, if any.
    pub fn get_bytes(&self, key: &DiscoveryKey) -> Result<Option<Vec<u8>>, SharedError> {
        if self.down.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let url = self.url_of(key);
        let path = self.path_of(key);
        let got = self.call(&format!("GET {url}"), async {
            let r = self.store.get(&path).await?;
            // Never more than any input file wtc reads (`files::MAX_INPUT_BYTES`).
            if r.meta.size > crate::files::MAX_INPUT_BYTES {
                return Ok(None);
            }
            r.bytes().await.map(Some)
        });
        match got {
            Ok(Some(b)) => Ok(Some(b.to_vec())),
            Ok(None) => Err(SharedError::TooLarge { url }),
            Err(CallError::NotFound) => Ok(None),
            Err(CallError::AlreadyExists) => Ok(None),
            Err(CallError::Failed(reason)) => Err(self.unavailable(reason)),
        }
    }

    /// Look a key up and verify the entry as the local cache does.
    pub fn lookup(&self, key: &DiscoveryKey, inputs: &DiscoveryInputs) -> SharedLookup {
        let bytes = match self.get_bytes(key) {
            Ok(Some(b)) => b,
            Ok(None) => return SharedLookup::Miss,
            Err(warning) => return SharedLookup::Unavailable(warning),
        };
        match cache::verify(&bytes, key, inputs) {
            Verified::Hit(discovered) => SharedLookup::Hit {
                discovered,
                bytes,
                url: self.url_of(key),
            },
            Verified::Outdated(source) => SharedLookup::Outdated(source),
            Verified::Bad(reason) => SharedLookup::Bad {
                url: self.url_of(key),
                reason,
            },
        }
    }

    /// Store an entry's bytes: create-only unless `overwrite`. Errors are warnings for
    /// the caller (the store is then not asked again); read-only caches refuse.
    pub fn put(
        &self,
        key: &DiscoveryKey,
        bytes: &[u8],
        overwrite: bool,
    ) -> Result<Put, SharedError> {
        if self.read_only {
            return Err(SharedError::ReadOnly {
                dir_url: self.dir_url.clone(),
            });
        }
        if self.down.load(Ordering::Relaxed) {
            return Err(SharedError::Down {
                dir_url: self.dir_url.clone(),
            });
        }
        let mode = if overwrite {
            PutMode::Overwrite
        } else {
            PutMode::Create
        };
        let url = self.url_of(key);
        let path = self.path_of(key);
        let payload = object_store::PutPayload::from(bytes.to_vec());
        let opts = PutOptions {
            mode,
            ..PutOptions::default()
        };
        match self.call(
            &format!("PUT {url}"),
            self.store.put_opts(&path, payload, opts),
        ) {
            Ok(_) => Ok(Put::Written),
            Err(CallError::AlreadyExists) => Ok(Put::AlreadyPresent),
            Err(CallError::NotFound) => Err(self.unavailable(format!("PUT {url}: not found"))),
            Err(CallError::Failed(reason)) => Err(self.unavailable(reason)),
        }
    }

    /// The namespace's entries, sorted by key (objects that are not `<key>.json` are
    /// skipped).
    pub fn list(&self) -> Result<Vec<SharedEntry>, SharedError> {
        let listed = match self.call(
            &format!("LIST {}", self.dir_url),
            self.store.list_with_delimiter(Some(&self.dir)),
        ) {
            Ok(l) => l,
            Err(CallError::NotFound) => return Ok(Vec::new()),
            Err(CallError::AlreadyExists) => return Ok(Vec::new()),
            Err(CallError::Failed(reason)) => return Err(self.unavailable(reason)),
        };
        let mut out: Vec<SharedEntry> = listed
            .objects
            .into_iter()
            .filter_map(|o| {
                let name = o.location.filename()?;
                let key = DiscoveryKey::parse(name.strip_suffix(".json")?)?;
                Some(SharedEntry {
                    url: self.url_of(&key),
                    key,
                    size: o.size,
                    modified: o.last_modified.timestamp(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}

enum CallError {
    NotFound,
    AlreadyExists,
    Failed(String),
}

/// The store of a URL, configured from the environment, with the timeouts.
fn build_store(
    url: &url::Url,
    scheme: &ObjectStoreScheme,
    extra: &[(&str, &str)],
) -> object_store::Result<Arc<dyn ObjectStore>> {
    let retry = RetryConfig {
        max_retries: 2,
        retry_timeout: Duration::from_secs(30),
        ..RetryConfig::default()
    };
    let timeouts = [
        (ClientConfigKey::ConnectTimeout, CONNECT_TIMEOUT),
        (ClientConfigKey::Timeout, REQUEST_TIMEOUT),
    ];
    // A cloud store's builder: the environment, the URL, the retries and the timeouts.
    macro_rules! from_env {
        ($builder:ident, $key:ident) => {{
            let mut b = $builder::from_env();
            for (k, v) in extra {
                if let Ok(k) = k.to_ascii_lowercase().parse::<$key>() {
                    b = b.with_config(k, *v);
                }
            }
            let mut b = b.with_url(url.as_str()).with_retry(retry);
            for (k, v) in timeouts {
                b = b.with_config($key::Client(k), v);
            }
            Arc::new(b.build()?)
        }};
    }
    // rustls with ring (as for rattler); a no-op if a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(match scheme {
        ObjectStoreScheme::Local => {
            let dir = url
                .to_file_path()
                .map_err(|()| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: format!("not a local path: {url}").into(),
                })?;
            std::fs::create_dir_all(&dir).map_err(|e| object_store::Error::Generic {
                store: "LocalFileSystem",
                source: Box::new(e),
            })?;
            // The prefix is the URL's path: the store is rooted at `/`.
            Arc::new(object_store::local::LocalFileSystem::new())
        }
        ObjectStoreScheme::Memory => Arc::new(object_store::memory::InMemory::new()),
        ObjectStoreScheme::AmazonS3 => {
            use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
            from_env!(AmazonS3Builder, AmazonS3ConfigKey)
        }
        ObjectStoreScheme::GoogleCloudStorage => {
            use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
            from_env!(GoogleCloudStorageBuilder, GoogleConfigKey)
        }
        ObjectStoreScheme::MicrosoftAzure => {
            use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
            from_env!(MicrosoftAzureBuilder, AzureConfigKey)
        }
        other => {
            return Err(object_store::Error::NotSupported {
                source: format!("{other:?} (use file://, s3://, gs:// or az://)").into(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::plan::key::discovery_key;
    use object_store::memory::InMemory;

    fn inputs(version: &str) -> DiscoveryInputs {
        DiscoveryInputs {
            platform: "linux-64".into(),
            channels: vec!["https://conda.anaconda.org/conda-forge/".into()],
            conda: vec![crate::discovery::plan::inputs::CondaSpec {
                name: "demo".into(),
                version: Some(version.into()),
                channel: Some("https://conda.anaconda.org/conda-forge/".into()),
            }],
            pypi: vec![],
        }
    }

    fn discovered() -> Discovered {
        let doc = serde_json::json!({"entries": {}, "version": "1.0.0"});
        Discovered::from_payload(cache::Payload {
            solved: vec![],
            registry: doc,
        })
        .unwrap()
    }

    fn open(store: &Arc<InMemory>, namespace: &str, read_only: bool) -> SharedCache {
        let config = SharedConfig {
            url: "memory:///".into(),
            namespace: namespace.into(),
            read_only,
        };
        SharedCache::with_store(
            store.clone(),
            &ObjPath::from("team"),
            "memory:///team",
            &config,
        )
        .unwrap()
    }

    #[test]
    fn create_only_puts_namespaces_read_only_and_verification() {
        let store = Arc::new(InMemory::new());
        let dev = open(&store, "dev", false);
        let (inputs, d) = (inputs(">=1"), discovered());
        let key = discovery_key(&inputs);
        let bytes = cache::entry_bytes(&key, &inputs, &d);
        assert!(matches!(dev.lookup(&key, &inputs), SharedLookup::Miss));
        assert_eq!(dev.put(&key, &bytes, false), Ok(Put::Written));
        // Create-only: a second writer of the key loses the race quietly.
        assert_eq!(dev.put(&key, b"other", false), Ok(Put::AlreadyPresent));
        match dev.lookup(&key, &inputs) {
            SharedLookup::Hit {
                discovered, url, ..
            } => {
                assert_eq!(discovered, d);
                assert_eq!(url, format!("memory:///team/dev/discovery/{key}.json"));
            }
            _ => panic!("expected a hit"),
        }
        let listed = dev.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].key, key);
        assert_eq!(listed[0].size, bytes.len() as u64);

        // Another namespace sees nothing; a read-only cache refuses to write.
        let ci = open(&store, "ci", true);
        assert!(matches!(ci.lookup(&key, &inputs), SharedLookup::Miss));
        assert!(ci.list().unwrap().is_empty());
        assert!(
            ci.put(&key, &bytes, false)
                .unwrap_err()
                .to_string()
                .contains("read-only")
        );

        // A tampered entry (overwrite) is reported with its URL; an entry stored under
        // another key is bad too.
        let tampered = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("1.0.0", "6.6.6");
        assert_eq!(dev.put(&key, tampered.as_bytes(), true), Ok(Put::Written));
        match dev.lookup(&key, &inputs) {
            SharedLookup::Bad { url, reason } => {
                assert!(
                    url.ends_with(&format!("/dev/discovery/{key}.json")),
                    "{url}"
                );
                assert_eq!(reason.to_string(), "checksum mismatch");
            }
            _ => panic!("expected a bad entry"),
        }
        let other = discovery_key(&super::tests::inputs(">=2"));
        dev.put(&other, &bytes, false).unwrap();
        assert!(matches!(
            dev.lookup(&other, &super::tests::inputs(">=2")),
            SharedLookup::Bad { reason, .. } if reason.to_string() == "it was stored under another key"
        ));
    }

    #[test]
    fn urls_and_namespaces_are_checked() {
        for bad in ["", "a/b", "..", "x y"] {
            assert!(check_namespace(bad).is_err(), "{bad}");
        }
        check_namespace("ci-2.x_y").unwrap();
        let config = |url: &str| SharedConfig {
            url: url.into(),
            namespace: "dev".into(),
            read_only: false,
        };
        let e = SharedCache::open(&config("https://example.com/x"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("use file://, s3://, gs:// or az://"), "{e}");
        assert!(
            SharedCache::open(&config("not a url"))
                .unwrap_err()
                .to_string()
                .contains("invalid cache URL")
        );
        // file:// stores below the URL's directory (created).
        let tmp = tempfile::tempdir().unwrap();
        let url = url::Url::from_directory_path(tmp.path().join("shared")).unwrap();
        let shared = SharedCache::open(&config(url.as_str())).unwrap();
        let (inputs, d) = (inputs("*"), discovered());
        let key = discovery_key(&inputs);
        let bytes = cache::entry_bytes(&key, &inputs, &d);
        assert_eq!(shared.put(&key, &bytes, false), Ok(Put::Written));
        assert_eq!(shared.put(&key, &bytes, false), Ok(Put::AlreadyPresent));
        let file = tmp.path().join(format!("shared/dev/discovery/{key}.json"));
        assert_eq!(std::fs::read(file).unwrap(), bytes);
    }
}
