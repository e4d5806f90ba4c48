//! Static assets on the wire: the build's files are compressed once, at build
//! time (`evistream precompress SITE`), at the highest brotli and gzip
//! levels, and `/pkg/` is served from those files by content negotiation.
//! Compressing a 4 MB wasm at brotli 11 takes seconds: far too slow per
//! request, and the on-the-fly layer uses a fast level that compresses less.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tower_http::services::ServeDir;

/// Files worth compressing (text and wasm); images and fonts are compressed
/// already.
const COMPRESSIBLE: [&str; 8] = ["wasm", "js", "mjs", "css", "svg", "json", "html", "txt"];
/// Below this, compression saves less than its headers cost.
const MIN_BYTES: u64 = 1024;

/// What [`precompress`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Precompressed {
    pub files: usize,
    pub skipped_fresh: usize,
    pub bytes: u64,
    pub brotli_bytes: u64,
    pub gzip_bytes: u64,
}

impl std::fmt::Display for Precompressed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} files compressed ({} already up to date): {} bytes → {} brotli, {} gzip",
            self.files, self.skipped_fresh, self.bytes, self.brotli_bytes, self.gzip_bytes
        )
    }
}

fn compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// True when `derived` exists and is not older than `source`.
fn fresh(source: &Path, derived: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(source), modified(derived)), (Some(s), Some(d)) if d >= s)
}

/// Writes `file.br` and `file.gz` beside every compressible file under
/// `root` (recursively) that lacks fresh ones.
pub fn precompress(root: &Path) -> io::Result<Precompressed> {
    let mut done = Precompressed::default();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let size = fs::metadata(&path)?.len();
            if !compressible(&path) || size < MIN_BYTES {
                continue;
            }
            let (br, gz) = (with_suffix(&path, ".br"), with_suffix(&path, ".gz"));
            if fresh(&path, &br) && fresh(&path, &gz) {
                done.skipped_fresh += 1;
                continue;
            }
            let bytes = fs::read(&path)?;
            let brotli = compress_brotli(&bytes)?;
            let gzip = compress_gzip(&bytes)?;
            // Written under a temporary name first: a server reading the
            // folder meanwhile never sees half a file.
            for (target, data) in [(&br, &brotli), (&gz, &gzip)] {
                let partial = with_suffix(target, ".partial");
                fs::write(&partial, data)?;
                fs::rename(&partial, target)?;
            }
            done.files += 1;
            done.bytes += size;
            done.brotli_bytes += brotli.len() as u64;
            done.gzip_bytes += gzip.len() as u64;
        }
    }
    Ok(done)
}

fn compress_brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    {
        // Quality 11, a 4 MB window: the smallest brotli makes.
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
        writer.flush()?;
    }
    Ok(out)
}

fn compress_gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// `/pkg/`: the build's hashed files, served as their precompressed `.br`
/// or `.gz` when the browser accepts it (uncompressed otherwise).
pub fn pkg_service(options: &leptos::config::LeptosOptions) -> ServeDir {
    let folder = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    ServeDir::new(folder)
        .precompressed_br()
        .precompressed_gzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressible_files_get_brotli_and_gzip_beside_them_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let wasm = dir.path().join("pkg").join("app.abc123.wasm");
        fs::create_dir_all(wasm.parent().expect("parent")).expect("folder");
        let content = "fn main() { println!(\"hello\"); }\n".repeat(200);
        fs::write(&wasm, &content).expect("write");
        fs::write(dir.path().join("small.js"), "x").expect("write");
        fs::write(dir.path().join("logo.png"), vec![7u8; 4096]).expect("write");
        let first = precompress(dir.path()).expect("precompress");
        assert_eq!(first.files, 1);
        assert!(first.brotli_bytes < first.bytes / 10, "{first}");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(
            &mut fs::read(with_suffix(&wasm, ".br")).expect("br").as_slice(),
            &mut decoded,
        )
        .expect("valid brotli");
        assert_eq!(decoded, content.as_bytes());
        let mut gunzip =
            flate2::read::GzDecoder::new(fs::File::open(with_suffix(&wasm, ".gz")).expect("gz"));
        let mut text = String::new();
        io::Read::read_to_string(&mut gunzip, &mut text).expect("valid gzip");
        assert_eq!(text, content);
        assert!(!dir.path().join("small.js.br").exists());
        assert!(!dir.path().join("logo.png.br").exists());
        let again = precompress(dir.path()).expect("precompress");
        assert_eq!((again.files, again.skipped_fresh), (0, 1));
    }
}
