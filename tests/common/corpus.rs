//! Where the shared corpus of real papers is, for the tests and the
//! conversion benchmark alike: `EVISTREAM_CORPUS_DIR`, else `../shared/corpus`
//! beside the repository, else `/work/shared/corpus`.

use std::path::{Path, PathBuf};

pub fn corpus_dir() -> PathBuf {
    let candidates: Vec<PathBuf> = std::env::var_os("EVISTREAM_CORPUS_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            PathBuf::from("/work/shared/corpus"),
        ])
        .collect();
    candidates
        .iter()
        .find(|dir| dir.join("papers/MANIFEST.tsv").is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "the corpus is missing: looked for papers/MANIFEST.tsv in {candidates:?} (set EVISTREAM_CORPUS_DIR)"
            )
        })
}
