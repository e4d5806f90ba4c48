//! C-ABI Foreign Function Interface for unpdf.
//!
//! This module provides C-compatible bindings for using unpdf from other languages
//! such as C, C++, C#, Python, and any language with C FFI support.
//!
//! # Memory Management
//!
//! All strings returned by this library must be freed using `unpdf_free_string`.
//! All document handles must be freed using `unpdf_free_document`.
//!
//! # Error Handling
//!
//! Functions that can fail return a null pointer on error. Use `unpdf_last_error`
//! to retrieve the error message and `unpdf_last_error_kind` to classify it without
//! parsing that message.

use std::ffi::{c_char, c_int, CString};
use std::ptr;

use unparser_shared::ffi::{self, invalid_argument, FfiError, LastErrorSlot};

use crate::error::ErrorKind;
use crate::model::Document;
use crate::parser::{ErrorMode, ParseOptions};
use crate::render::{JsonFormat, PageMarkerStyle, PageSelection, RenderOptions};

// Thread-local storage for the last error message and its classification. Declared
// here rather than in `unparser-shared` — see that crate's `ffi` module docs for why the slot
// must live in the consuming crate.
thread_local! {
    static LAST_ERROR: LastErrorSlot = const { LastErrorSlot::new() };
}

unparser_shared::export_last_error_abi!(LAST_ERROR, unpdf_last_error, unpdf_last_error_kind);

/// `unpdf_last_error_kind` value when no error is recorded on this thread.
pub const UNPDF_ERROR_NONE: c_int = unparser_shared::kind::NONE;

// Values 1..=18 are [`ErrorKind`] discriminants — core failure reasons.
// Values 100+ are FFI-boundary reasons with no core `Error` counterpart.

/// An argument was null or not valid UTF-8.
pub const UNPDF_ERROR_INVALID_ARGUMENT: c_int = unparser_shared::kind::INVALID_ARGUMENT;
/// A panic was caught at the FFI boundary.
pub const UNPDF_ERROR_PANIC: c_int = unparser_shared::kind::PANIC;
/// The produced output contains an interior NUL byte and cannot cross the C ABI.
pub const UNPDF_ERROR_INVALID_OUTPUT: c_int = unparser_shared::kind::INVALID_OUTPUT;

/// Classify a core error and render its message, for return from a closure.
fn ffi_err(e: crate::Error) -> FfiError {
    (e.kind() as c_int, e.to_string())
}

/// Classify a JSON serialization failure — producing output is rendering.
fn json_err(e: serde_json::Error) -> FfiError {
    (ErrorKind::Render as c_int, e.to_string())
}

/// A document, and the parser that read it — kept so a page can be painted
/// ([`unpdf_render_page`]) or the pages counted ([`unpdf_page_count`]) without reading the
/// file again.
///
/// The parse entry points extract the document when they open it. The open entry points
/// (`unpdf_open_*`) only open it: the document is extracted the first time something asks for
/// its content, so a caller that only counts or paints pages never pays for extraction.
pub struct HeldDocument {
    document: std::sync::OnceLock<Document>,
    parser: Option<crate::PdfParser>,
}

impl HeldDocument {
    fn parsed(parser: crate::PdfParser) -> crate::Result<Self> {
        let document = parser.parse()?;
        Ok(Self {
            document: std::sync::OnceLock::from(document),
            parser: Some(parser),
        })
    }

    fn opened(parser: crate::PdfParser) -> Self {
        Self {
            document: std::sync::OnceLock::new(),
            parser: Some(parser),
        }
    }

    /// The extracted document, extracting it now if it has not been. A failed extraction is
    /// reported, and tried again by the next call.
    fn document(&self) -> Result<&Document, FfiError> {
        if let Some(document) = self.document.get() {
            return Ok(document);
        }
        let parser = self.parser.as_ref().ok_or_else(|| {
            (
                ErrorKind::Other as c_int,
                "this document handle holds neither a document nor a parser".to_string(),
            )
        })?;
        let document = parser.parse().map_err(ffi_err)?;
        Ok(self.document.get_or_init(|| document))
    }

    /// The document's pages, counted in its page tree — every page, whatever the options
    /// select for extraction.
    fn page_count(&self) -> u32 {
        match (&self.parser, self.document.get()) {
            (Some(parser), _) => parser.page_count(),
            (None, Some(document)) => document.page_count(),
            (None, None) => 0,
        }
    }
}

// Every entry point runs inside `catch_unwind`, which asks whether a handle observed after
// a caught panic could be in a broken state. The document is read-only. The parser's caches
// sit behind `RwLock`s: a panic while one is held poisons it, and every later use of that
// cache then fails — through the same `catch_unwind` — instead of reading a half-written
// entry. A caller sees errors, never wrong output.
impl std::panic::RefUnwindSafe for HeldDocument {}
impl std::panic::UnwindSafe for HeldDocument {}

impl From<Document> for HeldDocument {
    fn from(document: Document) -> Self {
        Self {
            document: std::sync::OnceLock::from(document),
            parser: None,
        }
    }
}

unparser_shared::export_handle! {
    /// Opaque handle to a parsed document.
    handle UnpdfDocument { inner: HeldDocument },

    /// Free a document handle.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid pointer returned by `unpdf_parse_file`, `unpdf_parse_bytes`,
    ///   `unpdf_parse_file_with_options`, or `unpdf_parse_bytes_with_options`.
    /// - After calling this function, the handle is invalid and must not be used.
    free unpdf_free_document,
}

/// Flags for markdown rendering.
pub const UNPDF_FLAG_FRONTMATTER: u32 = 1;
/// Accepted and without effect: escaping special Markdown characters is the default, as it
/// is for the Rust API. Turn it off with `UNPDF_FLAG_NO_ESCAPE`. The bit is not reused.
pub const UNPDF_FLAG_ESCAPE_SPECIAL: u32 = 2;
/// Bit `4` is retired. It named a paragraph-spacing option that never reached the
/// renderer, so setting it did nothing. Retired bits are not reused: a caller still
/// passing it gets the default rendering, which is what it always produced.
pub const UNPDF_FLAG_PAGE_MARKERS: u32 = 8;
pub const UNPDF_FLAG_REFINE: u32 = 16;
/// Write text without escaping special Markdown characters. No flags means the library's
/// defaults, and escaping is one of them.
pub const UNPDF_FLAG_NO_ESCAPE: u32 = 32;

/// Build render options from the flag bitmask.
///
/// Both markdown entry points take the same bitmask, and reading it in two places is how
/// a flag comes to be honoured by one of them and ignored by the other.
///
/// A bit this library does not define, and `UNPDF_FLAG_REFINE` in a build without the
/// `refine` feature, are rejected rather than ignored: the caller asked for something this
/// library cannot do. The retired bit 4 is defined — as doing nothing.
fn render_options_from_flags(flags: u32) -> Result<RenderOptions, FfiError> {
    const RETIRED: u32 = 4;
    const DEFINED: u32 = UNPDF_FLAG_FRONTMATTER
        | UNPDF_FLAG_ESCAPE_SPECIAL
        | RETIRED
        | UNPDF_FLAG_PAGE_MARKERS
        | UNPDF_FLAG_REFINE
        | UNPDF_FLAG_NO_ESCAPE;
    if flags & !DEFINED != 0 {
        return Err(invalid_argument(format!(
            "unknown flag bits {:#x} (this library defines {DEFINED:#x})",
            flags & !DEFINED
        )));
    }
    let mut options = RenderOptions::new();
    if flags & UNPDF_FLAG_FRONTMATTER != 0 {
        options.include_frontmatter = true;
    }
    if flags & UNPDF_FLAG_NO_ESCAPE != 0 {
        options.escape_special_chars = false;
    }
    if flags & UNPDF_FLAG_PAGE_MARKERS != 0 {
        options.page_markers = PageMarkerStyle::Comment;
    }
    if flags & UNPDF_FLAG_REFINE != 0 {
        options = with_refine(options).map_err(invalid_argument)?;
    }
    Ok(options)
}

/// Request the shape-refinement pass, or say why this build cannot run it.
fn with_refine(options: RenderOptions) -> Result<RenderOptions, String> {
    #[cfg(feature = "refine")]
    {
        Ok(options.with_refine())
    }
    #[cfg(not(feature = "refine"))]
    {
        let _ = options;
        Err(missing_feature("refine", "refine"))
    }
}

/// The message for a setting whose feature was compiled out. The schema of the options
/// JSON does not change with the build: a field this build cannot honour is named as such,
/// not reported as an unknown key — a misspelling and a missing capability are different
/// mistakes.
#[cfg(not(all(feature = "refine", feature = "ai")))]
fn missing_feature(field: &str, feature: &str) -> String {
    format!("{field} requires the `{feature}` feature, which this build of unpdf does not include")
}

/// Deserializable mirror of [`RenderOptions`] for `unpdf_to_markdown_with_options`.
///
/// The flag bitmask above reaches four of `RenderOptions`' settings; this reaches all of
/// the ones a C-ABI caller can meaningfully set, and is the only way to pass the AI refine
/// pass its credentials. Same contract as [`FfiParseOptions`]: every field is optional and
/// an absent one keeps `RenderOptions::default()`'s value.
///
/// # Schema
///
/// ```json
/// {
///   "image_path_prefix": string,
///   "table_fallback": "markdown" | "html",
///   "max_heading_level": number,
///   "include_frontmatter": bool,
///   "preserve_line_breaks": bool,
///   "list_marker": string,
///   "escape_special_chars": bool,
///   "cleanup_preset": "none" | "minimal" | "standard" | "aggressive",
///   "refine": bool,
///   "line_width": number,
///   "page_markers": "none" | "comment",
///   "pages": "all" | { "range": { "from": number, "to": number } } | { "pages": [number, ...] },
///   "ai_refine": {
///     "base_url": string,
///     "api_key": string,
///     "model": string,
///     "instructions": string
///   }
/// }
/// ```
///
/// `ai_refine`'s three credential fields are all required when the object is present —
/// the same rule [`FfiParseOptions`] applies to its own `ai_*` fields.
///
/// `cleanup_preset` defaults to `"standard"`; `"none"` turns the cleanup pipeline off.
/// `pages` must name pages of the document: a listed page it does not have, or a range
/// none of its pages fall in, fails with `PageOutOfRange` rather than rendering nothing;
/// a range that ends before it starts fails with `InvalidPageRange`.
///
/// A key outside this schema is rejected, so a misspelled option fails instead of
/// quietly rendering with the default. The schema is the same in every build: `refine`
/// and `ai_refine` are always known keys, and asking for one in a build without its
/// feature fails with a message naming the feature (`"refine": false` and an absent
/// `ai_refine` ask for nothing and are accepted everywhere).
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
struct FfiRenderOptions {
    image_path_prefix: Option<String>,
    table_fallback: Option<FfiTableFallback>,
    max_heading_level: Option<u8>,
    include_frontmatter: Option<bool>,
    preserve_line_breaks: Option<bool>,
    list_marker: Option<String>,
    escape_special_chars: Option<bool>,
    cleanup_preset: Option<FfiCleanupPreset>,
    refine: Option<bool>,
    line_width: Option<u32>,
    page_markers: Option<FfiPageMarkerStyle>,
    pages: Option<FfiPageSelection>,
    ai_refine: Option<FfiAiRefine>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FfiTableFallback {
    Markdown,
    Html,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FfiCleanupPreset {
    None,
    Minimal,
    Standard,
    Aggressive,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FfiPageMarkerStyle {
    None,
    Comment,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(not(feature = "ai"), allow(dead_code))]
struct FfiAiRefine {
    base_url: String,
    api_key: String,
    model: String,
    instructions: Option<String>,
}

impl TryFrom<FfiRenderOptions> for RenderOptions {
    type Error = String;

    fn try_from(ffi: FfiRenderOptions) -> Result<Self, Self::Error> {
        let mut options = RenderOptions::default();
        if let Some(prefix) = ffi.image_path_prefix {
            options.image_path_prefix = prefix;
        }
        if let Some(fallback) = ffi.table_fallback {
            options.table_fallback = match fallback {
                FfiTableFallback::Markdown => crate::TableFallback::Markdown,
                FfiTableFallback::Html => crate::TableFallback::Html,
            };
        }
        if let Some(level) = ffi.max_heading_level {
            if !(1..=6).contains(&level) {
                return Err(format!("max_heading_level must be 1-6, got {level}"));
            }
            options.max_heading_level = level;
        }
        if let Some(v) = ffi.include_frontmatter {
            options.include_frontmatter = v;
        }
        if let Some(v) = ffi.preserve_line_breaks {
            options.preserve_line_breaks = v;
        }
        if let Some(marker) = ffi.list_marker {
            let mut chars = marker.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => options.list_marker = c,
                _ => return Err(format!("list_marker must be one character, got {marker:?}")),
            }
        }
        if let Some(v) = ffi.escape_special_chars {
            options.escape_special_chars = v;
        }
        if let Some(preset) = ffi.cleanup_preset {
            options = match preset {
                FfiCleanupPreset::None => options.without_cleanup(),
                FfiCleanupPreset::Minimal => {
                    options.with_cleanup_preset(crate::CleanupPreset::Minimal)
                }
                FfiCleanupPreset::Standard => {
                    options.with_cleanup_preset(crate::CleanupPreset::Standard)
                }
                FfiCleanupPreset::Aggressive => {
                    options.with_cleanup_preset(crate::CleanupPreset::Aggressive)
                }
            };
        }
        if ffi.refine == Some(true) {
            options = with_refine(options)?;
        }
        if let Some(v) = ffi.line_width {
            options.line_width = v;
        }
        if let Some(style) = ffi.page_markers {
            options.page_markers = match style {
                FfiPageMarkerStyle::None => PageMarkerStyle::None,
                FfiPageMarkerStyle::Comment => PageMarkerStyle::Comment,
            };
        }
        if let Some(pages) = ffi.pages {
            options.page_selection = match pages {
                FfiPageSelection::All => PageSelection::All,
                FfiPageSelection::Range { from, to } => PageSelection::Range(from..=to),
                FfiPageSelection::Pages(list) => PageSelection::Pages(list),
            };
        }
        if let Some(ai) = ffi.ai_refine {
            #[cfg(feature = "ai")]
            {
                options =
                    options.with_ai_refine(crate::AiConfig::new(ai.base_url, ai.api_key, ai.model));
                if let Some(instructions) = ai.instructions {
                    if let Some(opts) = options.ai_refine.as_mut() {
                        opts.instructions = Some(instructions);
                    }
                }
            }
            #[cfg(not(feature = "ai"))]
            {
                let _ = ai;
                return Err(missing_feature("ai_refine", "ai"));
            }
        }
        Ok(options)
    }
}

/// Resolve the `options_json` argument for the markdown entry points.
/// A null pointer means "use defaults" — it is not an error.
///
/// # Safety
/// `ptr` must be null or a valid null-terminated UTF-8 string.
unsafe fn render_options_from_json(ptr: *const c_char) -> Result<RenderOptions, FfiError> {
    if ptr.is_null() {
        return Ok(RenderOptions::default());
    }
    let json = unparser_shared::with_c_str!(ptr)?;
    let ffi = serde_json::from_str::<FfiRenderOptions>(json)
        .map_err(|e| invalid_argument(format!("invalid options_json: {e}")))?;
    RenderOptions::try_from(ffi).map_err(|e| invalid_argument(format!("invalid options_json: {e}")))
}

/// JSON format options.
pub const UNPDF_JSON_PRETTY: c_int = 0;
pub const UNPDF_JSON_COMPACT: c_int = 1;

/// Get the version of the library.
///
/// # Safety
///
/// Returns a static string that must not be freed.
#[no_mangle]
pub extern "C" fn unpdf_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// Parse a document from a file path.
///
/// # Safety
///
/// - `path` must be a valid null-terminated UTF-8 string.
/// - Returns null on error. Use `unpdf_last_error` to get the error message.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_parse_file(path: *const c_char) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let path_str = unparser_shared::with_c_str!(path)?;

        crate::PdfParser::open(path_str)
            .and_then(HeldDocument::parsed)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

/// Parse a document from a byte buffer.
///
/// # Safety
///
/// - `data` must be a valid pointer to a byte buffer of at least `len` bytes.
/// - Returns null on error. Use `unpdf_last_error` to get the error message.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_parse_bytes(data: *const u8, len: usize) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    if data.is_null() {
        LAST_ERROR.with(|slot| slot.set_error(&invalid_argument("data is null")));
        return ptr::null_mut();
    }

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let bytes = std::slice::from_raw_parts(data, len);

        crate::PdfParser::from_bytes(bytes)
            .and_then(HeldDocument::parsed)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

/// Deserializable mirror of [`ParseOptions`] for the `_with_options` C ABI entry points.
///
/// Every field is optional; an absent field keeps `ParseOptions::default()`'s value. Kept
/// separate from `ParseOptions` itself so the core Rust API's shape is not dictated by the
/// FFI JSON wire format — the same separation `unpdf-wasm`'s own `ParseOptions` wrapper
/// already keeps from the core type.
///
/// # Schema
///
/// ```json
/// {
///   "error_mode": "strict" | "lenient",
///   "extract_text": bool,
///   "extract_resources": bool,
///   "min_image_dimension": number,
///   "parallel": bool,
///   "pages": "all" | { "range": { "from": number, "to": number } } | { "pages": [number, ...] },
///   "password": string,
///   "suppress_low_confidence_ocr": bool,
///   "ai_base_url": string,
///   "ai_api_key": string,
///   "ai_model": string,
///   "ai_image_scope": "all" | "low_confidence_pages_only"
/// }
/// ```
///
/// The three `ai_*` credential fields go together: supplying only some of them is
/// rejected rather than silently ignored, so a typo cannot look like a model that
/// found nothing to say. Supplying none of them leaves AI disabled, which is the
/// default. `ai_image_scope` without them is likewise rejected.
///
/// A key outside this schema is rejected, so a misspelled option fails instead of
/// quietly parsing with the default. The `ai_*` keys are known in every build; in a build
/// without the `ai` feature, supplying any of them fails with a message naming the feature.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
struct FfiParseOptions {
    error_mode: Option<FfiErrorMode>,
    extract_text: Option<bool>,
    extract_resources: Option<bool>,
    min_image_dimension: Option<u32>,
    parallel: Option<bool>,
    pages: Option<FfiPageSelection>,
    password: Option<String>,
    suppress_low_confidence_ocr: Option<bool>,
    ai_base_url: Option<String>,
    ai_api_key: Option<String>,
    ai_model: Option<String>,
    ai_image_scope: Option<FfiImageScope>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(not(feature = "ai"), allow(dead_code))]
enum FfiImageScope {
    All,
    LowConfidencePagesOnly,
}

#[cfg(feature = "ai")]
impl From<FfiImageScope> for crate::ImageScope {
    fn from(scope: FfiImageScope) -> Self {
        match scope {
            FfiImageScope::All => crate::ImageScope::All,
            FfiImageScope::LowConfidencePagesOnly => crate::ImageScope::LowConfidencePagesOnly,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FfiErrorMode {
    Strict,
    Lenient,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum FfiPageSelection {
    All,
    Range { from: u32, to: u32 },
    Pages(Vec<u32>),
}

impl TryFrom<FfiParseOptions> for ParseOptions {
    type Error = String;

    fn try_from(ffi: FfiParseOptions) -> Result<Self, Self::Error> {
        let mut options = ParseOptions::default();
        if let Some(mode) = ffi.error_mode {
            options.error_mode = match mode {
                FfiErrorMode::Strict => ErrorMode::Strict,
                FfiErrorMode::Lenient => ErrorMode::Lenient,
            };
        }
        if let Some(v) = ffi.extract_text {
            options.extract_text = v;
        }
        if let Some(v) = ffi.extract_resources {
            options.extract_resources = v;
        }
        if let Some(v) = ffi.min_image_dimension {
            options.min_image_dimension = v;
        }
        if let Some(v) = ffi.parallel {
            options.parallel = v;
        }
        if let Some(pages) = ffi.pages {
            options.pages = match pages {
                FfiPageSelection::All => PageSelection::All,
                FfiPageSelection::Range { from, to } => PageSelection::Range(from..=to),
                FfiPageSelection::Pages(list) => PageSelection::Pages(list),
            };
        }
        if ffi.password.is_some() {
            options.password = ffi.password;
        }
        if let Some(v) = ffi.suppress_low_confidence_ocr {
            options.suppress_low_confidence_ocr = v;
        }

        #[cfg(feature = "ai")]
        {
            match (ffi.ai_base_url, ffi.ai_api_key, ffi.ai_model) {
                (None, None, None) => {
                    if ffi.ai_image_scope.is_some() {
                        return Err(
                            "ai_image_scope requires ai_base_url, ai_api_key and ai_model".into(),
                        );
                    }
                }
                (Some(base_url), Some(api_key), Some(model)) => {
                    let mut config = crate::AiConfig::new(base_url, api_key, model);
                    if let Some(scope) = ffi.ai_image_scope {
                        config.image_scope = scope.into();
                    }
                    options.ai = Some(config);
                }
                (base_url, api_key, model) => {
                    let missing: Vec<&str> = [
                        ("ai_base_url", base_url.is_none()),
                        ("ai_api_key", api_key.is_none()),
                        ("ai_model", model.is_none()),
                    ]
                    .into_iter()
                    .filter_map(|(field, absent)| absent.then_some(field))
                    .collect();
                    return Err(format!(
                        "incomplete AI configuration — also required: {}",
                        missing.join(", ")
                    ));
                }
            }
        }
        #[cfg(not(feature = "ai"))]
        {
            let supplied = [
                ("ai_base_url", ffi.ai_base_url.is_some()),
                ("ai_api_key", ffi.ai_api_key.is_some()),
                ("ai_model", ffi.ai_model.is_some()),
                ("ai_image_scope", ffi.ai_image_scope.is_some()),
            ]
            .into_iter()
            .find_map(|(field, present)| present.then_some(field));
            if let Some(field) = supplied {
                return Err(missing_feature(field, "ai"));
            }
        }

        Ok(options)
    }
}

/// Resolve the `options_json` argument shared by the `_with_options` entry points below.
/// A null pointer means "use defaults" — it is not an error.
///
/// # Safety
/// `ptr` must be null or a valid null-terminated UTF-8 string.
unsafe fn parse_options_from_json(ptr: *const c_char) -> Result<ParseOptions, FfiError> {
    if ptr.is_null() {
        return Ok(ParseOptions::default());
    }
    let json = unparser_shared::with_c_str!(ptr)?;
    let ffi = serde_json::from_str::<FfiParseOptions>(json)
        .map_err(|e| invalid_argument(format!("invalid options_json: {e}")))?;
    ParseOptions::try_from(ffi).map_err(|e| invalid_argument(format!("invalid options_json: {e}")))
}

/// Parse a document from a file path, with options.
///
/// # Safety
///
/// - `path` must be a valid null-terminated UTF-8 string.
/// - `options_json` may be null (equivalent to default options) or a valid null-terminated
///   UTF-8 JSON string matching [`FfiParseOptions`]'s schema (see that type's docs).
/// - Returns null on error, including malformed `options_json`. Use `unpdf_last_error`.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_parse_file_with_options(
    path: *const c_char,
    options_json: *const c_char,
) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let path_str = unparser_shared::with_c_str!(path)?;
        let options = parse_options_from_json(options_json)?;

        crate::PdfParser::open_with_options(path_str, options)
            .and_then(HeldDocument::parsed)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

/// Parse a document from a byte buffer, with options.
///
/// # Safety
///
/// - `data` must be a valid pointer to a byte buffer of at least `len` bytes.
/// - `options_json` may be null (equivalent to default options) or a valid null-terminated
///   UTF-8 JSON string matching [`FfiParseOptions`]'s schema (see that type's docs).
/// - Returns null on error, including malformed `options_json`. Use `unpdf_last_error`.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_parse_bytes_with_options(
    data: *const u8,
    len: usize,
    options_json: *const c_char,
) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    if data.is_null() {
        LAST_ERROR.with(|slot| slot.set_error(&invalid_argument("data is null")));
        return ptr::null_mut();
    }

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let bytes = std::slice::from_raw_parts(data, len);
        let options = parse_options_from_json(options_json)?;

        crate::PdfParser::from_bytes_with_options(bytes, options)
            .and_then(HeldDocument::parsed)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

/// Open a document from a file path, with options, without extracting it.
///
/// Opening reads the file's structure — its cross-reference table, its page tree, and with
/// a `password` its encryption — and is what fails for a file that is not a PDF. The content
/// is extracted the first time something asks for it (`unpdf_to_markdown`, `unpdf_get_title`,
/// ...), with the options given here; `unpdf_page_count` and `unpdf_render_page` never need
/// it. A caller that only counts or paints pages pays for neither.
///
/// # Safety
///
/// - `path` must be a valid null-terminated UTF-8 string.
/// - `options_json` may be null (equivalent to default options) or a valid null-terminated
///   UTF-8 JSON string matching [`FfiParseOptions`]'s schema (see that type's docs).
/// - Returns null on error, including malformed `options_json`. Use `unpdf_last_error`.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_open_file_with_options(
    path: *const c_char,
    options_json: *const c_char,
) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let path_str = unparser_shared::with_c_str!(path)?;
        let options = parse_options_from_json(options_json)?;

        crate::PdfParser::open_with_options(path_str, options)
            .map(HeldDocument::opened)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

/// Open a document from a byte buffer, with options, without extracting it — see
/// `unpdf_open_file_with_options`.
///
/// # Safety
///
/// - `data` must be a valid pointer to a byte buffer of at least `len` bytes.
/// - `options_json` may be null (equivalent to default options) or a valid null-terminated
///   UTF-8 JSON string matching [`FfiParseOptions`]'s schema (see that type's docs).
/// - Returns null on error, including malformed `options_json`. Use `unpdf_last_error`.
/// - The returned handle must be freed with `unpdf_free_document`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_open_bytes_with_options(
    data: *const u8,
    len: usize,
    options_json: *const c_char,
) -> *mut UnpdfDocument {
    LAST_ERROR.with(|slot| slot.clear());

    if data.is_null() {
        LAST_ERROR.with(|slot| slot.set_error(&invalid_argument("data is null")));
        return ptr::null_mut();
    }

    let result: Result<*mut UnpdfDocument, FfiError> = ffi::catch(|| {
        let bytes = std::slice::from_raw_parts(data, len);
        let options = parse_options_from_json(options_json)?;

        crate::PdfParser::from_bytes_with_options(bytes, options)
            .map(HeldDocument::opened)
            .map(|doc| Box::into_raw(Box::new(UnpdfDocument { inner: doc })))
            .map_err(ffi_err)
    });

    match result {
        Ok(doc) => doc,
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            ptr::null_mut()
        }
    }
}

unparser_shared::export_count_getter!(
    /// Get the number of pages in the document's page tree.
    ///
    /// Every page the document has, whatever `pages` selects for extraction — unlike
    /// `unpdf_section_count`, which counts the pages extracted. Needs no extraction: on a
    /// handle from `unpdf_open_*` it reads only what opening read.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns -1 on error.
    LAST_ERROR,
    unpdf_page_count(doc: UnpdfDocument),
    {
        Ok((*doc).inner.page_count() as c_int)
    }
);

unparser_shared::export_string_getter!(
    /// Convert a document to Markdown.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `flags` is a bitwise OR of `UNPDF_FLAG_*` constants.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_to_markdown(doc: UnpdfDocument, flags: u32),
    {
        let document = (*doc).inner.document()?;
        let options = render_options_from_flags(flags)?;
        crate::render::to_markdown(document, &options).map_err(ffi_err)
    }
);

unparser_shared::export_string_getter!(
    /// Convert a document to Markdown, with options.
    ///
    /// The counterpart to `unpdf_to_markdown`'s flag bitmask, which reaches only four
    /// settings and cannot carry the AI refine pass's credentials. `unpdf_to_markdown`
    /// keeps working unchanged; this is the surface for everything the bitmask cannot
    /// express.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `options_json` may be null (equivalent to default options) or a valid
    ///   null-terminated UTF-8 JSON string matching [`FfiRenderOptions`]'s schema
    ///   (see that type's docs).
    /// - Returns null on error, including malformed `options_json`. Use `unpdf_last_error`.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_to_markdown_with_options(doc: UnpdfDocument, options_json: *const c_char),
    {
        let document = (*doc).inner.document()?;
        let options = render_options_from_json(options_json)?;
        crate::render::to_markdown(document, &options).map_err(ffi_err)
    }
);

unparser_shared::export_string_getter!(
    /// Convert a document to plain text.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_to_text(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        let options = RenderOptions::default();
        crate::render::to_text(document, &options).map_err(ffi_err)
    }
);

unparser_shared::export_string_getter!(
    /// Convert a document to JSON.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `format` is one of `UNPDF_JSON_PRETTY` or `UNPDF_JSON_COMPACT`.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_to_json(doc: UnpdfDocument, format: c_int),
    {
        let document = (*doc).inner.document()?;
        let json_format = if format == UNPDF_JSON_COMPACT {
            JsonFormat::Compact
        } else {
            JsonFormat::Pretty
        };
        crate::render::to_json(document, json_format).map_err(ffi_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get the plain text content of a document.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null on error.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_plain_text(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        Ok(document.plain_text())
    }
);

unparser_shared::export_count_getter!(
    /// Get the number of sections (pages) in a document.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns -1 on error.
    LAST_ERROR,
    unpdf_section_count(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        Ok(document.pages.len() as c_int)
    }
);

unparser_shared::export_count_getter!(
    /// Get the number of extracted resources (images) in a document.
    ///
    /// Semantics: counts entries in the document's resource inventory, which is
    /// populated only when parsing runs with `extract_resources` enabled. The FFI
    /// parse entry points use default options where resource extraction is **off**
    /// (since 0.4.0, to bound peak memory), so this returns `0` for every document
    /// parsed through `unpdf_parse_file` / `unpdf_parse_bytes`. It is **not** a
    /// count of images referenced by page content streams — for detecting
    /// image-only (scanned) pages use `unpdf_page_stats` or
    /// `unpdf_get_extraction_quality` instead.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns -1 on error.
    LAST_ERROR,
    unpdf_resource_count(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        Ok(document.resource_count() as c_int)
    }
);

unparser_shared::export_optional_string_getter!(
    /// Get the document title.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null if no title is set — with `unpdf_last_error_kind` left at
    ///   `UNPDF_ERROR_NONE`, since an absent title is not a failure. A null return paired
    ///   with a non-zero kind means the title could not be produced (for instance
    ///   `UNPDF_ERROR_INVALID_OUTPUT` when it holds an interior NUL byte).
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_get_title(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        Ok(document.metadata.title.clone())
    }
);

unparser_shared::export_optional_string_getter!(
    /// Get the document author.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null if no author is set — with `unpdf_last_error_kind` left at
    ///   `UNPDF_ERROR_NONE`, since an absent author is not a failure. A null return paired
    ///   with a non-zero kind means the author could not be produced (for instance
    ///   `UNPDF_ERROR_INVALID_OUTPUT` when it holds an interior NUL byte).
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_get_author(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        Ok(document.metadata.author.clone())
    }
);

unparser_shared::export_string_getter!(
    /// Get all resource IDs as a JSON array, in reading order.
    ///
    /// Each id is the one the rendered output references for that image (`page1_Im0.jpg`,
    /// usable as its file name), so an image reference and its resource join by equality.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_get_resource_ids(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        let ids: Vec<&str> = document.resources().map(|(id, _)| id).collect();
        serde_json::to_string(&ids).map_err(json_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get extraction quality diagnostics as a JSON object.
    ///
    /// Fields are those of `ExtractionQuality`: `char_count`, `word_count`,
    /// `replacement_char_count`, `encrypted`, `is_scan_pdf`, `suppressed_ocr_pages`,
    /// `suppressed_text_runs`, `undecodable_content_streams`, `pages_incomplete`,
    /// `declared_page_count`, `unresolved_page_nodes`, `skipped_object_count`,
    /// `unsupported_image_count`, `ai_fallback_count`. `is_scan_pdf` is `true` when sampled
    /// pages draw images with no text-showing operators — the document-level
    /// "scanned document, OCR required" signal. For page-level discrimination
    /// (mixed documents) use `unpdf_page_stats`.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_get_extraction_quality(doc: UnpdfDocument),
    {
        let document = (*doc).inner.document()?;
        serde_json::to_string(&document.extraction_quality).map_err(json_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get per-page content-stream operator statistics as a JSON object.
    ///
    /// Returns `{"page":N,"rotation":N,"text_op_count":N,"image_op_count":N,"form_op_count":N,
    /// "fill_op_count":N,"ocr_text_suppressed":bool,"suppressed_text_runs":N,"unreadable_fonts":[...],
    /// "undecoded_text_codes":N,
    /// "undecodable_content_streams":N,"image_coverage":F,"rotated_text_runs":N,
    /// "invisible_text_chars":N,"painted_text_chars":N,"margin_text_chars":N,
    /// "omitted_page_number_chars":N,"clipped_text_runs":N,"link_annotations_incomplete":bool,
    /// "blank_text_runs":N,"ruled_grids":N,"ruled_tables":N,"reading_regions":N,"column_count":N,
    /// "ambiguous_layout_regions":N}`.
    ///
    /// The counts say what the page holds; the rest say how well it was read. Thresholds
    /// are the caller's.
    ///
    /// - `suppressed_text_runs` / `undecodable_content_streams`: this page's share of the
    ///   document-level counts of the same name in `unpdf_get_extraction_quality`.
    /// - `unreadable_fonts`: the fonts behind `suppressed_text_runs`, an array of
    ///   `{"name":S,"reason":S,"runs":N}` -- one entry per font and reason, in the order each
    ///   first lost a run; always present, `[]` when nothing was discarded. `name` is the
    ///   font's `/BaseFont` (its resource name when it has none). `reason` is
    ///   `"composite_unresolved"` (a Type0/CID font whose codes map to no text),
    ///   `"binary_density"` (a simple font whose decode was binary noise) or
    ///   `"unmapped_codes"` (a font that draws glyphs for codes it gives no character,
    ///   its text lost); more values may be added, so treat an unknown one as a generic
    ///   "unreadable". The `runs` of all entries sum to `suppressed_text_runs`.
    /// - `undecoded_text_codes`: codes a composite font's `ToUnicode` and own data give no
    ///   character although their glyph advances, in runs that give other text.
    /// - `text_op_count`: number of text-showing operators (`Tj`/`TJ`/`'`/`"`),
    ///   including those inside the Form XObjects the page paints.
    /// - `image_op_count`: number of image paints (`Do` of anything but a Form XObject,
    ///   and inline images), including those inside the forms the page paints.
    /// - `form_op_count`: number of Form XObject paints. A form's content is part of the
    ///   page and is already counted above; this says how the page was assembled.
    /// - `fill_op_count`: number of path-filling operators (`f`, `F`, `f*`, `B`, `B*`, `b`,
    ///   `b*`), inside forms too. Many fills and no text operator can be glyphs drawn as
    ///   filled outlines: text that shows but carries none.
    /// - Both `0` → genuinely blank page. `text_op_count == 0` with
    ///   `image_op_count > 0` → image-only (scanned) page, OCR required.
    /// - Note: a *searchable* scan (page image plus an invisible OCR text layer)
    ///   reports `text_op_count > 0` — combine with `ocr_text_suppressed` to
    ///   detect scans whose OCR layer was dropped as unreadable.
    /// - `rotation`: the page's `/Rotate` — 0, 90, 180 or 270 degrees clockwise.
    /// - `image_coverage`: share of the page painted by images, 0 to 1 (the union of the
    ///   image paints' rectangles, clipped to what the page shows: its crop box and the
    ///   clipping paths). Tells a full-page scan (near 1)
    ///   from a logo (a few hundredths) when both report one image paint.
    /// - `rotated_text_runs`: text runs not set horizontally left to right. The reading
    ///   order treats them as horizontal, so their order may be wrong.
    /// - `invisible_text_chars` / `painted_text_chars`: characters other than whitespace
    ///   drawn in a rendering mode that paints nothing (3, or 7 with nothing painted inside
    ///   its clip), as in a searchable scan, and in one that paints them. Invisible text is
    ///   extracted although nothing shows it, unless `ocr_text_suppressed` dropped it, which
    ///   leaves the count as it was.
    /// - `margin_text_chars`: the painted characters whose baseline is in the top or bottom
    ///   tenth of the page as shown (its `/Rotate` applied), where running heads and page
    ///   numbers sit.
    /// - `omitted_page_number_chars`: non-whitespace Unicode scalar values removed by the
    ///   page-number filters, including decorations; saturates at `u32::MAX`.
    /// - `link_annotations_incomplete`: a link bound was reached or supported URI/text
    ///   association was unresolved. Text and proven links remain; incomplete annotation
    ///   reading or indexing clears all page links.
    /// - `clipped_text_runs`: text runs the clipping path or the page box hides entirely.
    ///   Their text is left out.
    /// - `blank_text_runs`: text runs whose text is only whitespace.
    /// - `ruled_grids` / `ruled_tables`: ruling-line grids drawn on the page, and tables
    ///   built from them. More grids than tables means a drawn grid produced no table.
    /// - `reading_regions`: text regions read one after another. `column_count`: the most
    ///   of them side by side at any height (1 for single-column text).
    /// - `ambiguous_layout_regions`: regions read line by line across although their text
    ///   looked like two columns — where the reading order had to guess.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `page_number` is 1-indexed.
    /// - Returns null if the page is out of range or on error.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_page_stats(doc: UnpdfDocument, page_number: c_int),
    {
        let document = (*doc).inner.document()?;
        let page = document
            .pages
            .iter()
            .find(|p| p.number == page_number as u32)
            .ok_or_else(|| {
                (
                    ErrorKind::PageOutOfRange as c_int,
                    format!(
                        "page {} out of range (document has {} pages)",
                        page_number,
                        document.pages.len()
                    ),
                )
            })?;
        serde_json::to_string(&serde_json::json!({
            "page": page.number,
            "rotation": page.rotation,
            "text_op_count": page.text_op_count,
            "image_op_count": page.image_op_count,
            "form_op_count": page.form_op_count,
            "fill_op_count": page.fill_op_count,
            "ocr_text_suppressed": page.ocr_text_suppressed,
            "suppressed_text_runs": page.suppressed_text_runs,
            "unreadable_fonts": page.unreadable_fonts,
            "undecoded_text_codes": page.undecoded_text_codes,
            "undecodable_content_streams": page.undecodable_content_streams,
            "image_coverage": page.image_coverage,
            "rotated_text_runs": page.rotated_text_runs,
            "invisible_text_chars": page.invisible_text_chars,
            "painted_text_chars": page.painted_text_chars,
            "margin_text_chars": page.margin_text_chars,
            "omitted_page_number_chars": page.omitted_page_number_chars,
            "link_annotations_incomplete": page.link_annotations_incomplete,
            "clipped_text_runs": page.clipped_text_runs,
            "blank_text_runs": page.blank_text_runs,
            "ruled_grids": page.ruled_grids,
            "ruled_tables": page.ruled_tables,
            "reading_regions": page.reading_regions,
            "column_count": page.column_count,
            "ambiguous_layout_regions": page.ambiguous_layout_regions,
        }))
        .map_err(json_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get every table of the document as delimited text, in reading order, as JSON:
    /// `[{"page","index","text"}]` — the page's number, the table's place among that page's
    /// tables (from 1), and the table as CSV (RFC 4180), or tab-separated when `tsv` is
    /// non-zero. A merged cell's text is in its top-left position and the positions it covers
    /// are empty; records end with CRLF. `[]` when the document has no tables.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - Returns null on error.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_tables(doc: UnpdfDocument, tsv: c_int),
    {
        let document = (*doc).inner.document()?;
        let delimiter = if tsv != 0 { '\t' } else { ',' };
        let tables: Vec<serde_json::Value> = document
            .tables()
            .map(|(page, index, table)| {
                serde_json::json!({
                    "page": page,
                    "index": index,
                    "text": table.to_delimited(delimiter),
                })
            })
            .collect();
        serde_json::to_string(&tables).map_err(json_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get resource metadata as JSON (without binary data).
    ///
    /// Returns `{"id","type","filename","mime_type","size","width","height","page"}`.
    /// `page` is the page the resource was collected from (1-based, the numbering of the
    /// page markers in rendered output). Read the page from this field, not from the id:
    /// the id's format is not part of the contract.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `resource_id` must be a valid null-terminated UTF-8 string.
    /// - Returns null if resource not found or on error.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_get_resource_info(doc: UnpdfDocument, resource_id: *const c_char),
    {
        let id_str = unparser_shared::with_c_str!(resource_id)?;

        let document = (*doc).inner.document()?;

        match document.get_resource(id_str) {
            Some(resource) => {
                let info = serde_json::json!({
                    "id": id_str,
                    "type": resource.resource_type,
                    "filename": resource.filename,
                    "mime_type": resource.mime_type,
                    "size": resource.size(),
                    "width": resource.width,
                    "height": resource.height,
                    "page": resource.page,
                });
                serde_json::to_string(&info).map_err(json_err)
            }
            None => Err((
                ErrorKind::ResourceNotFound as c_int,
                format!("resource not found: {}", id_str),
            )),
        }
    }
);

/// Deserializable mirror of [`RasterOptions`](crate::parser::raster::RasterOptions) for
/// `unpdf_render_page`: `{"dpi": 150, "region": "crop", "max_work": N}`. Every field is
/// optional.
#[derive(serde::Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct FfiRasterOptions {
    dpi: Option<f32>,
    /// `"crop"` (default) or `"media"`.
    region: Option<String>,
    /// The most work, in the pixels `PdfParser::render_page_with` charges, the page may take;
    /// unbounded when absent.
    max_work: Option<u64>,
}

/// Rasterize a page to a PNG.
///
/// The page is painted from the content interpretation the document was parsed with, by
/// the parser the handle keeps — the same page, and no second read of the file. What the
/// rasterizer cannot paint yet (text in fonts that are not embedded and have no stand-in,
/// some image codecs, mesh shadings) is left out and counted in `out_info`; the rest of the page
/// is painted.
///
/// `options_json`: null, or `{"dpi": 150, "region": "crop" | "media", "max_work": N}` —
/// resolution in dots per inch (default 150), the box painted (default the crop box, what a
/// viewer shows), and the most work painting may take, in the pixels
/// `PdfParser::render_page_with` charges for each step (default unbounded). A page whose
/// painting would take more fails with `RasterStopped` before the step that exceeds it.
///
/// `out_info`, when not null, receives `{"width":N,"height":N,"gaps":{"text_runs":N,
/// "images":N,"inline_images":N,"shadings":N,"soft_masks":N,
/// "undecodable_content_streams":N}, "substituted_text_runs":N}` — free it with `unpdf_free_string`. `substituted_text_runs`
/// counts text painted in a standard face standing in for a font the PDF does not embed:
/// readable, not the page's own typeface, and not a gap.
///
/// # Safety
///
/// - `doc` must be a valid document handle from one of the `unpdf_parse_*` functions.
/// - `options_json` must be null or a valid null-terminated UTF-8 string.
/// - `out_len` must be a valid pointer; `out_info` must be null or a valid pointer.
/// - Returns null on error (`PageOutOfRange`, `Render`, `RasterStopped`, `InvalidArgument`); see
///   `unpdf_last_error`.
/// - The returned PNG must be freed with `unpdf_free_bytes`.
#[no_mangle]
pub unsafe extern "C" fn unpdf_render_page(
    doc: *const UnpdfDocument,
    page_number: c_int,
    options_json: *const c_char,
    out_len: *mut usize,
    out_info: *mut *mut c_char,
) -> *mut u8 {
    LAST_ERROR.with(|slot| slot.clear());
    if doc.is_null() || out_len.is_null() {
        LAST_ERROR
            .with(|slot| slot.set_error(&invalid_argument("doc and out_len must not be null")));
        return ptr::null_mut();
    }
    if !out_info.is_null() {
        *out_info = ptr::null_mut();
    }

    let result: Result<(Vec<u8>, String), FfiError> = ffi::catch(|| {
        let options: FfiRasterOptions = if options_json.is_null() {
            FfiRasterOptions::default()
        } else {
            let json = unparser_shared::ffi::c_str_utf8(options_json)?;
            serde_json::from_str(json).map_err(|e| invalid_argument(e.to_string()))?
        };
        let region = match options.region.as_deref() {
            None | Some("crop") => crate::parser::raster::PageRegion::Crop,
            Some("media") => crate::parser::raster::PageRegion::Media,
            Some(other) => {
                return Err(invalid_argument(format!(
                    "region must be \"crop\" or \"media\", got {other:?}"
                )))
            }
        };
        let raster_options = crate::parser::raster::RasterOptions {
            dpi: options.dpi.unwrap_or(150.0),
            region,
        };
        let parser = (*doc).inner.parser.as_ref().ok_or_else(|| {
            (
                ErrorKind::Render as c_int,
                "this document handle holds no parser to render with".to_string(),
            )
        })?;
        let page_number = u32::try_from(page_number).unwrap_or(0);
        let mut spent = 0u64;
        let max_work = options.max_work.unwrap_or(u64::MAX);
        let page = parser
            .render_page_with(page_number, &raster_options, &mut |work| {
                spent = spent.saturating_add(work);
                if spent > max_work {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            })
            .map_err(ffi_err)?;
        let g = page.gaps;
        let info = serde_json::json!({
            "width": page.width,
            "height": page.height,
            "gaps": {
                "text_runs": g.text_runs,
                "images": g.images,
                "inline_images": g.inline_images,
                "shadings": g.shadings,
                "soft_masks": g.soft_masks,
                "undecodable_content_streams": g.undecodable_content_streams,
            },
            "substituted_text_runs": page.substituted_text_runs,
        });
        Ok((page.to_png(), info.to_string()))
    });

    match result {
        Ok((png, info)) => {
            if !out_info.is_null() {
                *out_info = CString::new(info).map_or(ptr::null_mut(), CString::into_raw);
            }
            *out_len = png.len();
            Box::into_raw(png.into_boxed_slice()) as *mut u8
        }
        Err(error) => {
            LAST_ERROR.with(|slot| slot.set_error(&error));
            *out_len = 0;
            ptr::null_mut()
        }
    }
}

unparser_shared::export_bytes_getter!(
    /// Get resource binary data.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `resource_id` must be a valid null-terminated UTF-8 string.
    /// - `out_len` must be a valid pointer to receive the data length.
    /// - Returns null if resource not found or on error.
    /// - The returned pointer must be freed with `unpdf_free_bytes`.
    LAST_ERROR,
    unpdf_get_resource_data(doc: UnpdfDocument, resource_id, out out_len),
    {
        let id_str = unparser_shared::ffi::c_str_utf8(resource_id)?;

        let document = (*doc).inner.document()?;

        match document.get_resource(id_str) {
            Some(resource) => Ok(resource.data.clone()),
            None => Err((
                ErrorKind::ResourceNotFound as c_int,
                format!("resource not found: {}", id_str),
            )),
        }
    }
);

unparser_shared::export_string_getter!(
    /// Convert a single page to Markdown.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `page_num` is 1-indexed.
    /// - `flags` is a bitwise OR of `UNPDF_FLAG_*` constants.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_page_to_markdown(doc: UnpdfDocument, page_num: c_int, flags: u32),
    {
        let document = (*doc).inner.document()?;
        let page = document.get_page(page_num as u32).ok_or_else(|| {
            (
                ErrorKind::PageOutOfRange as c_int,
                format!(
                    "page {} out of range (document has {} pages)",
                    page_num,
                    document.page_count()
                ),
            )
        })?;

        let options = render_options_from_flags(flags)?;

        // Create a single-page document for rendering
        let mut single_page_doc = Document::new();
        single_page_doc.add_page(page.clone());

        crate::render::to_markdown(&single_page_doc, &options).map_err(ffi_err)
    }
);

unparser_shared::export_string_getter!(
    /// Get the plain text of a single page.
    ///
    /// # Safety
    ///
    /// - `doc` must be a valid document handle.
    /// - `page_num` is 1-indexed.
    /// - Returns null on error. Use `unpdf_last_error` to get the error message.
    /// - The returned string must be freed with `unpdf_free_string`.
    LAST_ERROR,
    unpdf_page_to_text(doc: UnpdfDocument, page_num: c_int),
    {
        let document = (*doc).inner.document()?;
        let page = document.get_page(page_num as u32).ok_or_else(|| {
            (
                ErrorKind::PageOutOfRange as c_int,
                format!(
                    "page {} out of range (document has {} pages)",
                    page_num,
                    document.page_count()
                ),
            )
        })?;

        Ok::<String, FfiError>(page.plain_text())
    }
);

unparser_shared::export_free_string!(
    /// Free a string allocated by this library.
    ///
    /// # Safety
    ///
    /// - `s` must be a pointer returned by an unpdf function, or null.
    /// - After calling this function, the pointer is invalid and must not be used.
    unpdf_free_string
);

unparser_shared::export_free_bytes!(
    /// Free binary data allocated by `unpdf_get_resource_data`.
    ///
    /// # Safety
    ///
    /// - `data` must be a pointer returned by `unpdf_get_resource_data`, or null.
    /// - `len` must be the length returned by `unpdf_get_resource_data`.
    /// - After calling this function, the pointer is invalid and must not be used.
    unpdf_free_bytes
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::{CStr, CString};

    fn render_options(json: &str) -> Result<RenderOptions, String> {
        let ffi = serde_json::from_str::<FfiRenderOptions>(json).map_err(|e| e.to_string())?;
        RenderOptions::try_from(ffi)
    }

    /// Cleanup is on by default, so turning it off needs a value of its own.
    #[test]
    fn cleanup_preset_none_turns_the_cleanup_off() {
        assert!(render_options("{}").unwrap().cleanup.is_some());
        assert!(render_options(r#"{"cleanup_preset":"none"}"#)
            .unwrap()
            .cleanup
            .is_none());
        assert!(render_options(r#"{"cleanup_preset":"minimal"}"#)
            .unwrap()
            .cleanup
            .is_some());
    }

    #[test]
    fn list_marker_is_one_character() {
        assert_eq!(
            render_options(r#"{"list_marker":"*"}"#)
                .unwrap()
                .list_marker,
            '*'
        );
        for bad in [r#"{"list_marker":""}"#, r#"{"list_marker":"**"}"#] {
            let err = render_options(bad).unwrap_err();
            assert!(err.contains("one character"), "{err}");
        }
    }

    #[test]
    fn test_version() {
        let version = unpdf_version();
        assert!(!version.is_null());
        let version_str = unsafe { CStr::from_ptr(version) }.to_str().unwrap();
        assert!(!version_str.is_empty());
    }

    #[test]
    fn test_parse_null_path() {
        let doc = unsafe { unpdf_parse_file(ptr::null()) };
        assert!(doc.is_null());

        let error = unpdf_last_error();
        assert!(!error.is_null());
    }

    #[test]
    fn test_parse_invalid_path() {
        let path = CString::new("nonexistent.pdf").unwrap();
        let doc = unsafe { unpdf_parse_file(path.as_ptr()) };
        assert!(doc.is_null());

        let error = unpdf_last_error();
        assert!(!error.is_null());
    }

    #[test]
    fn test_null_document_operations() {
        let md = unsafe { unpdf_to_markdown(ptr::null(), 0) };
        assert!(md.is_null());

        let text = unsafe { unpdf_to_text(ptr::null()) };
        assert!(text.is_null());

        let json = unsafe { unpdf_to_json(ptr::null(), 0) };
        assert!(json.is_null());

        let count = unsafe { unpdf_section_count(ptr::null()) };
        assert_eq!(count, -1);

        let res_count = unsafe { unpdf_resource_count(ptr::null()) };
        assert_eq!(res_count, -1);
    }

    #[test]
    fn test_page_null_document() {
        let md = unsafe { unpdf_page_to_markdown(ptr::null(), 1, 0) };
        assert!(md.is_null());

        let text = unsafe { unpdf_page_to_text(ptr::null(), 1) };
        assert!(text.is_null());
    }

    /// A null return does not always mean failure: an absent title is not an error.
    /// The kind channel is what lets a caller tell the two apart.
    #[test]
    fn test_absent_metadata_is_not_reported_as_a_failure() {
        let doc = Box::into_raw(Box::new(UnpdfDocument {
            inner: Document::new().into(),
        }));

        assert!(unsafe { unpdf_get_title(doc) }.is_null());
        assert_eq!(unpdf_last_error_kind(), UNPDF_ERROR_NONE);

        assert!(unsafe { unpdf_get_author(doc) }.is_null());
        assert_eq!(unpdf_last_error_kind(), UNPDF_ERROR_NONE);

        unsafe { unpdf_free_document(doc) };
    }

    /// The counterpart: metadata that *exists* but cannot cross the ABI must not be
    /// reported as absent. Both cases return null, so the kind is the only thing that
    /// separates "there is nothing" from "we could not give it to you".
    #[test]
    fn test_unrepresentable_metadata_is_not_reported_as_absent() {
        let mut document = Document::new();
        document.metadata.title = Some("has\0interior nul".to_string());
        document.metadata.author = Some("also\0bad".to_string());
        let doc = Box::into_raw(Box::new(UnpdfDocument {
            inner: document.into(),
        }));

        assert!(unsafe { unpdf_get_title(doc) }.is_null());
        assert_eq!(unpdf_last_error_kind(), UNPDF_ERROR_INVALID_OUTPUT);

        assert!(unsafe { unpdf_get_author(doc) }.is_null());
        assert_eq!(unpdf_last_error_kind(), UNPDF_ERROR_INVALID_OUTPUT);

        unsafe { unpdf_free_document(doc) };
    }

    /// `out_len` is written only once the call has reached the point of producing a
    /// buffer. A rejected argument leaves the caller's variable alone, so a caller that
    /// seeded it can tell "not attempted" from "attempted and produced nothing".
    #[test]
    fn test_rejected_arguments_leave_out_len_untouched() {
        let doc = Box::into_raw(Box::new(UnpdfDocument {
            inner: Document::new().into(),
        }));
        let id = CString::new("image1").unwrap();
        const SEEDED: usize = 0xDEAD;

        let mut out_len: usize = SEEDED;
        assert!(
            unsafe { unpdf_get_resource_data(ptr::null(), id.as_ptr(), &mut out_len) }.is_null()
        );
        assert_eq!(out_len, SEEDED, "a null document must not write out_len");

        assert!(unsafe { unpdf_get_resource_data(doc, ptr::null(), &mut out_len) }.is_null());
        assert_eq!(out_len, SEEDED, "a null resource_id must not write out_len");

        // A resource that is merely absent *is* looked up, so the length is zeroed.
        assert!(unsafe { unpdf_get_resource_data(doc, id.as_ptr(), &mut out_len) }.is_null());
        assert_eq!(out_len, 0, "a lookup that failed reports zero length");
        assert_eq!(
            unpdf_last_error_kind(),
            ErrorKind::ResourceNotFound as c_int
        );

        unsafe { unpdf_free_document(doc) };
    }

    #[test]
    fn test_free_null() {
        // Should not crash
        unsafe {
            unpdf_free_document(ptr::null_mut());
            unpdf_free_string(ptr::null_mut());
        }
    }
}
