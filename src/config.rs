//! Typed configuration, read once at start from the environment (and an
//! optional `.env` file). Every problem is collected and reported together, one
//! line each, so a misconfigured deployment is fixed in one round. `.env.example`
//! documents every variable read here.

use std::fmt;
use std::time::Duration;

/// A value that must never reach a log line: `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value, for the one place that needs it (e.g. the database driver).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors. The default.
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: PostgreSQL connection string (may hold a password).
    pub database_url: Secret,
    /// `EVISTREAM_DB_MAX_CONNECTIONS`: pool size per process.
    pub db_max_connections: u32,
    /// `EVISTREAM_DB_CONNECT_TIMEOUT_SECS`: how long a request waits for a connection.
    pub db_connect_timeout: Duration,
    /// `EVISTREAM_DB_IDLE_TRANSACTION_SECS`: how long PostgreSQL lets one of
    /// this process's transactions sit idle before it ends the session. A
    /// process frozen mid-transaction (a paused VM, SIGSTOP) otherwise holds
    /// its row locks for as long as its connection lives, and the worker that
    /// takes over its job waits on them for ever.
    pub db_idle_transaction_timeout: Duration,
    /// `EVISTREAM_LOG_FORMAT`: `json` or `pretty`.
    pub log_format: LogFormat,
    /// `RUST_LOG`: tracing filter directives.
    pub log_filter: String,
    /// `EVISTREAM_WORKER_CONCURRENCY`: background job tasks per process.
    pub worker_concurrency: usize,
    /// `EVISTREAM_SHUTDOWN_GRACE_SECS`: how long running work may finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// `EVISTREAM_JOB_STALE_SECS`: a running job silent this long is taken over.
    pub job_stale_after: Duration,
    /// `EVISTREAM_DIAGNOSTIC_JOBS`: offer the diagnostic job on the Jobs page.
    pub diagnostic_jobs: bool,
    /// `EVISTREAM_PUBLIC_URL`: the address users reach the app at. With
    /// https, cookies are Secure and HSTS is sent.
    pub public_url: Option<String>,
    /// `EVISTREAM_REGISTRATION`: `open` (default) or `closed`. The first
    /// account of an empty instance can always register (and becomes admin).
    pub registration_open: bool,
    /// `EVISTREAM_SESSION_IDLE_MINUTES`: a session unused this long ends.
    pub session_idle: Duration,
    /// `EVISTREAM_SESSION_MAX_HOURS`: a session ends this long after sign-in.
    pub session_max_age: Duration,
    /// `EVISTREAM_TOKEN_SECRET`: signs API tokens. When unset, the instance
    /// generates one and keeps it in its database.
    pub token_secret: Option<Secret>,
    /// Where uploaded files are kept: a local directory or an S3 bucket.
    pub storage: StorageConfig,
    /// `EVISTREAM_MAX_UPLOAD_MB`: the largest PDF accepted.
    pub max_upload_bytes: u64,
    /// `EVISTREAM_MAX_PAGES`: the most pages a PDF may have.
    pub max_pages: u32,
    /// `EVISTREAM_CONVERSION_MEMORY_MB`: address-space limit of a PDF child.
    pub conversion_memory_mb: u64,
    /// `EVISTREAM_CONVERSION_CPU_SECS`: CPU-time limit of a PDF child.
    pub conversion_cpu_secs: u64,
    /// `EVISTREAM_CONVERSION_TIMEOUT_SECS`: wall-clock limit of a PDF child.
    pub conversion_timeout_secs: u64,
    /// `EVISTREAM_DOWNLOAD_LINK_SECS`: how long a signed download link works.
    pub download_link_ttl: Duration,
    /// `EVISTREAM_EXTRACTION_CONCURRENCY`: document × step extractions one
    /// process runs at once, shared by all runs.
    pub extraction_concurrency: usize,
    /// `EVISTREAM_TRUSTED_PROXIES`: addresses or CIDR ranges of reverse
    /// proxies (comma-separated). `X-Forwarded-For` / `Forwarded` name the
    /// client only on a connection from one of them; from anywhere else the
    /// headers are ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `EVISTREAM_METRICS_TOKEN`: when set, `/metrics` answers only requests
    /// with `Authorization: Bearer <token>`.
    pub metrics_token: Option<Secret>,
    /// `EVISTREAM_HEADER_TIMEOUT_SECS`: a connection that has not sent a whole
    /// request head in this time is closed (default 15).
    pub header_read_timeout: Duration,
    /// `EVISTREAM_BODY_TIMEOUT_SECS`: a request body that sends nothing for
    /// this long is abandoned with 408 (default 30).
    pub body_read_timeout: Duration,
    /// `EVISTREAM_MAX_UPLOADS_PER_USER`: uploads one user may send at once in
    /// one process (default 4); more are answered 429.
    pub max_uploads_per_user: usize,
    /// `EVISTREAM_REGISTRATIONS_PER_HOUR`: registrations (made or refused)
    /// one client address may attempt per hour (default 20).
    pub registrations_per_hour: i64,
    /// `EVISTREAM_JOB_RETENTION_DAYS`: finished jobs older than this are
    /// deleted with their log (default 30).
    pub job_retention: Duration,
    /// The OpenAI-compatible endpoint, when `EVISTREAM_LLM_BASE_URL` is set;
    /// without one, runs use the built-in offline extractor.
    pub llm: Option<LlmConfig>,
}

/// An OpenAI-compatible endpoint (OpenAI, Azure, vLLM, llama.cpp, Ollama, …).
#[derive(Debug, Clone, PartialEq)]
pub struct LlmConfig {
    /// `EVISTREAM_LLM_BASE_URL`, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// `EVISTREAM_LLM_API_KEY`; local servers need none.
    pub api_key: Option<Secret>,
    /// `EVISTREAM_LLM_MODEL` (default `gpt-4o-mini`).
    pub model: String,
    /// `EVISTREAM_LLM_TEMPERATURE` (default 0).
    pub temperature: f32,
    /// `EVISTREAM_LLM_MAX_TOKENS`: the most tokens of one answer (default 4096).
    pub max_tokens: u32,
    /// `EVISTREAM_LLM_TIMEOUT_SECS`: one request's time limit (default 120).
    pub timeout: Duration,
    /// `EVISTREAM_LLM_MAX_ATTEMPTS`: attempts for 429, 5xx and timeouts (default 4).
    pub max_attempts: u32,
    /// `EVISTREAM_LLM_CONCURRENCY`: requests in flight per process (default 4).
    pub concurrency: usize,
    /// `EVISTREAM_LLM_CONTEXT_TOKENS`: how much paper text one step may send
    /// (default 24,000 tokens); a longer paper is sent as its best-matching chunks.
    pub context_tokens: usize,
    /// `EVISTREAM_LLM_STRUCTURED_OUTPUT`: `auto` (strict JSON Schema, falling
    /// back to JSON mode where refused), `json_schema` or `json_mode`.
    pub structured_output: String,
    /// `EVISTREAM_LLM_PRICES`: `model=input/output;…` in USD per million tokens,
    /// e.g. `gpt-4o-mini=0.15/0.60`.
    pub prices: Vec<(String, f64, f64)>,
}

/// `EVISTREAM_S3_BUCKET` set: S3 (endpoint, region, path-style from
/// `EVISTREAM_S3_*`, credentials from the standard AWS chain). Otherwise a
/// local directory, `EVISTREAM_STORAGE_DIR` (default `.data/files`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageConfig {
    Local {
        root: std::path::PathBuf,
    },
    S3 {
        bucket: String,
        endpoint_url: Option<String>,
        region: String,
        path_style: bool,
    },
}

impl Config {
    /// True when the app is served over https (cookies get `Secure`, HSTS is sent).
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub variable: &'static str,
    pub message: String,
}

/// Everything wrong with the configuration, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<ConfigProblem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the configuration has {} problem(s) (see .env.example):",
            self.problems.len()
        )?;
        for problem in &self.problems {
            writeln!(f, "  - {}: {}", problem.variable, problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn,tower_http=info";

/// Reads variables through `lookup` and collects problems instead of stopping
/// at the first one.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<ConfigProblem>,
}

impl Reader<'_> {
    fn get(&self, variable: &str) -> Option<String> {
        (self.lookup)(variable)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    fn problem(&mut self, variable: &'static str, message: impl Into<String>) {
        self.problems.push(ConfigProblem {
            variable,
            message: message.into(),
        });
    }

    fn required(&mut self, variable: &'static str, what: &str) -> Option<String> {
        let value = self.get(variable);
        if value.is_none() {
            self.problem(variable, format!("is not set; it must hold {what}"));
        }
        value
    }

    fn boolean(&mut self, variable: &'static str, default: bool) -> bool {
        match self
            .get(variable)
            .map(|v| v.to_ascii_lowercase())
            .as_deref()
        {
            None => default,
            Some("true" | "1" | "yes" | "on") => true,
            Some("false" | "0" | "no" | "off") => false,
            Some(other) => {
                self.problem(variable, format!("is {other:?}; it must be true or false"));
                default
            }
        }
    }

    /// A comma-separated list of addresses (`10.0.0.1`) and CIDR ranges
    /// (`10.0.0.0/8`, `fd00::/8`); empty when unset.
    fn networks(&mut self, variable: &'static str) -> Vec<ipnet::IpNet> {
        let Some(raw) = self.get(variable) else {
            return Vec::new();
        };
        let mut networks = Vec::new();
        for item in raw
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let parsed = item
                .parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
            match parsed {
                Ok(network) => networks.push(network),
                Err(_) => self.problem(
                    variable,
                    format!("holds {item:?}, which is neither an IP address nor a CIDR range like 10.0.0.0/8"),
                ),
            }
        }
        networks
    }

    /// An integer in `min..=max`, or `default` when unset.
    fn integer(&mut self, variable: &'static str, default: u64, min: u64, max: u64) -> u64 {
        let Some(raw) = self.get(variable) else {
            return default;
        };
        match raw.parse::<u64>() {
            Ok(value) if (min..=max).contains(&value) => value,
            Ok(value) => {
                self.problem(
                    variable,
                    format!("is {value}; it must be between {min} and {max}"),
                );
                default
            }
            Err(_) => {
                self.problem(
                    variable,
                    format!("is {raw:?}; it must be a whole number between {min} and {max}"),
                );
                default
            }
        }
    }
}

impl Config {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is worth saying but not fatal
        // because the real environment may already be complete.
        if let Err(err) = dotenvy::dotenv()
            && !err.not_found()
        {
            eprintln!("warning: could not read .env: {err}");
        }
        Self::from_lookup(&|variable| std::env::var(variable).ok())
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut reader = Reader {
            lookup,
            problems: Vec::new(),
        };

        let database_url = reader.required(
            "DATABASE_URL",
            "a PostgreSQL URL such as postgres://user:password@host:5432/evistream",
        );
        if let Some(url) = &database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            reader.problem(
                "DATABASE_URL",
                "must start with postgres:// or postgresql://",
            );
        }

        let db_max_connections = reader.integer("EVISTREAM_DB_MAX_CONNECTIONS", 10, 1, 1000);
        let db_connect_timeout = reader.integer("EVISTREAM_DB_CONNECT_TIMEOUT_SECS", 5, 1, 300);
        let db_idle_transaction_timeout =
            reader.integer("EVISTREAM_DB_IDLE_TRANSACTION_SECS", 60, 1, 3600);

        let log_format = match reader.get("EVISTREAM_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                reader.problem(
                    "EVISTREAM_LOG_FORMAT",
                    format!("is {other:?}; it must be json or pretty"),
                );
                LogFormat::Json
            }
        };

        let log_filter = reader
            .get("RUST_LOG")
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned());
        if let Err(err) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            reader.problem("RUST_LOG", format!("is not a valid filter: {err}"));
        }

        let worker_concurrency = reader.integer("EVISTREAM_WORKER_CONCURRENCY", 4, 0, 256);
        let shutdown_grace = reader.integer("EVISTREAM_SHUTDOWN_GRACE_SECS", 30, 0, 3600);
        let job_stale_after = reader.integer("EVISTREAM_JOB_STALE_SECS", 30, 1, 3600);
        let diagnostic_jobs = reader.boolean("EVISTREAM_DIAGNOSTIC_JOBS", false);
        let public_url = reader.get("EVISTREAM_PUBLIC_URL");
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            reader.problem(
                "EVISTREAM_PUBLIC_URL",
                "must start with https:// (or http:// for local use)",
            );
        }
        let registration_open = match reader.get("EVISTREAM_REGISTRATION").as_deref() {
            None | Some("open") => true,
            Some("closed") => false,
            Some(other) => {
                reader.problem(
                    "EVISTREAM_REGISTRATION",
                    format!("is {other:?}; it must be open or closed"),
                );
                true
            }
        };
        let token_secret = reader.get("EVISTREAM_TOKEN_SECRET");
        if token_secret
            .as_ref()
            .is_some_and(|secret| secret.len() < 32)
        {
            reader.problem(
                "EVISTREAM_TOKEN_SECRET",
                "is too short; use at least 32 random characters (or leave it unset)",
            );
        }
        let session_idle = reader.integer("EVISTREAM_SESSION_IDLE_MINUTES", 480, 5, 60 * 24 * 30);
        let session_max_age = reader.integer("EVISTREAM_SESSION_MAX_HOURS", 168, 1, 24 * 365);

        let storage = match reader.get("EVISTREAM_S3_BUCKET") {
            Some(bucket) => {
                let endpoint_url = reader.get("EVISTREAM_S3_ENDPOINT_URL");
                if let Some(url) = &endpoint_url
                    && !(url.starts_with("http://") || url.starts_with("https://"))
                {
                    reader.problem(
                        "EVISTREAM_S3_ENDPOINT_URL",
                        "must start with https:// (or http:// for a local server)",
                    );
                }
                StorageConfig::S3 {
                    bucket,
                    endpoint_url,
                    region: reader
                        .get("EVISTREAM_S3_REGION")
                        .unwrap_or_else(|| "us-east-1".to_owned()),
                    path_style: reader.boolean("EVISTREAM_S3_PATH_STYLE", false),
                }
            }
            None => StorageConfig::Local {
                root: reader
                    .get("EVISTREAM_STORAGE_DIR")
                    .unwrap_or_else(|| ".data/files".to_owned())
                    .into(),
            },
        };
        let max_upload_mb = reader.integer("EVISTREAM_MAX_UPLOAD_MB", 100, 1, 10_000);
        let max_pages = reader.integer("EVISTREAM_MAX_PAGES", 500, 1, 100_000);
        let conversion_memory_mb =
            reader.integer("EVISTREAM_CONVERSION_MEMORY_MB", 2048, 64, 1 << 20);
        let conversion_cpu_secs = reader.integer("EVISTREAM_CONVERSION_CPU_SECS", 120, 1, 86_400);
        let conversion_timeout_secs =
            reader.integer("EVISTREAM_CONVERSION_TIMEOUT_SECS", 300, 1, 86_400);
        let download_link_secs = reader.integer("EVISTREAM_DOWNLOAD_LINK_SECS", 300, 10, 86_400);
        let extraction_concurrency = reader.integer("EVISTREAM_EXTRACTION_CONCURRENCY", 8, 1, 256);
        let trusted_proxies = reader.networks("EVISTREAM_TRUSTED_PROXIES");
        let metrics_token = reader.get("EVISTREAM_METRICS_TOKEN");
        if metrics_token.as_ref().is_some_and(|token| token.len() < 16) {
            reader.problem(
                "EVISTREAM_METRICS_TOKEN",
                "is too short; use at least 16 random characters (or leave it unset)",
            );
        }
        let header_read_timeout = reader.integer("EVISTREAM_HEADER_TIMEOUT_SECS", 15, 1, 600);
        let body_read_timeout = reader.integer("EVISTREAM_BODY_TIMEOUT_SECS", 30, 1, 3600);
        let max_uploads_per_user = reader.integer("EVISTREAM_MAX_UPLOADS_PER_USER", 4, 1, 1000);
        let job_retention_days = reader.integer("EVISTREAM_JOB_RETENTION_DAYS", 30, 1, 36_500);
        let registrations_per_hour =
            reader.integer("EVISTREAM_REGISTRATIONS_PER_HOUR", 20, 1, 1_000_000);
        let llm = read_llm(&mut reader);

        if !reader.problems.is_empty() {
            return Err(ConfigError {
                problems: reader.problems,
            });
        }
        Ok(Config {
            database_url: Secret::new(database_url.unwrap_or_default()),
            db_max_connections: db_max_connections as u32,
            db_connect_timeout: Duration::from_secs(db_connect_timeout),
            db_idle_transaction_timeout: Duration::from_secs(db_idle_transaction_timeout),
            log_format,
            log_filter,
            worker_concurrency: worker_concurrency as usize,
            shutdown_grace: Duration::from_secs(shutdown_grace),
            job_stale_after: Duration::from_secs(job_stale_after),
            diagnostic_jobs,
            public_url: public_url.map(|url| url.trim_end_matches('/').to_owned()),
            registration_open,
            session_idle: Duration::from_secs(session_idle * 60),
            session_max_age: Duration::from_secs(session_max_age * 3600),
            token_secret: token_secret.map(Secret::new),
            storage,
            max_upload_bytes: max_upload_mb * 1024 * 1024,
            max_pages: max_pages as u32,
            conversion_memory_mb,
            conversion_cpu_secs,
            conversion_timeout_secs,
            download_link_ttl: Duration::from_secs(download_link_secs),
            extraction_concurrency: extraction_concurrency as usize,
            trusted_proxies,
            metrics_token: metrics_token.map(Secret::new),
            header_read_timeout: Duration::from_secs(header_read_timeout),
            body_read_timeout: Duration::from_secs(body_read_timeout),
            max_uploads_per_user: max_uploads_per_user as usize,
            job_retention: Duration::from_secs(job_retention_days * 86_400),
            registrations_per_hour: registrations_per_hour as i64,
            llm,
        })
    }
}

fn read_llm(reader: &mut Reader<'_>) -> Option<LlmConfig> {
    let base_url = reader.get("EVISTREAM_LLM_BASE_URL")?;
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        reader.problem(
            "EVISTREAM_LLM_BASE_URL",
            "must start with https:// (or http:// for a local server)",
        );
    }
    let temperature = match reader.get("EVISTREAM_LLM_TEMPERATURE") {
        None => 0.0,
        Some(raw) => match raw.parse::<f32>() {
            Ok(t) if (0.0..=2.0).contains(&t) => t,
            _ => {
                reader.problem(
                    "EVISTREAM_LLM_TEMPERATURE",
                    format!("is {raw:?}; it must be a number from 0 to 2"),
                );
                0.0
            }
        },
    };
    let structured_output = reader
        .get("EVISTREAM_LLM_STRUCTURED_OUTPUT")
        .unwrap_or_else(|| "auto".to_owned());
    if !matches!(
        structured_output.as_str(),
        "auto" | "json_schema" | "json_mode"
    ) {
        reader.problem(
            "EVISTREAM_LLM_STRUCTURED_OUTPUT",
            format!("is {structured_output:?}; it must be auto, json_schema or json_mode"),
        );
    }
    let mut prices = Vec::new();
    if let Some(raw) = reader.get("EVISTREAM_LLM_PRICES") {
        for item in raw.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            let parsed = item.split_once('=').and_then(|(model, pair)| {
                let (input, output) = pair.split_once('/')?;
                Some((
                    model.trim().to_owned(),
                    input.trim().parse::<f64>().ok()?,
                    output.trim().parse::<f64>().ok()?,
                ))
            });
            match parsed {
                Some(price) if price.1 >= 0.0 && price.2 >= 0.0 => prices.push(price),
                _ => reader.problem(
                    "EVISTREAM_LLM_PRICES",
                    format!("has {item:?}; write model=input/output in USD per million tokens"),
                ),
            }
        }
    }
    Some(LlmConfig {
        base_url: base_url.trim_end_matches('/').to_owned(),
        api_key: reader.get("EVISTREAM_LLM_API_KEY").map(Secret::new),
        model: reader
            .get("EVISTREAM_LLM_MODEL")
            .unwrap_or_else(|| "gpt-4o-mini".to_owned()),
        temperature,
        max_tokens: reader.integer("EVISTREAM_LLM_MAX_TOKENS", 4096, 16, 1_000_000) as u32,
        timeout: Duration::from_secs(reader.integer("EVISTREAM_LLM_TIMEOUT_SECS", 120, 1, 3600)),
        max_attempts: reader.integer("EVISTREAM_LLM_MAX_ATTEMPTS", 4, 1, 20) as u32,
        concurrency: reader.integer("EVISTREAM_LLM_CONCURRENCY", 4, 1, 256) as usize,
        context_tokens: reader.integer("EVISTREAM_LLM_CONTEXT_TOKENS", 24_000, 500, 2_000_000)
            as usize,
        structured_output,
        prices,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(&move |key| map.get(key).cloned())
    }

    fn variables(err: &ConfigError) -> Vec<&str> {
        err.problems.iter().map(|p| p.variable).collect()
    }

    #[test]
    fn storage_is_local_unless_a_bucket_is_named() {
        let local = load(&[("DATABASE_URL", "postgres://localhost/evistream")]).unwrap();
        assert_eq!(
            local.storage,
            StorageConfig::Local {
                root: ".data/files".into()
            }
        );
        assert_eq!(local.max_upload_bytes, 100 * 1024 * 1024);
        assert_eq!(local.max_pages, 500);
        let s3 = load(&[
            ("DATABASE_URL", "postgres://localhost/evistream"),
            ("EVISTREAM_S3_BUCKET", "papers"),
            ("EVISTREAM_S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("EVISTREAM_S3_PATH_STYLE", "true"),
        ])
        .unwrap();
        assert_eq!(
            s3.storage,
            StorageConfig::S3 {
                bucket: "papers".into(),
                endpoint_url: Some("http://127.0.0.1:9000".into()),
                region: "us-east-1".into(),
                path_style: true,
            }
        );
        let err = load(&[
            ("DATABASE_URL", "postgres://localhost/evistream"),
            ("EVISTREAM_S3_BUCKET", "papers"),
            ("EVISTREAM_S3_ENDPOINT_URL", "localhost:9000"),
            ("EVISTREAM_MAX_UPLOAD_MB", "0"),
        ])
        .unwrap_err();
        assert_eq!(
            variables(&err),
            vec!["EVISTREAM_S3_ENDPOINT_URL", "EVISTREAM_MAX_UPLOAD_MB"]
        );
    }

    #[test]
    fn minimal_configuration_takes_defaults() {
        let config = load(&[("DATABASE_URL", "postgres://localhost/evistream")]).unwrap();
        assert_eq!(config.db_max_connections, 10);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.worker_concurrency, 4);
        assert_eq!(config.shutdown_grace, Duration::from_secs(30));
    }

    #[test]
    fn missing_database_url_is_named() {
        let err = load(&[]).unwrap_err();
        assert_eq!(variables(&err), ["DATABASE_URL"]);
        assert!(err.problems[0].message.contains("is not set"));
    }

    #[test]
    fn blank_values_count_as_missing() {
        let err = load(&[("DATABASE_URL", "   ")]).unwrap_err();
        assert_eq!(variables(&err), ["DATABASE_URL"]);
    }

    #[test]
    fn malformed_database_url_is_rejected() {
        let err = load(&[("DATABASE_URL", "mysql://localhost/x")]).unwrap_err();
        assert!(err.problems[0].message.contains("postgres://"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = load(&[
            ("EVISTREAM_DB_MAX_CONNECTIONS", "lots"),
            ("EVISTREAM_LOG_FORMAT", "xml"),
            ("EVISTREAM_WORKER_CONCURRENCY", "100000"),
            ("RUST_LOG", "info,[[["),
            ("EVISTREAM_DIAGNOSTIC_JOBS", "maybe"),
        ])
        .unwrap_err();
        assert_eq!(
            variables(&err),
            [
                "DATABASE_URL",
                "EVISTREAM_DB_MAX_CONNECTIONS",
                "EVISTREAM_LOG_FORMAT",
                "RUST_LOG",
                "EVISTREAM_WORKER_CONCURRENCY",
                "EVISTREAM_DIAGNOSTIC_JOBS",
            ]
        );
        let text = err.to_string();
        assert!(text.contains("6 problem(s)"), "{text}");
        assert!(text.contains("\"lots\""), "{text}");
        assert!(text.contains("between 0 and 256"), "{text}");
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = load(&[("DATABASE_URL", "postgres://u:hunter2@db/evistream")]).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("redacted"));
        assert_eq!(
            config.database_url.expose(),
            "postgres://u:hunter2@db/evistream"
        );
    }
}
