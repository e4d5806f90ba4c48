//! A real S3-compatible server for the tests of the S3 storage path: s3s-fs
//! (installed by scripts/test) on a loopback port, storing into a temporary
//! folder, stopped on drop.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use evistream::platform::storage::Storage;

const ACCESS_KEY: &str = "evistream-test";
const SECRET_KEY: &str = "evistream-test-secret";

pub struct S3Server {
    _child: tokio::process::Child,
    pub endpoint: String,
    pub client: aws_sdk_s3::Client,
    _dir: tempfile::TempDir,
}

fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

pub async fn start_s3_server() -> S3Server {
    let program = find_program("s3s-fs").expect(
        "s3s-fs is not installed: ./scripts/test installs it \
         (cargo install s3s-fs --version 0.14.1 --features binary --locked)",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let child = tokio::process::Command::new(program)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
        .arg(dir.path())
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starting s3s-fs");
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "s3s-fs did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let credentials =
        aws_sdk_s3::config::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test");
    let config = aws_sdk_s3::config::Builder::new()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(&endpoint)
        .force_path_style(true)
        .credentials_provider(credentials)
        .build();
    S3Server {
        _child: child,
        endpoint,
        client: aws_sdk_s3::Client::from_conf(config),
        _dir: dir,
    }
}

impl S3Server {
    /// A new, empty bucket and the app's storage over it.
    pub async fn bucket(&self, name: &str) -> Storage {
        self.client
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .expect("create the bucket");
        Storage::s3(self.client.clone(), name)
    }

    /// Every object of `bucket` by key, with its bytes.
    pub async fn objects(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        let listed = self
            .client
            .list_objects_v2()
            .bucket(bucket)
            .send()
            .await
            .expect("list the bucket");
        let mut found = BTreeMap::new();
        for key in listed.contents().iter().filter_map(|object| object.key()) {
            let object = self
                .client
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .expect("get an object");
            let bytes = object.body.collect().await.expect("object body");
            found.insert(key.to_owned(), bytes.into_bytes().to_vec());
        }
        found
    }
}
