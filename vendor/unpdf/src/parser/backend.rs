//! PDF backend abstraction layer.
//!
//! Provides a trait-based interface for PDF operations, isolating
//! the concrete PDF parser from the layout analysis logic.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// The font caches below are asked on every text-showing operator, several times
/// each: their keys are the document's own object ids and names, so the
/// DoS-resistant default hasher buys nothing here and cost 5% of a conversion (a
/// file that collides its ids only slows its own conversion, which the child's CPU
/// limit bounds).
type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

use crate::error::{Error, Result};
use crate::model::{FieldType, FieldValue, FormField};

use super::cmap::{code_value, CMap, CMapDef, Parent, MAX_USE_CMAP_DEPTH};
use super::core14::StandardFont;
use super::encoding::{
    apply_differences, build_encoding_map, decode_with_encoding_map,
    decode_with_encoding_map_mapped, single_char, BaseEncoding, EncodingMap,
};
use super::font::{
    is_likely_binary, parse_to_unicode_cmap, parse_truetype_cmap_table, ToUnicodeMap,
};
use super::glyph_metrics::{
    expand_w2_array, expand_w_array, widths_refute_fixed_pitch, CidCoding, FontMetrics,
    VerticalFont, WEntry,
};
use super::link::LinkAnnotations;
use super::sanitize::sanitize_extracted_text;
use super::text_string::{decode_text_string, decode_text_string_lossy};

/// Page identifier: (object number, generation number).
pub type PageId = (u32, u16);

/// An indirect object's identifier: (object number, generation number).
pub type ObjectId = (u32, u16);

/// Where the names a content stream uses (`/F1 Tf`, `/Im1 Do`) are looked up.
///
/// A page's own content resolves names in the page's `/Resources`. A Form XObject painted on
/// the page is a content stream of its own and resolves them in the form's `/Resources`
/// (ISO 32000-1 §8.10.1) -- the same name can mean a different font there. A form without
/// `/Resources` takes the page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceScope {
    /// The page being painted.
    pub page: PageId,
    /// The Form XObject whose content is being interpreted; `None` for the page's own content.
    pub form: Option<ObjectId>,
}

impl ResourceScope {
    /// The page's own content.
    pub fn page(page: PageId) -> Self {
        Self { page, form: None }
    }

    /// The content of `form`, painted on `page`.
    pub fn form(page: PageId, form: ObjectId) -> Self {
        Self {
            page,
            form: Some(form),
        }
    }
}

impl From<PageId> for ResourceScope {
    fn from(page: PageId) -> Self {
        Self::page(page)
    }
}

/// Font information returned by the backend.
/// A page's box in default user space: the rectangle `[llx lly urx ury]` of its
/// `/MediaBox` (ISO 32000-1 §14.11.2), corners normalized so `llx <= urx`, `lly <= ury`.
///
/// The origin is part of the box. A page whose box does not start at `(0, 0)` places its
/// content relative to `(llx, lly)`, so a box reduced to width and height mislocates it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageBox {
    pub llx: f32,
    pub lly: f32,
    pub urx: f32,
    pub ury: f32,
}

impl PageBox {
    /// US Letter at the origin — the box assumed when a page declares none.
    pub const LETTER: PageBox = PageBox {
        llx: 0.0,
        lly: 0.0,
        urx: 612.0,
        ury: 792.0,
    };

    pub fn width(&self) -> f32 {
        self.urx - self.llx
    }

    pub fn height(&self) -> f32 {
        self.ury - self.lly
    }

    pub fn area(&self) -> f32 {
        self.width() * self.height()
    }
}

#[derive(Debug, Clone)]
pub struct BackendFontInfo {
    /// Font resource name (key in the page's font dictionary).
    pub name: Vec<u8>,
    /// Base font name (e.g., "Helvetica-Bold").
    pub base_font: String,
    /// Whether the font declares itself bold — by its descriptor's `/FontWeight` or
    /// `/Flags` ForceBold, or its embedded program's own weight — whatever its name says.
    pub bold: bool,
    /// Whether the font declares itself italic — by its descriptor's `/ItalicAngle` or
    /// `/Flags` Italic — whatever its name says.
    pub italic: bool,
    /// Whether every glyph of the font has the same width: its descriptor's `/Flags`
    /// FixedPitch (ISO 32000-1 §9.8.2), or the standard font Courier, which needs none.
    pub fixed_pitch: bool,
}

/// A value from a PDF content stream operand.
#[derive(Debug, Clone)]
pub enum PdfValue {
    Integer(i64),
    Real(f32),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<PdfValue>),
    Other,
}

/// A single operation from a PDF content stream.
#[derive(Debug, Clone)]
pub struct ContentOp {
    /// Borrowed for the operators of ISO 32000 (nearly all of them); owned only for a token
    /// no PDF defines. A content stream holds tens of thousands of operators, and one
    /// allocation each was an eighth of all the allocations of a conversion.
    pub operator: Cow<'static, str>,
    pub operands: Vec<PdfValue>,
    /// The Form XObject whose content stream this operation comes from, once a page's
    /// operations have had their forms expanded; `None` for the page's own content. Names
    /// among the operands resolve in [`ResourceScope`] `{ page, form }`.
    pub form: Option<ObjectId>,
}

impl ContentOp {
    /// An operation from the page's own content.
    pub fn new(operator: impl Into<Cow<'static, str>>, operands: Vec<PdfValue>) -> Self {
        Self {
            operator: operator.into(),
            operands,
            form: None,
        }
    }

    /// The scope the operation's names resolve in, on `page`.
    pub fn scope(&self, page: PageId) -> ResourceScope {
        ResourceScope {
            page,
            form: self.form,
        }
    }
}

/// What a `Do` operator paints, resolved in its [`ResourceScope`].
#[derive(Debug, Clone)]
pub enum PaintedXObject {
    /// A Form XObject: a content stream painted as part of the page.
    Form(FormXObject),
    /// An image XObject.
    Image,
    /// Anything else (a PostScript XObject, an unrecognised subtype).
    Other,
}

/// A Form XObject, ready to be interpreted in place of the `Do` that paints it.
#[derive(Debug, Clone)]
pub struct FormXObject {
    /// The form's object id -- its [`ResourceScope::form`].
    pub id: ObjectId,
    /// `/Matrix`: form space to the user space of the `Do` (identity when absent).
    pub matrix: [f32; 6],
    /// `/BBox`: the rectangle, in form space, that clips what the form paints (§8.10.1).
    /// `None` when absent or malformed — the form is then not clipped.
    pub bbox: Option<PageBox>,
    /// The decoded content stream, or `None` when it could not be decoded.
    pub content: Option<Vec<u8>>,
    /// Whether the form is a transparency group (`/Group` with `/S /Transparency`, ISO 32000-1
    /// §11.6.6): its content is composited as a whole, and the alpha in effect where it is
    /// painted applies to that whole rather than to each thing inside it.
    pub transparency_group: bool,
}

/// Raw metadata from the PDF backend.
#[derive(Debug, Clone, Default)]
pub struct PdfMetadataRaw {
    pub version: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub subject: Option<String>,
    pub keywords: Option<String>,
    pub creator: Option<String>,
    pub producer: Option<String>,
    pub creation_date: Option<String>,
    pub mod_date: Option<String>,
    pub encrypted: bool,
}

/// A raw outline (bookmark) item from the PDF.
#[derive(Debug, Clone)]
pub struct RawOutlineItem {
    pub title: String,
    pub page: Option<u32>,
    pub level: u8,
    pub children: Vec<RawOutlineItem>,
}

/// An image's color space, as far as converting its samples to pixels needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageColorSpace {
    /// One component: `DeviceGray`, `CalGray`, or an `ICCBased` profile with `/N 1`.
    Gray,
    /// Three components: `DeviceRGB`, `CalRGB`, or `ICCBased` with `/N 3`.
    Rgb,
    /// Four components: `DeviceCMYK`, or `ICCBased` with `/N 4`.
    Cmyk,
    /// One component, an index into `lookup`: `hival + 1` entries of `base.components()`
    /// bytes each.
    Indexed {
        base: Box<ImageColorSpace>,
        hival: u8,
        lookup: Vec<u8>,
    },
    /// A tint per colorant (`Separation`: one, `DeviceN`: several), which a tint transform maps
    /// into an alternate space.
    Tint(TintSpace),
}

impl ImageColorSpace {
    /// Components per sample.
    pub fn components(&self) -> usize {
        match self {
            ImageColorSpace::Gray | ImageColorSpace::Indexed { .. } => 1,
            ImageColorSpace::Rgb => 3,
            ImageColorSpace::Cmyk => 4,
            ImageColorSpace::Tint(space) => space.components(),
        }
    }
}

/// A `Separation` or `DeviceN` color space (ISO 32000-1 §8.6.6.4-5): one tint in `0..=1` per
/// colorant, which a function maps into the space the colorants are approximated in. Tint 0 is
/// no ink, tint 1 full ink.
#[derive(Debug, Clone)]
pub struct TintSpace {
    /// How many colorants, and so how many inputs the tint transform takes.
    components: usize,
    /// The space the tint transform's outputs are in: never another tint space or `Indexed`.
    alternate: Box<ImageColorSpace>,
    transform: Arc<super::function::Function>,
}

impl PartialEq for TintSpace {
    fn eq(&self, other: &Self) -> bool {
        self.components == other.components
            && self.alternate == other.alternate
            && Arc::ptr_eq(&self.transform, &other.transform)
    }
}

impl TintSpace {
    /// How many colorants.
    pub(crate) fn components(&self) -> usize {
        self.components
    }

    /// The space the tint transform's outputs are in.
    pub(crate) fn alternate(&self) -> &ImageColorSpace {
        &self.alternate
    }

    /// The color `tints` (one per colorant) stand for, as components of the alternate space
    /// (`None` when the transform gives fewer than the alternate space takes).
    pub(crate) fn alternate_color(&self, tints: &[f32]) -> Option<(&ImageColorSpace, Vec<f32>)> {
        let mut values = self.transform.eval_inputs(tints);
        (values.len() >= self.alternate.components()).then(|| {
            values.truncate(self.alternate.components());
            (&*self.alternate, values)
        })
    }
}

/// [`RawXObject::filter`] of an image whose filter chain could not be decoded.
pub const UNDECODED_IMAGE: &str = "undecoded";

/// A raw XObject (image) extracted from a PDF page.
#[derive(Debug, Clone)]
pub struct RawXObject {
    pub name: String,
    pub subtype: String,
    pub data: Vec<u8>,
    /// The image codec `data` is still encoded in (`DCTDecode`, `JPXDecode`, ...), or
    /// [`UNDECODED_IMAGE`]; `None` when `data` is the image's samples, every filter of
    /// its chain applied.
    pub filter: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bits_per_component: Option<u8>,
    /// The color space's name (`ICCBased` resolved to its device equivalent).
    pub color_space: Option<String>,
    /// The color space as converting samples needs it; `None` when it is not one this crate
    /// converts (`Lab`, `Separation`, `DeviceN`, ...).
    pub color: Option<ImageColorSpace>,
    /// `/Decode`: how each component's raw sample maps onto its range.
    pub decode: Option<Vec<f32>>,
    /// `/ImageMask true`: a stencil — one bit per sample, painted in the current fill color
    /// where the sample is 0 (1 with `/Decode [1 0]`), left untouched elsewhere.
    pub image_mask: bool,
    /// `/SMask`: a grayscale image giving each pixel's opacity.
    pub smask: Option<Box<RawXObject>>,
    /// `/Mask` as an array (color key masking, ISO 32000-1 §8.9.6.4): a `[min max]` pair of raw
    /// sample values per component; a pixel whose every component lies in its pair is not
    /// painted.
    pub color_key: Option<Vec<i64>>,
    /// What the image codec in `filter` reads besides `data`; `None` for a codec that reads
    /// nothing else, or when `data` is samples.
    pub codec_parms: Option<CodecParms>,
}

/// What an image codec reads besides the image's data.
#[derive(Debug, Clone, PartialEq)]
pub enum CodecParms {
    /// `/CCITTFaxDecode`'s `/DecodeParms`.
    Ccitt(CcittParms),
    /// `/JBIG2Decode`: the segments of `/JBIG2Globals`, decoded, when the image has them.
    Jbig2 { globals: Option<Vec<u8>> },
}

/// `/CCITTFaxDecode`'s parameters (ISO 32000-1 §7.4.6, Table 11), defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CcittParms {
    /// `/K`: negative for Group 4, 0 for Group 3 one-dimensional, positive for Group 3
    /// two-dimensional.
    pub k: i64,
    /// `/Columns`: the width of a row, in pixels (default 1728).
    pub columns: u32,
    /// `/Rows`: the number of rows, `None` when not given (the image's height then).
    pub rows: Option<u32>,
    /// `/BlackIs1`: whether a 1 sample is black (default: 0 is black).
    pub black_is_1: bool,
    /// `/EncodedByteAlign`: whether each row starts on a byte boundary.
    pub encoded_byte_align: bool,
    /// `/EndOfLine`: whether rows end in end-of-line codes.
    pub end_of_line: bool,
    /// `/EndOfBlock`: whether the data may end in an end-of-block code (default true).
    pub end_of_block: bool,
}

impl Default for CcittParms {
    fn default() -> Self {
        CcittParms {
            k: 0,
            columns: 1728,
            rows: None,
            black_is_1: false,
            encoded_byte_align: false,
            end_of_line: false,
            end_of_block: true,
        }
    }
}

/// An axial or radial shading (ISO 32000-1 §8.7.4.5.3–4), its colors sampled along its
/// parameter — what a rasterizer paints for `sh` or a shading pattern.
#[derive(Debug, Clone)]
pub struct Shading {
    /// Where the shading runs, in shading space.
    pub geometry: ShadingGeometry,
    /// `/Extend`: whether the shading continues past its start and past its end.
    pub extend: (bool, bool),
    /// The color space of `samples`.
    pub color: ImageColorSpace,
    /// The shading's colors at [`SHADING_SAMPLES`] evenly spaced points from its start to its
    /// end (its `/Domain`, through its `/Function`).
    pub samples: Vec<Vec<f32>>,
    /// `/BBox`, in shading space: `[x0 y0 x1 y1]`.
    pub bbox: Option<[f32; 4]>,
}

/// How many points along a shading [`Shading::samples`] holds.
pub const SHADING_SAMPLES: usize = 128;

/// The geometry of a [`Shading`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShadingGeometry {
    /// Type 2: colors vary along the axis from `from` to `to`.
    Axial { from: (f32, f32), to: (f32, f32) },
    /// Type 3: colors vary between the circle `from` and the circle `to`, each `(x, y, r)`.
    Radial {
        from: (f32, f32, f32),
        to: (f32, f32, f32),
    },
}

/// A Type 3 font (ISO 32000-1 §9.6.5): glyphs drawn by content-stream procedures.
#[derive(Debug, Clone)]
pub struct Type3Font {
    /// `/FontMatrix`: glyph space → text space.
    pub matrix: [f32; 6],
    /// Each code's glyph procedure — the `/CharProcs` entry its `/Encoding /Differences` names —
    /// decoded. Its operations carry the font as their form when the font is an indirect
    /// object, so the names they use resolve in the font's `/Resources`, then the page's.
    pub glyphs: HashMap<u8, Vec<ContentOp>>,
}

/// A tiling pattern (`/PatternType 1`, ISO 32000-1 §8.7.3.3): a cell painted by its own
/// content stream, repeated at `x_step`/`y_step` across pattern space.
#[derive(Debug, Clone)]
pub struct TilingPattern {
    /// The pattern's object id: its operations resolve names in its `/Resources`, as a form's do.
    pub id: ObjectId,
    /// `/PaintType`: `true` for an uncolored pattern (2), whose cell is a shape painted in the
    /// color given with the pattern; `false` for a colored one (1), which sets its own colors.
    pub uncolored: bool,
    /// `/BBox`, in pattern space: the cell, which clips what its content paints.
    pub bbox: PageBox,
    /// `/XStep`, `/YStep`: the spacing of the cells, in pattern space.
    pub x_step: f32,
    pub y_step: f32,
    /// `/Matrix`: pattern space → the default space of the page, or of the form whose resources
    /// hold it.
    pub matrix: [f32; 6],
    /// The cell's operations, `None` when its content stream could not be decoded.
    pub ops: Option<Vec<ContentOp>>,
}

/// The format of an embedded font program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontFormat {
    /// `/FontFile2`: a TrueType font.
    TrueType,
    /// `/FontFile3` `/Type1C` or `/CIDFontType0C`: a bare CFF font.
    Cff,
    /// `/FontFile3` `/OpenType`: an OpenType font (TrueType or CFF outlines).
    OpenType,
    /// `/FontFile`: a Type 1 font program (cleartext part, then the `eexec`-encrypted one).
    Type1,
}

/// How a font's codes select glyphs in its program (ISO 32000-1 §9.6.6, §9.7.4.2).
#[derive(Debug, Clone, PartialEq)]
pub enum GlyphSelection {
    /// A composite font under `Identity-H`/`-V`: two-byte codes are CIDs, and `cid_to_gid`
    /// maps a CID to a glyph index (`None`: the CID is the index — `/CIDToGIDMap /Identity`,
    /// or a CFF font, whose charset maps CIDs itself).
    Cid { cid_to_gid: Option<Vec<u16>> },
    /// A simple font: one-byte codes.
    Simple {
        /// What the font's `/Encoding` says each code is, if it has one.
        chars: Option<HashMap<u8, char>>,
        /// The glyph names `/Differences` gives codes.
        names: HashMap<u8, String>,
        /// `/Flags` bit 3: the font's glyphs are outside the standard Latin set, so codes
        /// select glyphs directly rather than through character names.
        symbolic: bool,
    },
}

/// A font's embedded glyph program, and how its codes select glyphs — what painting the
/// font's text needs.
#[derive(Debug, Clone)]
pub struct FontProgram {
    pub format: FontFormat,
    pub data: Vec<u8>,
    pub selection: GlyphSelection,
    /// The font embeds no program and `data` is a standard face standing in for it
    /// (feature `standard-fonts`): its glyphs are fitted to the font's own widths.
    pub stand_in: bool,
}

/// A blend mode (ISO 32000-1 §11.3.5): how what is painted combines with what is under it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BlendMode {
    /// `/Normal` (and `/Compatible`): the paint replaces what is under it.
    #[default]
    Normal,
    Multiply,
    Screen,
    Overlay,
    Darken,
    Lighten,
    ColorDodge,
    ColorBurn,
    HardLight,
    SoftLight,
    Difference,
    Exclusion,
    Hue,
    Saturation,
    Color,
    Luminosity,
}

impl BlendMode {
    /// The blend mode a name stands for; `None` for a name that is not one.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"Normal" | b"Compatible" => Self::Normal,
            b"Multiply" => Self::Multiply,
            b"Screen" => Self::Screen,
            b"Overlay" => Self::Overlay,
            b"Darken" => Self::Darken,
            b"Lighten" => Self::Lighten,
            b"ColorDodge" => Self::ColorDodge,
            b"ColorBurn" => Self::ColorBurn,
            b"HardLight" => Self::HardLight,
            b"SoftLight" => Self::SoftLight,
            b"Difference" => Self::Difference,
            b"Exclusion" => Self::Exclusion,
            b"Hue" => Self::Hue,
            b"Saturation" => Self::Saturation,
            b"Color" => Self::Color,
            b"Luminosity" => Self::Luminosity,
            _ => return None,
        })
    }
}

/// A soft mask (`/SMask` dictionary, ISO 32000-1 §11.6.5.2): a group whose luminosity or
/// alpha says how much of what is painted afterwards shows.
#[derive(Debug, Clone)]
pub struct SoftMask {
    /// `/S /Luminosity` (the group's luminosity over its backdrop is the mask) rather than
    /// `/S /Alpha` (the group's alpha is).
    pub luminosity: bool,
    /// `/G`: the transparency group that is the mask.
    pub group: FormXObject,
    /// `/BC`: the backdrop a luminosity mask's group is painted over, as RGB (black when
    /// absent).
    pub backdrop: [f32; 3],
    /// `/TR` names a transfer function other than `/Identity`; this reader does not apply it.
    pub transfer_function: bool,
}

/// What an `/ExtGState` says about the soft mask (`/SMask`).
#[derive(Debug, Clone)]
pub enum SoftMaskEntry {
    /// `/SMask /None`: no soft mask.
    None,
    /// A soft mask dictionary.
    Mask(SoftMask),
}

/// What a page's rasterizer needs from an `/ExtGState` resource (ISO 32000-1 §8.4.5).
#[derive(Debug, Clone, Default)]
pub struct ExtGState {
    /// `/SMask`: the soft mask in effect from now on.
    pub soft_mask: Option<SoftMaskEntry>,
    /// `/LW`.
    pub line_width: Option<f32>,
    /// `/BM`: the blend mode. A name, or an array of names of which the first one this knows
    /// applies (§11.6.3); `None` when the entry is absent or names no mode this knows.
    pub blend_mode: Option<BlendMode>,
    /// `/CA`: stroking opacity.
    pub stroke_alpha: Option<f32>,
    /// `/ca`: non-stroking opacity.
    pub fill_alpha: Option<f32>,
}

/// A page's decoded content, together with what decoding it had to drop.
///
/// A page's content may be split across several streams. When some of them cannot be
/// decoded the rest still carry content, so the bytes are kept -- but the loss is
/// reported, so a strict caller can fail the page instead of presenting it as complete.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageContent {
    /// The decoded content of every stream that could be decoded, in order.
    pub data: Vec<u8>,
    /// Content streams of the page that could not be decoded and were left out of `data`.
    pub undecodable_streams: usize,
}

impl PageContent {
    /// Content decoded without losing anything.
    pub fn complete(data: Vec<u8>) -> Self {
        Self {
            data,
            undecodable_streams: 0,
        }
    }

    /// A page's single content stream, which could not be decoded.
    fn one_undecodable_stream() -> Self {
        Self {
            data: Vec::new(),
            undecodable_streams: 1,
        }
    }
}

/// What a backend had to drop while reading the document structure.
///
/// Reported alongside the extracted text so a caller can tell "this document says
/// what it says" from "this is what survived a damaged file". The default is the
/// intact case: nothing dropped, nothing to warn about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentIntegrity {
    /// Page count the document declares (root `Pages` `/Count`), when readable.
    pub declared_page_count: Option<u32>,
    /// Pages the document structure actually yielded, before any page selection.
    pub found_page_count: u32,
    /// Page-tree nodes that could not be used. Non-zero means the page set is
    /// incomplete; it is not a count of lost pages.
    pub unresolved_page_nodes: usize,
    /// Objects the xref table pointed at that could not be loaded.
    pub skipped_object_count: usize,
    /// The cross-reference table could not be used and was rebuilt from the file's objects.
    pub xref_reconstructed: bool,
}

impl DocumentIntegrity {
    /// Whether pages are known to be missing from the output.
    ///
    /// Two independent signals, because neither covers the other: an unusable page-tree
    /// node is a loss the parser observed directly, while a declared count above the
    /// pages found catches losses that left the tree structurally walkable (a truncated
    /// `Kids` array, say). A declared count *below* what was found is not a loss — some
    /// writers simply understate `/Count`.
    pub fn pages_incomplete(&self) -> bool {
        self.unresolved_page_nodes > 0
            || self
                .declared_page_count
                .is_some_and(|declared| declared > self.found_page_count)
    }
}

/// Why a decoder discarded a text run instead of returning what it decoded.
///
/// Each reason is deliberate policy: emitting mojibake would be worse than emitting
/// nothing. But a discarded run is content the document had and the output does not,
/// so the reason travels with the (empty) result — see [`DecodedText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSuppression {
    /// A composite (Type0/CID) font whose codes could not be resolved to characters.
    ///
    /// The bytes are CID codes; interpreting them as single-byte characters is
    /// categorically wrong rather than merely lossy, so no threshold is consulted —
    /// every such run is discarded.
    CompositeUnresolved,
    /// A simple font whose fallback decode came out as binary noise.
    ///
    /// Judged by control-character density, so unlike [`Self::CompositeUnresolved`]
    /// this one is a heuristic and can in principle be wrong in either direction.
    BinaryDensity,
    /// A simple font that draws its own glyphs (a Type 3 font, or one that embeds its
    /// program) for control codes nothing read gives a character: no base encoding assigns
    /// them one, and neither its `/ToUnicode`, its `/Encoding` nor -- for a Type 1 or CFF
    /// program -- the program's built-in encoding does. An embedded TrueType program's
    /// `post` names and `cmap` are not consulted.
    ///
    /// Sometimes deliberate, as for a glyph standing for part of a cluster another code's
    /// mapping already spells out; sometimes text this crate cannot recover. Either way,
    /// unlike [`Self::BinaryDensity`], nothing was misread -- and the text is lost.
    UnmappedCodes,
}

/// The outcome of decoding one text run.
///
/// `text` is empty whenever `suppressed` is set; the two fields are separate because
/// an empty decode and a discarded decode mean opposite things to a caller trying to
/// report extraction completeness.
#[derive(Debug, Clone, Default)]
pub struct DecodedText {
    /// The decoded text, or empty if nothing was decoded or the run was discarded.
    pub text: String,
    /// Set when the decoder discarded a run it could not read.
    pub suppressed: Option<TextSuppression>,
    /// Codes left without a character although their glyph advances.
    pub undecoded_codes: u32,
}

impl DecodedText {
    /// A successful decode (possibly of an empty run).
    pub fn text(text: String) -> Self {
        Self {
            text,
            suppressed: None,
            undecoded_codes: 0,
        }
    }

    /// A run the decoder discarded, with the reason.
    pub fn suppressed(reason: TextSuppression) -> Self {
        Self {
            text: String::new(),
            suppressed: Some(reason),
            undecoded_codes: 0,
        }
    }
}

/// One glyph's contribution to the text position, as the font declares it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphAdvance {
    /// Horizontal displacement in thousandths of text space (the `w0` of
    /// ISO 32000-1 §9.4.4).
    pub width: f32,
    /// The glyph's vertical displacement, when the font writes vertically.
    pub vertical: Option<VerticalAdvance>,
    /// Whether word spacing (`Tw`) applies: only a single-byte code 32 qualifies,
    /// never a multi-byte code, whatever it maps to.
    pub is_word_space: bool,
}

/// An atomic decoded cluster and the source glyph advances producing it. A ligature's
/// several Unicode scalars stay in one cluster; ranges use sanitized UTF-8 bytes.
#[derive(Debug, Clone)]
pub struct TextCluster {
    pub text: std::ops::Range<usize>,
    pub glyphs: std::ops::Range<usize>,
}

/// A decoded run with optional exact text-to-glyph correspondence. `None` means partial
/// text geometry is unavailable; consumers must preserve the decoded text without guessing.
#[derive(Debug, Clone)]
pub struct DecodedRun {
    pub decoded: DecodedText,
    pub glyphs: Option<Vec<GlyphAdvance>>,
    pub clusters: Option<Vec<TextCluster>>,
}

/// A glyph's displacement in vertical writing mode (ISO 32000-1 §9.7.4.3), in thousandths
/// of text space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerticalAdvance {
    /// The vertical displacement `w1y`: how far the text position moves along y after the
    /// glyph, negative for the downward advance of the default direction.
    pub advance: f32,
    /// The position vector `(vx, vy)`: from the glyph's horizontal-mode origin to the
    /// origin the text position names.
    pub origin: (f32, f32),
}

/// Abstract interface for PDF document access.
///
/// Implementations provide page enumeration, font info, content stream
/// decoding, and text decoding — without exposing any concrete PDF library types.
pub trait PdfBackend: Send + Sync {
    /// Return all pages as (page_number → PageId).
    fn pages(&self) -> BTreeMap<u32, PageId>;

    /// Return the fonts the names in `scope` can refer to.
    fn page_fonts(&self, scope: ResourceScope) -> Result<Vec<BackendFontInfo>>;

    /// Return the raw (decompressed) content stream bytes for a page.
    ///
    /// Fails when none of the page's content streams can be decoded. A page split across
    /// several streams may still lose some of them here without failing --
    /// [`page_content_with_losses`](Self::page_content_with_losses) reports those.
    fn page_content(&self, page: PageId) -> Result<Vec<u8>>;

    /// Like [`page_content`](Self::page_content), but also reports content streams that
    /// could not be decoded.
    ///
    /// Defaults to "nothing dropped" so a backend that cannot tell partial decoding apart
    /// does not claim a loss it did not observe -- the same default as [`integrity`](Self::integrity).
    fn page_content_with_losses(&self, page: PageId) -> Result<PageContent> {
        self.page_content(page).map(PageContent::complete)
    }

    /// Parse raw content stream bytes into a sequence of operations.
    fn decode_content(&self, data: &[u8]) -> Result<Vec<ContentOp>>;

    /// Decode a text byte sequence using the encoding of the font `font_name` names in
    /// `scope`. Falls back to simple decoding if the font or encoding is unavailable.
    ///
    /// Implementations must return text: no C0/C1 control characters other than
    /// `\n`, `\r` and `\t`. PDF string literals may legally contain control bytes,
    /// and reporting one back as text corrupts every output format and cannot cross
    /// the C ABI at all. Pass results through
    /// [`sanitize_extracted_text`](super::sanitize::sanitize_extracted_text) —
    /// on the way out, so any decode-quality judgement still sees the raw density.
    ///
    /// A decoder that gives up on a run must say so via
    /// [`DecodedText::suppressed`] rather than returning a bare empty string:
    /// "this run was discarded" and "this run held no text" look identical to the
    /// caller otherwise, and the difference is the whole of the caller's diagnostic.
    fn decode_text(&self, scope: ResourceScope, font_name: &[u8], bytes: &[u8]) -> DecodedText;

    /// Decode and measure once when exact partial-run geometry is needed. The default
    /// retains existing backend decoding and widths without claiming exact correspondence.
    fn decode_run(&self, scope: ResourceScope, font_name: &[u8], bytes: &[u8]) -> DecodedRun {
        DecodedRun {
            decoded: self.decode_text(scope, font_name, bytes),
            glyphs: self.glyph_advances(scope, font_name, bytes),
            clusters: None,
        }
    }

    /// The advance of each code in `bytes`, as the font `font_name` names in `scope`
    /// declares it.
    ///
    /// `None` when the font's widths are not available to this backend (no `/Widths`,
    /// a CMap other than Identity, a font it cannot resolve): the caller then has no
    /// measured extent for the run and falls back to estimating one. Defaults to
    /// `None` so a backend that cannot read widths never claims a measurement.
    fn glyph_advances(
        &self,
        _scope: ResourceScope,
        _font_name: &[u8],
        _bytes: &[u8],
    ) -> Option<Vec<GlyphAdvance>> {
        None
    }

    /// Whether the font `font_name` names in `scope` writes vertically, so that a `TJ`
    /// adjustment moves the text position along y rather than x.
    ///
    /// `false` for a font this backend cannot measure: with no advances there is no
    /// position to move either way.
    fn is_vertical_font(&self, _scope: ResourceScope, _font_name: &[u8]) -> bool {
        false
    }

    /// Return raw metadata (version, info dict fields, encryption status).
    fn metadata(&self) -> PdfMetadataRaw;

    /// The page's box (its `/MediaBox`, inherited from the Pages tree when the page does
    /// not set one). Falls back to [`PageBox::LETTER`] when no usable box is found.
    fn page_box(&self, page: PageId) -> PageBox;

    /// Return page dimensions (width, height) in points — the size of [`page_box`].
    ///
    /// [`page_box`]: PdfBackend::page_box
    fn page_dimensions(&self, page: PageId) -> (f32, f32) {
        let b = self.page_box(page);
        (b.width(), b.height())
    }

    /// The page's visible region: its `/CropBox` (inherited when the page does not set one)
    /// clipped to its box — what a viewer shows. Defaults to [`page_box`] when there is no
    /// crop box, or it does not overlap the page box.
    ///
    /// [`page_box`]: PdfBackend::page_box
    fn crop_box(&self, page: PageId) -> PageBox {
        self.page_box(page)
    }

    /// The page's `/Rotate` (inherited when the page does not set one), normalized to
    /// 0, 90, 180 or 270: how far clockwise the page is turned for display. Defaults to 0.
    fn page_rotation(&self, _page: PageId) -> u16 {
        0
    }

    /// The areas the page's strike-out annotations cover (ISO 32000-1 §12.5.6.10): one box per
    /// quadrilateral of each `/StrikeOut` annotation's `/QuadPoints`, in default user space.
    /// Defaults to none.
    fn struck_out_areas(&self, _page: PageId) -> Vec<PageBox> {
        Vec::new()
    }

    /// URI link annotations in default page coordinates, in annotation order. Internal
    /// destinations and other actions are omitted. Defaults to no annotations.
    fn link_annotations(&self, _page: PageId) -> LinkAnnotations {
        LinkAnnotations::default()
    }

    /// Return the document outline (bookmarks) as a tree.
    /// Implementations must handle cycle detection and depth limits.
    fn outline(&self) -> Result<Vec<RawOutlineItem>>;

    /// Return the image XObjects a page's resources hold, including those of the Form
    /// XObjects it paints. An image reached through a form is named `{form}_{image}`.
    fn page_xobjects(&self, page: PageId) -> Result<Vec<RawXObject>>;

    /// What the XObject `name` is, in `scope`. `None` when the name does not resolve.
    ///
    /// Defaults to `None` -- every `Do` stays opaque -- so a backend that cannot read
    /// XObjects never claims to know what one paints.
    fn xobject(&self, _scope: ResourceScope, _name: &[u8]) -> Option<PaintedXObject> {
        None
    }

    /// The image XObject `name` refers to in `scope`, decoded as far as its filters go —
    /// what a rasterizer paints for `Do`. `None` when the name is not an image.
    fn image_xobject(&self, _scope: ResourceScope, _name: &[u8]) -> Option<RawXObject> {
        None
    }

    /// The inline image whose `BI` operator carries `body` (its dictionary, `ID` and data),
    /// decoded as far as its filters go — what a rasterizer paints for `BI`. A named color
    /// space resolves in `scope`. `None` when the body is not one this reads.
    fn inline_image(&self, _scope: ResourceScope, _body: &[u8]) -> Option<RawXObject> {
        None
    }

    /// The `/Shading` resource `name` refers to in `scope` — what `sh` paints. `None` when
    /// the name does not resolve or the shading is not an axial or radial one this reads.
    fn shading(&self, _scope: ResourceScope, _name: &[u8]) -> Option<Shading> {
        None
    }

    /// The shading pattern (`/PatternType 2`) the `/Pattern` resource `name` refers to in
    /// `scope`, with its `/Matrix` (pattern space → the default space of the page, or of the
    /// form whose resources hold it). `None` for a tiling pattern, or a shading this does not
    /// read.
    fn shading_pattern(&self, _scope: ResourceScope, _name: &[u8]) -> Option<(Shading, [f32; 6])> {
        None
    }

    /// The tiling pattern the `/Pattern` resource `name` refers to in `scope`. `None` for a
    /// shading pattern, or a dictionary without the cell's `/BBox` and steps.
    fn tiling_pattern(&self, _scope: ResourceScope, _name: &[u8]) -> Option<TilingPattern> {
        None
    }

    /// Whether the `/ColorSpace` resource `name` refers to in `scope` is a `Pattern` space:
    /// `Some(base)`, where `base` is the space an uncolored pattern's color is given in (`None`
    /// when the space has no base, or one this does not convert).
    fn named_pattern_space(
        &self,
        _scope: ResourceScope,
        _name: &[u8],
    ) -> Option<Option<ImageColorSpace>> {
        None
    }

    /// The `/ExtGState` resource `name` refers to in `scope`.
    fn ext_gstate(&self, _scope: ResourceScope, _name: &[u8]) -> Option<ExtGState> {
        None
    }

    /// The embedded program of the font `font_name` refers to in `scope`, with how its codes
    /// select glyphs. `None` for a font with no program this reads (not embedded, Type 3)
    /// or a composite font under a CMap other than `Identity-H`/`-V`.
    fn font_program(&self, _scope: ResourceScope, _font_name: &[u8]) -> Option<FontProgram> {
        None
    }

    /// The font's declared bounding box in text space, or `None` when it has no usable box.
    fn font_bounds(&self, _scope: ResourceScope, _font_name: &[u8]) -> Option<PageBox> {
        None
    }

    /// The Type 3 font `font_name` refers to in `scope`. `None` for any other font.
    fn type3_font(&self, _scope: ResourceScope, _font_name: &[u8]) -> Option<Type3Font> {
        None
    }

    /// The `/ColorSpace` resource `name` refers to in `scope`, as far as converting colors
    /// in it needs (`cs`/`CS` with a named space).
    fn named_color_space(&self, _scope: ResourceScope, _name: &[u8]) -> Option<ImageColorSpace> {
        None
    }

    /// Extract AcroForm fields from the document.
    fn acroform_fields(&self) -> Vec<FormField> {
        vec![]
    }

    /// Report what reading the document structure had to drop.
    ///
    /// Defaults to "nothing dropped" so a backend that cannot distinguish partial
    /// recovery does not claim damage it did not observe.
    fn integrity(&self) -> DocumentIntegrity {
        DocumentIntegrity::default()
    }
}

// Re-export decode_text_simple as pub for external consumers.
pub use super::font::decode_text_simple;

/// Helper: extract a number from a [`PdfValue`].
pub fn get_number_from_value(val: &PdfValue) -> Option<f32> {
    match val {
        PdfValue::Integer(i) => Some(*i as f32),
        PdfValue::Real(r) => Some(*r),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// RawBackend — concrete implementation backed by custom parser
// ---------------------------------------------------------------------------

use super::raw::content as raw_content;
use super::raw::stream as raw_stream;
use super::raw::tokenizer::{
    dict_get as raw_dict_get, PdfDict as RawPdfDict, PdfObject as RawPdfObject,
};
use super::raw::RawDocument;

/// Concrete [`PdfBackend`] backed by the custom `RawDocument` parser.
pub struct RawBackend {
    doc: RawDocument,
    font_resolver: RawFontResolver,
}

impl RawBackend {
    /// Load from a file path.
    pub fn load_file<P: AsRef<std::path::Path>>(path: P) -> Result<Self> {
        Self::load_file_with_password(path, None)
    }

    /// Load from a file path, offering `password` to an encrypted document.
    pub fn load_file_with_password<P: AsRef<std::path::Path>>(
        path: P,
        password: Option<&str>,
    ) -> Result<Self> {
        let data = std::fs::read(path).map_err(Error::Io)?;
        Self::load_bytes_with_password(&data, password)
    }

    /// Load from an in-memory byte slice.
    pub fn load_bytes(data: &[u8]) -> Result<Self> {
        Self::load_bytes_with_password(data, None)
    }

    /// Load from an in-memory byte slice, offering `password` to an encrypted document.
    pub fn load_bytes_with_password(data: &[u8], password: Option<&str>) -> Result<Self> {
        let doc = RawDocument::load_with_password(data, password)?;
        Ok(Self {
            doc,
            font_resolver: RawFontResolver::new(),
        })
    }

    /// Load from a reader.
    pub fn load_reader<R: std::io::Read>(reader: R) -> Result<Self> {
        Self::load_reader_with_password(reader, None)
    }

    /// Load from a reader, offering `password` to an encrypted document.
    pub fn load_reader_with_password<R: std::io::Read>(
        mut reader: R,
        password: Option<&str>,
    ) -> Result<Self> {
        let mut data = Vec::new();
        reader.read_to_end(&mut data)?;
        Self::load_bytes_with_password(&data, password)
    }

    /// Check if the document is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.doc.is_encrypted()
    }
}

impl PdfBackend for RawBackend {
    fn pages(&self) -> BTreeMap<u32, PageId> {
        self.doc.pages()
    }

    fn integrity(&self) -> DocumentIntegrity {
        let scan = self.doc.scan_page_tree();
        DocumentIntegrity {
            declared_page_count: self.doc.declared_page_count(),
            found_page_count: scan.pages.len() as u32,
            unresolved_page_nodes: scan.unresolved_nodes,
            skipped_object_count: self.doc.skipped_object_count(),
            xref_reconstructed: self.doc.xref_reconstructed(),
        }
    }

    fn page_fonts(&self, scope: ResourceScope) -> Result<Vec<BackendFontInfo>> {
        Ok(self.font_resolver.page_fonts(&self.doc, scope))
    }

    fn page_content(&self, page_id: PageId) -> Result<Vec<u8>> {
        // Without the loss count an empty result would read as an empty page, so losing
        // every stream is an error on this path.
        let content = self.page_content_with_losses(page_id)?;
        if content.data.is_empty() && content.undecodable_streams > 0 {
            return Err(Error::PdfParse(format!(
                "none of the page's {} content stream(s) could be decoded",
                content.undecodable_streams
            )));
        }
        Ok(content.data)
    }

    fn page_content_with_losses(&self, page_id: PageId) -> Result<PageContent> {
        let page_dict = self
            .doc
            .get_dict(page_id)
            .map_err(|e| Error::PdfParse(e.to_string()))?;

        // `/Contents` is optional: a page without it is empty by definition, not damaged,
        // so there is nothing to fail and nothing lost to count.
        let Some(contents) = raw_dict_get(page_dict, b"Contents") else {
            return Ok(PageContent::complete(Vec::new()));
        };

        let contents = self.doc.resolve(contents);

        // A page's only content stream failing to decode is the same loss as one part of a
        // content array failing (below), so it is counted the same way rather than failing
        // here. A strict caller fails the page on the count; a lenient one keeps the page and
        // reports it -- which an error at this point would have left it unable to do.
        match contents {
            RawPdfObject::Reference(n, g) => {
                let obj = self
                    .doc
                    .get_object((*n, *g))
                    .ok_or_else(|| Error::PdfParse("Content stream not found".to_string()))?;
                let resolved = self.doc.resolve(obj);
                if let Some(stream) = resolved.as_stream() {
                    return Ok(raw_stream::decompress(stream).map_or_else(
                        |_| PageContent::one_undecodable_stream(),
                        PageContent::complete,
                    ));
                }
                Err(Error::PdfParse("Invalid content stream".to_string()))
            }
            RawPdfObject::Stream(stream) => Ok(raw_stream::decompress(stream).map_or_else(
                |_| PageContent::one_undecodable_stream(),
                PageContent::complete,
            )),
            RawPdfObject::Array(arr) => {
                let mut content = Vec::new();
                let mut undecodable_streams = 0;
                for item in arr {
                    let resolved = self.doc.resolve(item);
                    // A part the file does not hold (a truncated file) or that is not a
                    // stream is content lost just as an undecodable one is: counted, so the
                    // page does not pass for complete (eviStream patch, see PATCHES.md).
                    let stream_obj = match resolved {
                        RawPdfObject::Stream(s) => s,
                        RawPdfObject::Reference(n, g) => {
                            if let Some(obj) = self.doc.get_object((*n, *g)) {
                                let obj = self.doc.resolve(obj);
                                match obj.as_stream() {
                                    Some(s) => s,
                                    None => {
                                        undecodable_streams += 1;
                                        continue;
                                    }
                                }
                            } else {
                                undecodable_streams += 1;
                                continue;
                            }
                        }
                        _ => {
                            undecodable_streams += 1;
                            continue;
                        }
                    };
                    // A part that cannot be decoded is left out and counted, not hidden:
                    // the other parts still carry content, but the page is incomplete.
                    match raw_stream::decompress(stream_obj) {
                        Ok(data) => {
                            content.extend_from_slice(&data);
                            content.push(b' ');
                        }
                        Err(_) => undecodable_streams += 1,
                    }
                }
                Ok(PageContent {
                    data: content,
                    undecodable_streams,
                })
            }
            _ => Err(Error::PdfParse("Invalid content stream".to_string())),
        }
    }

    fn decode_content(&self, data: &[u8]) -> Result<Vec<ContentOp>> {
        raw_content::parse_content_stream(data)
    }

    fn decode_text(&self, scope: ResourceScope, font_name: &[u8], bytes: &[u8]) -> DecodedText {
        // Sanitising here — at the outermost return, not inside the decode paths —
        // is deliberate: the inner resolver judges suspect decodes by control-character
        // density, and that evidence must survive until after it has decided.
        let decoded = self
            .font_resolver
            .decode_text(&self.doc, scope, font_name, bytes);
        DecodedText {
            text: sanitize_extracted_text(decoded.text),
            ..decoded
        }
    }

    fn glyph_advances(
        &self,
        scope: ResourceScope,
        font_name: &[u8],
        bytes: &[u8],
    ) -> Option<Vec<GlyphAdvance>> {
        self.font_resolver
            .glyph_advances(&self.doc, scope, font_name, bytes)
    }

    fn decode_run(&self, scope: ResourceScope, font_name: &[u8], bytes: &[u8]) -> DecodedRun {
        let mut mapping = Some(Vec::new());
        let decoded =
            self.font_resolver
                .decode_text_mapped(&self.doc, scope, font_name, bytes, &mut mapping);
        if mapping.is_none() {
            return DecodedRun {
                decoded: DecodedText {
                    text: sanitize_extracted_text(decoded.text),
                    ..decoded
                },
                glyphs: self.glyph_advances(scope, font_name, bytes),
                clusters: None,
            };
        }
        let measured = self
            .font_resolver
            .find_font(&self.doc, scope, font_name)
            .and_then(|font| {
                self.font_resolver
                    .with_font_metrics(&self.doc, &font, |m| m.advances_with_ranges(bytes))
            });
        super::decoded_run::finish(decoded, mapping, measured, bytes.len())
    }

    fn is_vertical_font(&self, scope: ResourceScope, font_name: &[u8]) -> bool {
        self.font_resolver
            .is_vertical_font(&self.doc, scope, font_name)
    }

    fn metadata(&self) -> PdfMetadataRaw {
        let trailer = self.doc.trailer();
        let mut meta = PdfMetadataRaw {
            version: self.doc.version.clone(),
            encrypted: self.doc.is_encrypted(),
            ..Default::default()
        };

        if let Some(info_ref) = raw_dict_get(trailer, b"Info") {
            if let Some((n, g)) = info_ref.as_reference() {
                if let Ok(info_dict) = self.doc.get_dict((n, g)) {
                    meta.title = raw_get_string(&self.doc, info_dict, b"Title");
                    meta.author = raw_get_string(&self.doc, info_dict, b"Author");
                    meta.subject = raw_get_string(&self.doc, info_dict, b"Subject");
                    meta.keywords = raw_get_string(&self.doc, info_dict, b"Keywords");
                    meta.creator = raw_get_string(&self.doc, info_dict, b"Creator");
                    meta.producer = raw_get_string(&self.doc, info_dict, b"Producer");
                    meta.creation_date = raw_get_string(&self.doc, info_dict, b"CreationDate");
                    meta.mod_date = raw_get_string(&self.doc, info_dict, b"ModDate");
                }
            }
        }

        meta
    }

    fn page_box(&self, page: PageId) -> PageBox {
        inherited_page_attr(&self.doc, page, b"MediaBox")
            .and_then(|obj| page_box_from_array(&self.doc, obj))
            .unwrap_or(PageBox::LETTER)
    }

    fn crop_box(&self, page: PageId) -> PageBox {
        let media = self.page_box(page);
        inherited_page_attr(&self.doc, page, b"CropBox")
            .and_then(|obj| page_box_from_array(&self.doc, obj))
            .and_then(|crop| {
                let clipped = PageBox {
                    llx: crop.llx.max(media.llx),
                    lly: crop.lly.max(media.lly),
                    urx: crop.urx.min(media.urx),
                    ury: crop.ury.min(media.ury),
                };
                (clipped.width() > 0.0 && clipped.height() > 0.0).then_some(clipped)
            })
            .unwrap_or(media)
    }

    fn page_rotation(&self, page: PageId) -> u16 {
        let degrees = inherited_page_attr(&self.doc, page, b"Rotate")
            .map(|obj| self.doc.resolve(obj))
            .and_then(|obj| obj.as_f32())
            .unwrap_or(0.0) as i64;
        // `/Rotate` must be a multiple of 90; anything else is read as the nearest one.
        let quarter = ((degrees as f64 / 90.0).round() as i64).rem_euclid(4);
        (quarter * 90) as u16
    }

    fn struck_out_areas(&self, page: PageId) -> Vec<PageBox> {
        // A hostile file can carry any number of annotations; past this many quadrilaterals the
        // rest are left unread.
        const MAX_QUADS: usize = 4096;
        let Ok(dict) = self.doc.get_dict(page) else {
            return Vec::new();
        };
        let Some(annots) =
            raw_dict_get(dict, b"Annots").and_then(|a| self.doc.resolve(a).as_array())
        else {
            return Vec::new();
        };
        let mut areas = Vec::new();
        for annot in annots {
            let Some(annot) = raw_resolve_dict(&self.doc, annot) else {
                continue;
            };
            if raw_dict_get(annot, b"Subtype").and_then(|s| s.as_name())
                != Some(b"StrikeOut".as_slice())
            {
                continue;
            }
            let Some(points) =
                raw_dict_get(annot, b"QuadPoints").and_then(|q| self.doc.resolve(q).as_array())
            else {
                continue;
            };
            let numbers: Vec<f32> = points
                .iter()
                .map_while(|v| self.doc.resolve(v).as_f32())
                .collect();
            for quad in numbers.as_chunks::<8>().0 {
                if areas.len() >= MAX_QUADS {
                    return areas;
                }
                let (xs, ys) = (
                    [quad[0], quad[2], quad[4], quad[6]],
                    [quad[1], quad[3], quad[5], quad[7]],
                );
                let area = PageBox {
                    llx: xs.iter().copied().fold(f32::MAX, f32::min),
                    lly: ys.iter().copied().fold(f32::MAX, f32::min),
                    urx: xs.iter().copied().fold(f32::MIN, f32::max),
                    ury: ys.iter().copied().fold(f32::MIN, f32::max),
                };
                if area.width() > 0.0 && area.height() > 0.0 {
                    areas.push(area);
                }
            }
        }
        areas
    }

    fn link_annotations(&self, page: PageId) -> LinkAnnotations {
        super::link::read_annotations(&self.doc, page)
    }

    fn outline(&self) -> Result<Vec<RawOutlineItem>> {
        const MAX_DEPTH: u8 = 64;
        let mut items = Vec::new();
        let mut visited = std::collections::HashSet::new();

        let catalog = self.doc.catalog()?;
        if let Some(outlines_obj) = raw_dict_get(catalog, b"Outlines") {
            let outlines_obj = self.doc.resolve(outlines_obj);
            let outlines_dict = match outlines_obj {
                RawPdfObject::Dict(d) => Some(d),
                RawPdfObject::Reference(n, g) => self.doc.get_dict((*n, *g)).ok(),
                _ => None,
            };

            if let Some(outlines_dict) = outlines_dict {
                if let Some(first) = raw_dict_get(outlines_dict, b"First") {
                    if let Some(first_ref) = first.as_reference() {
                        self.collect_outline_items(
                            first_ref,
                            0,
                            MAX_DEPTH,
                            &mut items,
                            &mut visited,
                        );
                    }
                }
            }
        }

        Ok(items)
    }

    fn page_xobjects(&self, page: PageId) -> Result<Vec<RawXObject>> {
        // Fail on a page that is not there, as before; a page without resources has no images.
        self.doc
            .get_dict(page)
            .map_err(|e| Error::PdfParse(e.to_string()))?;

        let mut xobjects = Vec::new();
        let mut walk = XObjectWalk::default();
        self.collect_images(ResourceScope::page(page), "", 0, &mut walk, &mut xobjects);
        Ok(xobjects)
    }

    fn xobject(&self, scope: ResourceScope, name: &[u8]) -> Option<PaintedXObject> {
        let id = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| named_xobject(&self.doc, res, name))?;
        let stream = self.doc.resolve(self.doc.get_object(id)?).as_stream()?;
        let subtype = raw_dict_get(&stream.dict, b"Subtype").and_then(|s| s.as_name());
        Some(match subtype {
            Some(b"Form") => PaintedXObject::Form(form_of(&self.doc, id, stream)),
            Some(b"Image") => PaintedXObject::Image,
            _ => PaintedXObject::Other,
        })
    }

    fn image_xobject(&self, scope: ResourceScope, name: &[u8]) -> Option<RawXObject> {
        let id = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| named_xobject(&self.doc, res, name))?;
        let stream = self.doc.resolve(self.doc.get_object(id)?).as_stream()?;
        let subtype = raw_dict_get(&stream.dict, b"Subtype").and_then(|s| s.as_name());
        if subtype != Some(b"Image".as_slice()) {
            return None;
        }
        Some(self.read_image(stream, String::from_utf8_lossy(name).into_owned(), 0))
    }

    fn inline_image(&self, scope: ResourceScope, body: &[u8]) -> Option<RawXObject> {
        let (dict, data) = inline_image_parts(body)?;
        let stream = super::raw::tokenizer::PdfStream {
            dict,
            raw_data: data.to_vec(),
        };
        // An inline image has no soft mask (§8.9.7): read it as one already nested.
        let mut image = self.read_image(&stream, "inline".to_string(), 1);
        // A space by name other than the device ones is a `/ColorSpace` resource.
        if image.color.is_none() {
            if let Some(name) = raw_dict_get(&stream.dict, b"ColorSpace").and_then(|v| v.as_name())
            {
                image.color = self.named_color_space(scope, name);
            }
        }
        Some(image)
    }

    fn shading(&self, scope: ResourceScope, name: &[u8]) -> Option<Shading> {
        let obj = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"Shading")?;
                raw_dict_get(sub.dict, name).cloned()
            })?;
        read_shading(&self.doc, &obj)
    }

    fn shading_pattern(&self, scope: ResourceScope, name: &[u8]) -> Option<(Shading, [f32; 6])> {
        let obj = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"Pattern")?;
                raw_dict_get(sub.dict, name).cloned()
            })?;
        let dict = match self.doc.resolve(&obj) {
            RawPdfObject::Dict(dict) => dict,
            RawPdfObject::Stream(stream) => &stream.dict,
            _ => return None,
        };
        let pattern_type =
            raw_dict_get(dict, b"PatternType").and_then(|v| self.doc.resolve(v).as_i64());
        if pattern_type != Some(2) {
            return None;
        }
        let shading = read_shading(&self.doc, raw_dict_get(dict, b"Shading")?)?;
        let matrix = raw_dict_get(dict, b"Matrix")
            .and_then(|m| matrix_from(&self.doc, m))
            .unwrap_or(IDENTITY_MATRIX);
        Some((shading, matrix))
    }

    fn tiling_pattern(&self, scope: ResourceScope, name: &[u8]) -> Option<TilingPattern> {
        let id = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"Pattern")?;
                raw_dict_get(sub.dict, name)?.as_reference()
            })?;
        // A tiling pattern is a stream, and a stream is always an indirect object.
        let stream = self.doc.resolve(self.doc.get_object(id)?).as_stream()?;
        let dict = &stream.dict;
        let int = |key: &[u8]| raw_dict_get(dict, key).and_then(|v| self.doc.resolve(v).as_i64());
        let num = |key: &[u8]| raw_dict_get(dict, key).and_then(|v| self.doc.resolve(v).as_f32());
        if int(b"PatternType") != Some(1) {
            return None;
        }
        Some(TilingPattern {
            id,
            uncolored: int(b"PaintType") == Some(2),
            bbox: raw_dict_get(dict, b"BBox").and_then(|b| page_box_from_array(&self.doc, b))?,
            x_step: num(b"XStep")?,
            y_step: num(b"YStep")?,
            matrix: raw_dict_get(dict, b"Matrix")
                .and_then(|m| matrix_from(&self.doc, m))
                .unwrap_or(IDENTITY_MATRIX),
            ops: raw_stream::decompress(stream)
                .ok()
                .and_then(|data| self.decode_content(&data).ok())
                .map(|mut ops| {
                    for op in &mut ops {
                        op.form = Some(id);
                    }
                    ops
                }),
        })
    }

    fn named_pattern_space(
        &self,
        scope: ResourceScope,
        name: &[u8],
    ) -> Option<Option<ImageColorSpace>> {
        let space = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"ColorSpace")?;
                raw_dict_get(sub.dict, name).cloned()
            })?;
        let doc = &self.doc;
        match doc.resolve(&space) {
            RawPdfObject::Name(n) if n.as_slice() == b"Pattern" => Some(None),
            RawPdfObject::Array(arr)
                if arr
                    .first()
                    .and_then(|o| doc.resolve(o).as_name())
                    .is_some_and(|f| f == b"Pattern") =>
            {
                Some(
                    arr.get(1)
                        .and_then(|base| resolve_image_color_space(doc, base, 1)),
                )
            }
            _ => None,
        }
    }

    fn ext_gstate(&self, scope: ResourceScope, name: &[u8]) -> Option<ExtGState> {
        let dict = resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"ExtGState")?;
                raw_resolve_dict(&self.doc, raw_dict_get(sub.dict, name)?)
            })?;
        let number = |key: &[u8]| {
            raw_dict_get(dict, key)
                .map(|v| self.doc.resolve(v))
                .and_then(|v| v.as_f32())
        };
        let blend_mode = raw_dict_get(dict, b"BM")
            .map(|v| self.doc.resolve(v))
            .and_then(|v| match v.as_name() {
                Some(name) => BlendMode::from_name(name),
                None => v.as_array().and_then(|names| {
                    names
                        .iter()
                        .find_map(|n| self.doc.resolve(n).as_name().and_then(BlendMode::from_name))
                }),
            });
        let soft_mask = raw_dict_get(dict, b"SMask").and_then(|v| {
            let v = self.doc.resolve(v);
            if v.as_name() == Some(b"None".as_slice()) {
                return Some(SoftMaskEntry::None);
            }
            let mask = raw_resolve_dict(&self.doc, v)?;
            let group_ref = raw_dict_get(mask, b"G")?.as_reference()?;
            let stream = self
                .doc
                .resolve(self.doc.get_object(group_ref)?)
                .as_stream()?;
            let luminosity = raw_dict_get(mask, b"S")
                .and_then(|s| self.doc.resolve(s).as_name())
                .is_some_and(|s| s == b"Luminosity");
            // `/BC` is in the group's color space: it counts only when it has that space's
            // components (a group without a `/CS` has the page's, taken as RGB); otherwise
            // the backdrop is black.
            let components = group_components(&self.doc, stream);
            let backdrop = raw_dict_get(mask, b"BC")
                .and_then(|bc| self.doc.resolve(bc).as_array())
                .map(|items| {
                    let parts: Vec<f32> = items
                        .iter()
                        .filter_map(|n| self.doc.resolve(n).as_f32())
                        .collect();
                    match (parts.len() == components, &parts[..]) {
                        (true, &[g]) => [g, g, g],
                        (true, &[r, g, b]) => [r, g, b],
                        (true, &[c, m, y, k]) => [
                            (1.0 - c) * (1.0 - k),
                            (1.0 - m) * (1.0 - k),
                            (1.0 - y) * (1.0 - k),
                        ],
                        _ => [0.0; 3],
                    }
                })
                .unwrap_or([0.0; 3]);
            let transfer_function = raw_dict_get(mask, b"TR")
                .map(|t| self.doc.resolve(t))
                .is_some_and(|t| t.as_name() != Some(b"Identity".as_slice()));
            Some(SoftMaskEntry::Mask(SoftMask {
                luminosity,
                group: form_of(&self.doc, group_ref, stream),
                backdrop,
                transfer_function,
            }))
        });
        Some(ExtGState {
            soft_mask,
            line_width: number(b"LW"),
            blend_mode,
            stroke_alpha: number(b"CA"),
            fill_alpha: number(b"ca"),
        })
    }

    fn font_program(&self, scope: ResourceScope, font_name: &[u8]) -> Option<FontProgram> {
        self.font_resolver.font_program(&self.doc, scope, font_name)
    }

    fn font_bounds(&self, scope: ResourceScope, font_name: &[u8]) -> Option<PageBox> {
        let doc = &self.doc;
        let font = self.font_resolver.find_font(doc, scope, font_name)?;
        let dict = if font.is_composite() {
            self.font_resolver.cid_font_dict(doc, &font)?
        } else {
            font.dict
        };
        let is_type3 =
            raw_dict_get(dict, b"Subtype").and_then(|s| s.as_name()) == Some(b"Type3".as_slice());
        let (dict, matrix) = if is_type3 {
            (
                dict,
                raw_dict_get(dict, b"FontMatrix").and_then(|m| matrix_from(doc, m))?,
            )
        } else {
            let descriptor =
                raw_dict_get(dict, b"FontDescriptor").and_then(|d| raw_resolve_dict(doc, d))?;
            (descriptor, [0.001, 0.0, 0.0, 0.001, 0.0, 0.0])
        };
        let bbox = raw_dict_get(dict, b"FontBBox").and_then(|b| page_box_from_array(doc, b))?;
        let [a, b, c, d, e, f] = matrix;
        let points = [
            (bbox.llx, bbox.lly),
            (bbox.llx, bbox.ury),
            (bbox.urx, bbox.lly),
            (bbox.urx, bbox.ury),
        ]
        .map(|(x, y)| (a * x + c * y + e, b * x + d * y + f));
        points
            .iter()
            .all(|(x, y)| x.is_finite() && y.is_finite())
            .then(|| PageBox {
                llx: points.iter().map(|p| p.0).fold(f32::INFINITY, f32::min),
                lly: points.iter().map(|p| p.1).fold(f32::INFINITY, f32::min),
                urx: points.iter().map(|p| p.0).fold(f32::NEG_INFINITY, f32::max),
                ury: points.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max),
            })
    }

    fn type3_font(&self, scope: ResourceScope, font_name: &[u8]) -> Option<Type3Font> {
        let doc = &self.doc;
        let font = self.font_resolver.find_font(doc, scope, font_name)?;
        let dict = font.dict;
        let subtype = raw_dict_get(dict, b"Subtype").and_then(|s| s.as_name());
        if subtype != Some(b"Type3".as_slice()) {
            return None;
        }
        let matrix = raw_dict_get(dict, b"FontMatrix").and_then(|m| matrix_from(doc, m))?;
        let encoding = raw_dict_get(dict, b"Encoding").and_then(|e| raw_resolve_dict(doc, e))?;
        let procs = raw_dict_get(dict, b"CharProcs").and_then(|p| raw_resolve_dict(doc, p))?;
        let form = match font.key {
            FontKey::Object(id) => Some(id),
            FontKey::Inline { .. } => None,
        };
        let mut glyphs = HashMap::default();
        for (code, name) in self.font_resolver.parse_differences(doc, encoding) {
            let Some(stream) = raw_dict_get(procs, name.as_bytes())
                .map(|p| doc.resolve(p))
                .and_then(|p| p.as_stream())
            else {
                continue;
            };
            let Ok(data) = raw_stream::decompress(stream) else {
                continue;
            };
            let Ok(mut ops) = self.decode_content(&data) else {
                continue;
            };
            for op in &mut ops {
                op.form = form;
            }
            glyphs.insert(code, ops);
        }
        Some(Type3Font { matrix, glyphs })
    }

    fn named_color_space(&self, scope: ResourceScope, name: &[u8]) -> Option<ImageColorSpace> {
        resource_chain(&self.doc, scope)
            .into_iter()
            .find_map(|res| {
                let sub = res.category(&self.doc, b"ColorSpace")?;
                resolve_image_color_space(&self.doc, raw_dict_get(sub.dict, name)?, 0)
            })
    }

    fn acroform_fields(&self) -> Vec<FormField> {
        self.extract_acroform_fields()
    }
}

/// The full key each abbreviation an inline image's dictionary may use stands for
/// (ISO 32000-1 Table 93).
const INLINE_IMAGE_KEYS: &[(&[u8], &[u8])] = &[
    (b"BPC", b"BitsPerComponent"),
    (b"CS", b"ColorSpace"),
    (b"D", b"Decode"),
    (b"DP", b"DecodeParms"),
    (b"F", b"Filter"),
    (b"H", b"Height"),
    (b"IM", b"ImageMask"),
    (b"I", b"Interpolate"),
    (b"L", b"Length"),
    (b"W", b"Width"),
];

/// An inline image's body split into its dictionary, keys written out in full, and its data:
/// the bytes after `ID` and the one whitespace byte that ends it, without the whitespace
/// before `EI`. `None` when the dictionary does not parse or `ID` is missing.
fn inline_image_parts(body: &[u8]) -> Option<(RawPdfDict, &[u8])> {
    use super::raw::tokenizer::parse_object;
    let mut dict = RawPdfDict::new();
    let mut pos = 0;
    loop {
        while pos < body.len() && is_pdf_whitespace(body[pos]) {
            pos += 1;
        }
        if body[pos..].starts_with(b"ID") {
            pos += 2;
            break;
        }
        let (key, after_key) = parse_object(body, pos).ok()?;
        let RawPdfObject::Name(key) = key else {
            return None;
        };
        let (value, after_value) = parse_object(body, after_key).ok()?;
        let key = INLINE_IMAGE_KEYS
            .iter()
            .find(|(short, _)| *short == key.as_slice())
            .map_or(key.clone(), |(_, full)| full.to_vec());
        dict.insert(key, value);
        pos = after_value;
    }
    // One whitespace byte ends `ID`; the whitespace before `EI` is not data.
    let data = body.get(pos + 1..).unwrap_or_default();
    let data = data
        .strip_suffix(b"\r\n")
        .or_else(|| data.strip_suffix(b"\n"))
        .or_else(|| data.strip_suffix(b"\r"))
        .or_else(|| data.strip_suffix(b" "))
        .unwrap_or(data);
    Some((dict, data))
}

fn is_pdf_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0 | 12)
}

/// Read an axial (type 2) or radial (type 3) shading dictionary.
fn read_shading(doc: &RawDocument, obj: &RawPdfObject) -> Option<Shading> {
    let dict = match doc.resolve(obj) {
        RawPdfObject::Dict(dict) => dict,
        RawPdfObject::Stream(stream) => &stream.dict,
        _ => return None,
    };
    let kind = raw_dict_get(dict, b"ShadingType").and_then(|v| doc.resolve(v).as_i64())?;
    let coords = numbers_from(doc, raw_dict_get(dict, b"Coords")?)?;
    let geometry = match (kind, coords.as_slice()) {
        (2, &[x0, y0, x1, y1]) => ShadingGeometry::Axial {
            from: (x0, y0),
            to: (x1, y1),
        },
        (3, &[x0, y0, r0, x1, y1, r1]) if r0 >= 0.0 && r1 >= 0.0 => ShadingGeometry::Radial {
            from: (x0, y0, r0),
            to: (x1, y1, r1),
        },
        _ => return None,
    };
    let color = resolve_image_color_space(doc, raw_dict_get(dict, b"ColorSpace")?, 0)?;
    let function = super::function::Function::read(doc, raw_dict_get(dict, b"Function")?)?;
    let (t0, t1) = match raw_dict_get(dict, b"Domain").and_then(|d| numbers_from(doc, d)) {
        Some(d) if d.len() >= 2 => (d[0], d[1]),
        _ => (0.0, 1.0),
    };
    let extend = match raw_dict_get(dict, b"Extend").map(|e| doc.resolve(e)) {
        Some(RawPdfObject::Array(e)) => {
            let flag = |i: usize| {
                matches!(
                    e.get(i).map(|v| doc.resolve(v)),
                    Some(RawPdfObject::Bool(true))
                )
            };
            (flag(0), flag(1))
        }
        _ => (false, false),
    };
    let components = color.components();
    let samples: Vec<Vec<f32>> = (0..SHADING_SAMPLES)
        .map(|i| {
            let t = t0 + (t1 - t0) * i as f32 / (SHADING_SAMPLES - 1) as f32;
            function.eval(t)
        })
        .collect();
    if samples.iter().any(|s| s.len() < components) {
        return None;
    }
    let bbox = raw_dict_get(dict, b"BBox")
        .and_then(|b| numbers_from(doc, b))
        .and_then(|b| <[f32; 4]>::try_from(b.as_slice()).ok());
    Some(Shading {
        geometry,
        extend,
        color,
        samples,
        bbox,
    })
}

/// What [`RawBackend::collect_images`] has already seen on one page.
#[derive(Default)]
struct XObjectWalk {
    /// Forms already descended into -- a form that paints itself (or an ancestor) is entered once.
    forms: std::collections::HashSet<ObjectId>,
    /// Images already listed -- one image reached by several paths is listed once.
    images: std::collections::HashSet<ObjectId>,
}

/// Forms nested deeper than this are not descended into. Real documents nest a handful of
/// levels; the cap bounds a hostile chain of distinct forms.
pub(crate) const MAX_FORM_DEPTH: usize = 32;

impl RawBackend {
    /// Read an image XObject stream: its samples (the lossless filters applied), geometry,
    /// color space, and — `depth` bounding the chain — its soft mask.
    fn read_image(
        &self,
        stream: &super::raw::tokenizer::PdfStream,
        name: String,
        depth: usize,
    ) -> RawXObject {
        let dict = &stream.dict;
        // The lossless filters are applied whatever the chain (`[/ASCII85Decode
        // /DCTDecode]` hands on the JPEG, `[/ASCII85Decode /FlateDecode]` the
        // samples); `filter` names the image codec still to apply, `None` when `data`
        // is samples. A chain that does not decode leaves the stream's bytes, marked
        // with the reason so they are never read as samples.
        let int = |key: &[u8]| {
            raw_dict_get(dict, key)
                .map(|v| self.doc.resolve(v))
                .and_then(|v| v.as_i64())
        };
        // The most the samples can come to: the dictionary's size in rows of up to four
        // components, a byte per row more for a predictor's tags. A stream that inflates to no
        // more than that is no bomb however well it compresses (a plot with large flat areas).
        let expected = match (int(b"Width"), int(b"Height"), int(b"BitsPerComponent")) {
            (Some(w), Some(h), bpc) if w > 0 && h > 0 => {
                let row = (w
                    .saturating_mul(4)
                    .saturating_mul(bpc.unwrap_or(8).clamp(1, 16))
                    + 7)
                    / 8;
                u64::try_from(row.saturating_add(1).saturating_mul(h)).unwrap_or(0)
            }
            _ => 0,
        };
        let (data, filter) = match raw_stream::decode_image(stream, expected) {
            Ok(decoded) => (decoded.data, decoded.codec.map(str::to_string)),
            Err(_) => (stream.raw_data.clone(), Some(UNDECODED_IMAGE.to_string())),
        };
        let image_mask = matches!(
            raw_dict_get(dict, b"ImageMask").map(|v| self.doc.resolve(v)),
            Some(RawPdfObject::Bool(true))
        );
        let color_space_entry = raw_dict_get(dict, b"ColorSpace");
        let codec_parms = match filter.as_deref() {
            Some("CCITTFaxDecode") => Some(CodecParms::Ccitt(self.ccitt_parms(dict))),
            Some("JBIG2Decode") => Some(CodecParms::Jbig2 {
                globals: self
                    .last_decode_parms(dict)
                    .and_then(|parms| raw_dict_get(parms, b"JBIG2Globals"))
                    .and_then(|g| self.doc.resolve(g).as_stream())
                    .and_then(|g| raw_stream::decompress(g).ok()),
            }),
            _ => None,
        };
        let smask = (depth == 0)
            .then(|| raw_dict_get(dict, b"SMask"))
            .flatten()
            .and_then(|v| self.doc.resolve(v).as_stream())
            .map(|mask| Box::new(self.read_image(mask, format!("{name}_smask"), depth + 1)));
        RawXObject {
            name,
            subtype: "Image".to_string(),
            data,
            filter,
            width: int(b"Width").map(|w| w as u32),
            height: int(b"Height").map(|h| h as u32),
            bits_per_component: if image_mask {
                Some(1)
            } else {
                int(b"BitsPerComponent").map(|b| b as u8)
            },
            color_space: color_space_entry.and_then(|cs| resolve_color_space_name(&self.doc, cs)),
            color: color_space_entry.and_then(|cs| resolve_image_color_space(&self.doc, cs, 0)),
            decode: raw_dict_get(dict, b"Decode").and_then(|d| numbers_from(&self.doc, d)),
            image_mask,
            smask,
            color_key: raw_dict_get(dict, b"Mask").and_then(|m| match self.doc.resolve(m) {
                RawPdfObject::Array(items) => {
                    items.iter().map(|v| self.doc.resolve(v).as_i64()).collect()
                }
                _ => None,
            }),
            codec_parms,
        }
    }

    /// The `/DecodeParms` of the last filter in `dict`'s chain: the image codec's, when the
    /// chain ends in one. `DecodeParms` is a dictionary, or an array parallel to `Filter`.
    fn last_decode_parms<'d>(&'d self, dict: &'d RawPdfDict) -> Option<&'d RawPdfDict> {
        match self.doc.resolve(raw_dict_get(dict, b"DecodeParms")?) {
            RawPdfObject::Dict(parms) => Some(parms),
            RawPdfObject::Array(items) => match self.doc.resolve(items.last()?) {
                RawPdfObject::Dict(parms) => Some(parms),
                _ => None,
            },
            _ => None,
        }
    }

    fn ccitt_parms(&self, dict: &RawPdfDict) -> CcittParms {
        let mut parms = CcittParms::default();
        let Some(given) = self.last_decode_parms(dict) else {
            return parms;
        };
        let value = |key: &[u8]| raw_dict_get(given, key).map(|v| self.doc.resolve(v));
        let int = |key: &[u8]| value(key).and_then(|v| v.as_i64());
        let flag = |key: &[u8]| match value(key) {
            Some(RawPdfObject::Bool(b)) => Some(*b),
            _ => None,
        };
        if let Some(k) = int(b"K") {
            parms.k = k;
        }
        if let Some(columns) = int(b"Columns").and_then(|c| u32::try_from(c).ok()) {
            parms.columns = columns;
        }
        parms.rows = int(b"Rows").and_then(|r| u32::try_from(r).ok());
        parms.black_is_1 = flag(b"BlackIs1").unwrap_or(parms.black_is_1);
        parms.encoded_byte_align = flag(b"EncodedByteAlign").unwrap_or(parms.encoded_byte_align);
        parms.end_of_line = flag(b"EndOfLine").unwrap_or(parms.end_of_line);
        parms.end_of_block = flag(b"EndOfBlock").unwrap_or(parms.end_of_block);
        parms
    }

    /// List the images in `scope`'s XObject resources, descending into its forms.
    fn collect_images(
        &self,
        scope: ResourceScope,
        prefix: &str,
        depth: usize,
        walk: &mut XObjectWalk,
        out: &mut Vec<RawXObject>,
    ) {
        // Listing (unlike looking up one name) uses only the innermost resources: a form's
        // resources are its own, and a page's inherited ones are the page's.
        let Some(res) = resource_chain(&self.doc, scope).into_iter().next() else {
            return;
        };
        let Some(xobjects) = res.category(&self.doc, b"XObject") else {
            return;
        };

        for (name, obj) in xobjects.dict {
            let Some(id) = obj.as_reference() else {
                continue;
            };
            let Some(raw_obj) = self.doc.get_object(id) else {
                continue;
            };
            let Some(stream) = self.doc.resolve(raw_obj).as_stream() else {
                continue;
            };
            let dict = &stream.dict;
            let label = format!("{prefix}{}", String::from_utf8_lossy(name));

            let subtype = raw_dict_get(dict, b"Subtype")
                .and_then(|s| s.as_name())
                .map(|n| String::from_utf8_lossy(n).to_string())
                .unwrap_or_default();

            if subtype == "Form" {
                if depth < MAX_FORM_DEPTH && walk.forms.insert(id) {
                    let inner = ResourceScope::form(scope.page, id);
                    self.collect_images(inner, &format!("{label}_"), depth + 1, walk, out);
                }
                continue;
            }
            if subtype != "Image" || !walk.images.insert(id) {
                continue;
            }

            out.push(self.read_image(stream, label, 0));
        }
    }
}

const IDENTITY_MATRIX: [f32; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// A six-number matrix array (`/Matrix [a b c d e f]`).
/// How many components the color space of a transparency group has: its `/Group` `/CS`
/// (1 for a gray space, 3 for RGB, 4 for CMYK, an ICC profile's `/N`), or 3 -- the page's
/// space, taken as RGB -- when it names none.
fn group_components(doc: &RawDocument, form: &super::raw::tokenizer::PdfStream) -> usize {
    let space = raw_dict_get(&form.dict, b"Group")
        .and_then(|g| raw_resolve_dict(doc, g))
        .and_then(|g| raw_dict_get(g, b"CS"))
        .map(|cs| doc.resolve(cs));
    let family = |name: &[u8]| match name {
        b"DeviceGray" | b"CalGray" | b"G" => Some(1),
        b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
        b"DeviceCMYK" | b"CMYK" => Some(4),
        _ => None,
    };
    match space {
        None => 3,
        Some(space) => match space.as_name() {
            Some(name) => family(name).unwrap_or(3),
            None => space
                .as_array()
                .and_then(|items| {
                    let first = doc.resolve(items.first()?).as_name()?;
                    if first == b"ICCBased" {
                        let profile = doc.resolve(items.get(1)?).as_stream()?;
                        let n = raw_dict_get(&profile.dict, b"N")
                            .and_then(|n| doc.resolve(n).as_f32())?;
                        Some(n as usize)
                    } else {
                        family(first)
                    }
                })
                .unwrap_or(3),
        },
    }
}

/// The form XObject a stream is: its matrix, box, decoded content and whether it is a
/// transparency group.
fn form_of(
    doc: &RawDocument,
    id: ObjectId,
    stream: &super::raw::tokenizer::PdfStream,
) -> FormXObject {
    FormXObject {
        id,
        matrix: raw_dict_get(&stream.dict, b"Matrix")
            .and_then(|m| matrix_from(doc, m))
            .unwrap_or(IDENTITY_MATRIX),
        bbox: raw_dict_get(&stream.dict, b"BBox").and_then(|b| page_box_from_array(doc, b)),
        content: raw_stream::decompress(stream).ok(),
        transparency_group: raw_dict_get(&stream.dict, b"Group")
            .and_then(|g| raw_resolve_dict(doc, g))
            .and_then(|g| raw_dict_get(g, b"S"))
            .and_then(|s| doc.resolve(s).as_name())
            .is_some_and(|s| s == b"Transparency"),
    }
}

fn matrix_from(doc: &RawDocument, obj: &RawPdfObject) -> Option<[f32; 6]> {
    let RawPdfObject::Array(items) = doc.resolve(obj) else {
        return None;
    };
    if items.len() != 6 {
        return None;
    }
    let mut m = [0.0f32; 6];
    for (slot, item) in m.iter_mut().zip(items) {
        *slot = match doc.resolve(item) {
            RawPdfObject::Integer(i) => *i as f32,
            RawPdfObject::Real(r) => *r as f32,
            _ => return None,
        };
    }
    Some(m)
}

/// The program a font's (or CIDFont's) descriptor embeds, in a format this reads:
/// `/FontFile` (Type 1), `/FontFile2` (TrueType) or `/FontFile3` with `/Subtype` `/Type1C`,
/// `/CIDFontType0C` (bare CFF) or `/OpenType`.
fn embedded_font_program(
    doc: &RawDocument,
    font_dict: &RawPdfDict,
) -> Option<(FontFormat, Vec<u8>)> {
    let descriptor = raw_resolve_dict(doc, raw_dict_get(font_dict, b"FontDescriptor")?)?;
    let stream_at = |key: &[u8]| {
        raw_dict_get(descriptor, key)
            .map(|v| doc.resolve(v))
            .and_then(|v| v.as_stream())
    };
    let read = |stream: &super::raw::tokenizer::PdfStream| {
        raw_stream::decompress(stream).unwrap_or_else(|_| stream.raw_data.clone())
    };
    if let Some(stream) = stream_at(b"FontFile2") {
        return Some((FontFormat::TrueType, read(stream)));
    }
    if let Some(stream) = stream_at(b"FontFile") {
        return Some((FontFormat::Type1, read(stream)));
    }
    let stream = stream_at(b"FontFile3")?;
    let format = match raw_dict_get(&stream.dict, b"Subtype").and_then(|s| s.as_name()) {
        Some(b"OpenType") => FontFormat::OpenType,
        Some(b"Type1C") | Some(b"CIDFontType0C") => FontFormat::Cff,
        _ => return None,
    };
    Some((format, read(stream)))
}

/// Whether a font program's weight name is a bold one: Bold, Semibold, Demibold, Extrabold,
/// Black, Heavy and the like — not Medium, Book or Regular.
fn weight_name_is_bold(weight: &str) -> bool {
    let w = weight.to_ascii_lowercase();
    ["bold", "black", "heavy", "demi"]
        .iter()
        .any(|t| w.contains(t))
}

#[cfg(test)]
mod weight_tests {
    use super::*;

    #[test]
    fn bold_weight_names() {
        for w in [
            "Bold",
            "Semibold",
            "DemiBold",
            "Demi",
            "ExtraBold",
            "Black",
            "Heavy",
        ] {
            assert!(weight_name_is_bold(w), "{w}");
        }
        for w in ["Regular", "Medium", "Book", "Light", "Roman"] {
            assert!(!weight_name_is_bold(w), "{w}");
        }
    }

    #[test]
    fn the_os2_weight_class_is_found_by_table_tag() {
        // An sfnt with two table records; OS/2 at offset 48, usWeightClass 700.
        let mut sfnt = vec![0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0];
        sfnt.extend(b"head");
        sfnt.extend([0; 4]);
        sfnt.extend(40u32.to_be_bytes());
        sfnt.extend(4u32.to_be_bytes());
        sfnt.extend(b"OS/2");
        sfnt.extend([0; 4]);
        sfnt.extend(48u32.to_be_bytes());
        sfnt.extend(6u32.to_be_bytes());
        sfnt.extend([0; 4]);
        sfnt.extend([0, 3, 0, 0, 2, 188]);
        assert_eq!(os2_weight_class(&sfnt), Some(700));
        assert_eq!(os2_weight_class(b"nope"), None);
    }
}

/// A TrueType or OpenType program's OS/2 `usWeightClass` (400 regular, 700 bold).
fn os2_weight_class(data: &[u8]) -> Option<u16> {
    let u16_at = |at: usize| Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]));
    let u32_at = |at: usize| {
        let b = data.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let tables = usize::from(u16_at(4)?);
    (0..tables).find_map(|i| {
        let record = 12 + 16 * i;
        (data.get(record..record + 4)? == b"OS/2")
            .then(|| u16_at(usize::try_from(u32_at(record + 8)?).ok()? + 4))
            .flatten()
    })
}

/// A page attribute the page may inherit from its Pages-tree ancestors (ISO 32000-1
/// §7.7.3.4 — `/MediaBox`, `/CropBox`, `/Rotate`, `/Resources`): the page's own value, or
/// the nearest ancestor's. The walk stops at a repeated node or after 64 levels, so a
/// `/Parent` cycle in a damaged file ends the search instead of the process.
fn inherited_page_attr<'d>(
    doc: &'d RawDocument,
    page: PageId,
    key: &[u8],
) -> Option<&'d RawPdfObject> {
    const MAX_TREE_DEPTH: usize = 64;
    let mut node = Some(page);
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = node {
        if seen.len() >= MAX_TREE_DEPTH || !seen.insert(id) {
            return None;
        }
        let dict = doc.get_dict(id).ok()?;
        if let Some(value) = raw_dict_get(dict, key) {
            return Some(value);
        }
        node = raw_dict_get(dict, b"Parent").and_then(|p| p.as_reference());
    }
    None
}

/// A rectangle array `[x1 y1 x2 y2]` as a [`PageBox`], its numbers resolved through
/// indirect references. `None` for anything else, or a box with no area.
fn page_box_from_array(doc: &RawDocument, obj: &RawPdfObject) -> Option<PageBox> {
    let arr = doc.resolve(obj).as_array()?;
    let n = |i: usize| arr.get(i).map(|v| doc.resolve(v)).and_then(|v| v.as_f32());
    let (x1, y1, x2, y2) = (n(0)?, n(1)?, n(2)?, n(3)?);
    let page_box = PageBox {
        llx: x1.min(x2),
        lly: y1.min(y2),
        urx: x1.max(x2),
        ury: y1.max(y2),
    };
    (page_box.width() > 0.0 && page_box.height() > 0.0).then_some(page_box)
}

/// A resource dictionary (or one of its category sub-dictionaries), with the indirect object
/// it is written in: itself when it is one, else the nearest object around it -- the page,
/// Pages node or form whose `/Resources` it is, or the resource dictionary holding it.
///
/// Resources may be written inline at every level, and an inline value has no object id of
/// its own; the holder is what still names it (see [`FontKey`]).
#[derive(Clone, Copy)]
struct ResourceDict<'d> {
    dict: &'d RawPdfDict,
    holder: ObjectId,
}

impl<'d> ResourceDict<'d> {
    /// The entry `key` of `holder`'s dictionary, when it is a dictionary.
    fn entry_of(
        doc: &'d RawDocument,
        holder: ObjectId,
        dict: &'d RawPdfDict,
        key: &[u8],
    ) -> Option<Self> {
        let entry = raw_dict_get(dict, key)?;
        Some(Self {
            dict: raw_resolve_dict(doc, entry)?,
            holder: entry.as_reference().unwrap_or(holder),
        })
    }

    /// The `category` sub-dictionary (`/Font`, `/XObject`, ...).
    fn category(&self, doc: &'d RawDocument, category: &[u8]) -> Option<Self> {
        Self::entry_of(doc, self.holder, self.dict, category)
    }
}

/// The resource dictionaries the names in `scope` resolve through, innermost first: the
/// form's own `/Resources`, then the page's, then each Pages-tree ancestor's -- resources a
/// page inherits (ISO 32000-1 §7.7.3.4).
///
/// Looking a name up walks the whole chain, so a form or page that omits a resource its
/// content uses still finds it further out -- the lenient reading every viewer applies.
fn resource_chain(doc: &RawDocument, scope: ResourceScope) -> Vec<ResourceDict<'_>> {
    const MAX_TREE_DEPTH: usize = 64;
    let resources_of = |id: ObjectId| {
        let dict = doc.get_dict(id).ok()?;
        ResourceDict::entry_of(doc, id, dict, b"Resources")
    };

    let mut chain = Vec::new();
    if let Some(res) = scope.form.and_then(resources_of) {
        chain.push(res);
    }
    let mut node = Some(scope.page);
    let mut seen = std::collections::HashSet::new();
    while let Some(id) = node {
        if seen.len() >= MAX_TREE_DEPTH || !seen.insert(id) {
            break;
        }
        if let Some(res) = resources_of(id) {
            chain.push(res);
        }
        node = doc
            .get_dict(id)
            .ok()
            .and_then(|d| raw_dict_get(d, b"Parent"))
            .and_then(|p| p.as_reference());
    }
    chain
}

/// The XObject `name` refers to in `resources`. An XObject is a stream, and a stream is
/// always an indirect object (ISO 32000-1 §7.3.8.1), so it always has an id.
fn named_xobject(doc: &RawDocument, resources: ResourceDict<'_>, name: &[u8]) -> Option<ObjectId> {
    raw_dict_get(resources.category(doc, b"XObject")?.dict, name)?.as_reference()
}

/// Resolve an image XObject's `/ColorSpace` entry to a name.
///
/// `/ICCBased` is the common case for Office-exported images (an embedded sRGB/greyscale/CMYK
/// ICC profile) but carries no component count of its own in the name — that lives on the
/// referenced profile stream's `/N` entry. Consumers that gate on device color space (the PNG
/// re-encoder among them) would otherwise see every `ICCBased` image as unrecognized, so this
/// resolves `/N` (1/3/4 components) to the equivalent `Device*` name up front.
/// Resolve an image's `/ColorSpace` to the structure converting its samples needs.
///
/// `depth` bounds the recursion an `Indexed` base or an `ICCBased` `/Alternate` takes.
fn resolve_image_color_space(
    doc: &RawDocument,
    cs: &RawPdfObject,
    depth: usize,
) -> Option<ImageColorSpace> {
    if depth > 4 {
        return None;
    }
    let by_components = |n: i64| match n {
        1 => Some(ImageColorSpace::Gray),
        3 => Some(ImageColorSpace::Rgb),
        4 => Some(ImageColorSpace::Cmyk),
        _ => None,
    };
    match doc.resolve(cs) {
        RawPdfObject::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(ImageColorSpace::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(ImageColorSpace::Rgb),
            b"DeviceCMYK" | b"CMYK" => Some(ImageColorSpace::Cmyk),
            _ => None,
        },
        RawPdfObject::Array(arr) => {
            let family = arr
                .first()
                .map(|o| doc.resolve(o))
                .and_then(|o| o.as_name())?;
            match family {
                b"CalGray" => Some(ImageColorSpace::Gray),
                b"CalRGB" => Some(ImageColorSpace::Rgb),
                b"ICCBased" => {
                    let profile = doc.resolve(arr.get(1)?).as_stream()?;
                    raw_dict_get(&profile.dict, b"N")
                        .and_then(|n| doc.resolve(n).as_i64())
                        .and_then(by_components)
                        .or_else(|| {
                            raw_dict_get(&profile.dict, b"Alternate")
                                .and_then(|alt| resolve_image_color_space(doc, alt, depth + 1))
                        })
                }
                b"Separation" => {
                    tint_space(doc, 1, arr.get(2)?, arr.get(3)?, depth).map(ImageColorSpace::Tint)
                }
                b"DeviceN" => {
                    let colorants = doc.resolve(arr.get(1)?).as_array()?.len();
                    tint_space(doc, colorants, arr.get(2)?, arr.get(3)?, depth)
                        .map(ImageColorSpace::Tint)
                }
                b"Indexed" | b"I" => {
                    let base = resolve_image_color_space(doc, arr.get(1)?, depth + 1)?;
                    if matches!(base, ImageColorSpace::Indexed { .. }) {
                        return None; // ISO 32000-1 §8.6.6.3: the base cannot be Indexed
                    }
                    let hival = doc.resolve(arr.get(2)?).as_i64()?.clamp(0, 255) as u8;
                    let lookup = match doc.resolve(arr.get(3)?) {
                        RawPdfObject::Str(bytes) => bytes.clone(),
                        RawPdfObject::Stream(stream) => raw_stream::decompress(stream).ok()?,
                        _ => return None,
                    };
                    Some(ImageColorSpace::Indexed {
                        base: Box::new(base),
                        hival,
                        lookup,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The space of a `Separation`/`DeviceN` array of `components` colorants, its alternate space
/// and tint transform.
fn tint_space(
    doc: &RawDocument,
    components: usize,
    alternate: &RawPdfObject,
    transform: &RawPdfObject,
    depth: usize,
) -> Option<TintSpace> {
    let alternate = resolve_image_color_space(doc, alternate, depth + 1)?;
    if matches!(
        alternate,
        ImageColorSpace::Indexed { .. } | ImageColorSpace::Tint(_)
    ) {
        return None; // ISO 32000-1 §8.6.6.4: the alternate is neither
    }
    let transform = super::function::Function::read(doc, transform)?;
    // A function of several inputs the transform does not read (a sampled one) is no transform.
    if components == 0 || transform.inputs() != components {
        return None;
    }
    Some(TintSpace {
        components,
        alternate: Box::new(alternate),
        transform: Arc::new(transform),
    })
}

/// An array of numbers (`/Decode [1 0 1 0]`).
fn numbers_from(doc: &RawDocument, obj: &RawPdfObject) -> Option<Vec<f32>> {
    let RawPdfObject::Array(items) = doc.resolve(obj) else {
        return None;
    };
    items
        .iter()
        .map(|item| match doc.resolve(item) {
            RawPdfObject::Integer(i) => Some(*i as f32),
            RawPdfObject::Real(r) => Some(*r as f32),
            _ => None,
        })
        .collect()
}

fn resolve_color_space_name(doc: &RawDocument, cs: &RawPdfObject) -> Option<String> {
    match cs {
        RawPdfObject::Name(n) => Some(String::from_utf8_lossy(n).to_string()),
        RawPdfObject::Array(arr) => {
            let first_name = arr
                .first()
                .and_then(|o| o.as_name())
                .map(|n| String::from_utf8_lossy(n).to_string())?;
            if first_name == "ICCBased" {
                if let Some(profile) = arr.get(1).map(|second| doc.resolve(second)) {
                    if let Some(stream) = profile.as_stream() {
                        if let Some(components) =
                            raw_dict_get(&stream.dict, b"N").and_then(|n| n.as_i64())
                        {
                            return Some(
                                match components {
                                    1 => "DeviceGray",
                                    3 => "DeviceRGB",
                                    4 => "DeviceCMYK",
                                    _ => return Some(first_name),
                                }
                                .to_string(),
                            );
                        }
                    }
                }
            }
            Some(first_name)
        }
        _ => None,
    }
}

impl RawBackend {
    /// Extract AcroForm fields from the document.
    fn extract_acroform_fields(&self) -> Vec<FormField> {
        let catalog = match self.doc.catalog() {
            Ok(c) => c,
            Err(_) => return vec![],
        };

        let acroform = match raw_dict_get(catalog, b"AcroForm") {
            Some(obj) => self.doc.resolve(obj),
            None => return vec![],
        };

        let acroform_dict = match acroform {
            RawPdfObject::Dict(d) => d,
            RawPdfObject::Reference(n, g) => match self.doc.get_dict((*n, *g)) {
                Ok(d) => d,
                Err(_) => return vec![],
            },
            _ => return vec![],
        };

        let fields = match raw_dict_get(acroform_dict, b"Fields") {
            Some(obj) => self.doc.resolve(obj),
            None => return vec![],
        };

        let field_refs = match fields {
            RawPdfObject::Array(arr) => arr,
            RawPdfObject::Reference(n, g) => match self.doc.get_object((*n, *g)) {
                Some(obj) => match self.doc.resolve(obj).as_array() {
                    Some(arr) => arr,
                    None => return vec![],
                },
                None => return vec![],
            },
            _ => return vec![],
        };

        let mut result = Vec::new();
        for field_ref in field_refs {
            if let Some(id) = field_ref.as_reference() {
                self.traverse_field_tree(id, String::new(), None, &mut result);
            }
        }
        result
    }

    fn traverse_field_tree(
        &self,
        field_id: PageId,
        parent_name: String,
        inherited_ft: Option<Vec<u8>>,
        result: &mut Vec<FormField>,
    ) {
        let dict = match self.doc.get_dict(field_id) {
            Ok(d) => d,
            Err(_) => return,
        };

        // Build qualified name
        let partial_name = raw_dict_get(dict, b"T")
            .and_then(|o| o.as_str_bytes())
            .map(sanitize_field_string);

        let qualified_name = match &partial_name {
            Some(name) if parent_name.is_empty() => name.clone(),
            Some(name) => format!("{}.{}", parent_name, name),
            None => parent_name.clone(),
        };

        // Get field type (may be inherited from parent)
        let ft = raw_dict_get(dict, b"FT")
            .and_then(|o| o.as_name())
            .map(|n| n.to_vec())
            .or(inherited_ft.clone());

        // Check for Kids (non-terminal field)
        if let Some(kids) = raw_dict_get(dict, b"Kids") {
            let kids = self.doc.resolve(kids);
            if let Some(kids_arr) = kids.as_array() {
                for kid in kids_arr {
                    if let Some(kid_id) = kid.as_reference() {
                        self.traverse_field_tree(
                            kid_id,
                            qualified_name.clone(),
                            ft.clone(),
                            result,
                        );
                    }
                }
                return;
            }
        }

        // Terminal field — extract value
        let ft_bytes = match &ft {
            Some(ft) => ft.as_slice(),
            None => return,
        };

        let ff = raw_dict_get(dict, b"Ff")
            .and_then(|o| o.as_i64())
            .unwrap_or(0) as u32;

        let field_type = match ft_bytes {
            b"Tx" => FieldType::Text,
            b"Btn" => {
                if ff & (1 << 16) != 0 {
                    FieldType::RadioButton
                } else if ff & (1 << 17) != 0 {
                    FieldType::PushButton
                } else {
                    FieldType::Checkbox
                }
            }
            b"Ch" => {
                if ff & (1 << 17) != 0 {
                    FieldType::Dropdown
                } else {
                    FieldType::ListBox
                }
            }
            b"Sig" => FieldType::Signature,
            _ => return,
        };

        let value = self.extract_field_value(dict, &field_type);
        let default_value =
            raw_dict_get(dict, b"DV").and_then(|o| self.pdf_obj_to_field_value(o, &field_type));

        result.push(FormField {
            name: qualified_name,
            field_type,
            value,
            default_value,
        });
    }

    fn extract_field_value(&self, dict: &RawPdfDict, field_type: &FieldType) -> Option<FieldValue> {
        let v = raw_dict_get(dict, b"V")?;
        self.pdf_obj_to_field_value(v, field_type)
    }

    fn pdf_obj_to_field_value(
        &self,
        obj: &RawPdfObject,
        field_type: &FieldType,
    ) -> Option<FieldValue> {
        let obj = self.doc.resolve(obj);
        match field_type {
            FieldType::Text => obj
                .as_str_bytes()
                .map(|s| FieldValue::Text(sanitize_field_string(s))),
            FieldType::Checkbox | FieldType::RadioButton => {
                obj.as_name().map(|n| FieldValue::Boolean(n != b"Off"))
            }
            FieldType::Dropdown | FieldType::ListBox => {
                if let Some(s) = obj.as_str_bytes() {
                    Some(FieldValue::Choice(sanitize_field_string(s)))
                } else if let Some(arr) = obj.as_array() {
                    let choices: Vec<String> = arr
                        .iter()
                        .filter_map(|o| o.as_str_bytes())
                        .map(sanitize_field_string)
                        .collect();
                    Some(FieldValue::Choices(choices))
                } else {
                    None
                }
            }
            FieldType::PushButton | FieldType::Signature => None,
        }
    }

    /// Find MediaBox for a page, walking up the page tree for inherited values.
    /// Collect outline items by following First/Next chain.
    fn collect_outline_items(
        &self,
        item_ref: PageId,
        level: u8,
        max_depth: u8,
        items: &mut Vec<RawOutlineItem>,
        visited: &mut std::collections::HashSet<PageId>,
    ) {
        if !visited.insert(item_ref) || level > max_depth {
            return;
        }

        if let Ok(item_dict) = self.doc.get_dict(item_ref) {
            let title = raw_get_string(&self.doc, item_dict, b"Title").unwrap_or_default();
            let page = self.resolve_outline_dest(item_dict);

            let mut outline_item = RawOutlineItem {
                title,
                page,
                level,
                children: Vec::new(),
            };

            if let Some(first) = raw_dict_get(item_dict, b"First") {
                if let Some(first_ref) = first.as_reference() {
                    self.collect_outline_items(
                        first_ref,
                        level + 1,
                        max_depth,
                        &mut outline_item.children,
                        visited,
                    );
                }
            }

            items.push(outline_item);

            if let Some(next) = raw_dict_get(item_dict, b"Next") {
                if let Some(next_ref) = next.as_reference() {
                    self.collect_outline_items(next_ref, level, max_depth, items, visited);
                }
            }
        }
    }

    /// Resolve an outline destination to a page number.
    fn resolve_outline_dest(&self, item_dict: &RawPdfDict) -> Option<u32> {
        let pages = self.doc.pages();

        // Try Dest
        if let Some(dest) = raw_dict_get(item_dict, b"Dest") {
            let dest = self.doc.resolve(dest);
            if let Some(arr) = dest.as_array() {
                if let Some(first) = arr.first() {
                    if let Some(page_ref) = first.as_reference() {
                        for (num, id) in pages.iter() {
                            if *id == page_ref {
                                return Some(*num);
                            }
                        }
                    }
                }
            }
        }

        // Try A (action) dictionary
        if let Some(action) = raw_dict_get(item_dict, b"A") {
            let action = self.doc.resolve(action);
            let action_dict = match action {
                RawPdfObject::Dict(d) => Some(d),
                RawPdfObject::Reference(n, g) => self.doc.get_dict((*n, *g)).ok(),
                _ => None,
            };

            if let Some(action_dict) = action_dict {
                if let Some(dest) = raw_dict_get(action_dict, b"D") {
                    let dest = self.doc.resolve(dest);
                    if let Some(arr) = dest.as_array() {
                        if let Some(first) = arr.first() {
                            if let Some(page_ref) = first.as_reference() {
                                for (num, id) in pages.iter() {
                                    if *id == page_ref {
                                        return Some(*num);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        None
    }
}

// ---------------------------------------------------------------------------
// RawFontResolver — font resolution for RawBackend
// ---------------------------------------------------------------------------

/// The weight and slant a font declares of itself — see `RawFontResolver::declared_style`.
#[derive(Debug, Clone, Copy, Default)]
struct DeclaredStyle {
    bold: bool,
    italic: bool,
    fixed_pitch: bool,
}

/// A font's identity, under which what is read from it is cached.
///
/// A font dictionary is usually an indirect object, named by its id. But the `/Font`
/// resource may hold it inline -- ISO 32000-1 does not require a font to be indirect -- and
/// then it has no id: it is named by where it is written, the indirect object holding the
/// `/Font` dictionary ([`ResourceDict::holder`]) and its name there. Pages that share one
/// resource dictionary share its inline fonts; two pages that each write their own `/F1`
/// hold two fonts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Inline { holder: ObjectId, name: Vec<u8> },
}

/// A font dictionary, by reference or inline, and its identity.
struct FontRef<'d> {
    key: FontKey,
    dict: &'d RawPdfDict,
}

impl<'d> FontRef<'d> {
    /// The font `value` holds under `name` in the `/Font` resource dictionary `fonts`.
    fn new(
        doc: &'d RawDocument,
        fonts: &ResourceDict<'d>,
        name: &[u8],
        value: &'d RawPdfObject,
    ) -> Option<Self> {
        let key = match value.as_reference() {
            Some(id) => FontKey::Object(id),
            None => FontKey::Inline {
                holder: fonts.holder,
                name: name.to_vec(),
            },
        };
        let dict = match doc.resolve(value) {
            RawPdfObject::Dict(dict) => dict,
            _ => return None,
        };
        Some(Self { key, dict })
    }

    /// Whether this is a composite (Type 0) font.
    ///
    /// Composite fonts address glyphs through CIDs, so their content-stream bytes must
    /// be decoded via a CMap (ToUnicode, embedded cmap, or a predefined CMap). Any
    /// single-byte fallback decoding is meaningless for them.
    fn is_composite(&self) -> bool {
        raw_dict_get(self.dict, b"Subtype").and_then(|s| s.as_name()) == Some(b"Type0".as_slice())
            || raw_dict_get(self.dict, b"DescendantFonts").is_some()
    }

    /// `/Encoding` when it is a name: a predefined CMap for a composite font, a base
    /// encoding for a simple one.
    fn encoding_name<'a>(&'a self, doc: &'a RawDocument) -> Option<&'a [u8]> {
        doc.resolve(raw_dict_get(self.dict, b"Encoding")?).as_name()
    }

    /// Whether `/Encoding` is `Identity-H` or `Identity-V`: two-byte codes are CIDs.
    fn has_identity_cmap(&self, doc: &RawDocument) -> bool {
        matches!(self.encoding_name(doc), Some(b"Identity-H" | b"Identity-V"))
    }

    /// Whether the font carries its glyphs: a Type 3 font, or one whose descriptor embeds
    /// a program.
    fn has_own_glyphs(&self, doc: &RawDocument) -> bool {
        raw_dict_get(self.dict, b"Subtype").and_then(|s| s.as_name()) == Some(b"Type3".as_slice())
            || raw_dict_get(self.dict, b"FontDescriptor")
                .and_then(|d| raw_resolve_dict(doc, d))
                .is_some_and(|d| {
                    [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                        .iter()
                        .any(|key| raw_dict_get(d, key).is_some())
                })
    }

    /// `/BaseFont`.
    fn base_font<'a>(&'a self, doc: &'a RawDocument) -> Option<&'a [u8]> {
        doc.resolve(raw_dict_get(self.dict, b"BaseFont")?).as_name()
    }
}

struct RawFontResolver {
    cmap_cache: RwLock<HashMap<FontKey, Option<Arc<ToUnicodeMap>>>>,
    /// The `cmap` table of a composite font's embedded TrueType program, by the Type 0
    /// font: its CIDFont may be written inline, with no identity of its own.
    embedded_cmap_cache: RwLock<HashMap<FontKey, Option<Arc<ToUnicodeMap>>>>,
    encoding_cache: RwLock<HashMap<FontKey, Option<Arc<EncodingMap>>>>,
    program_encoding_cache: RwLock<HashMap<FontKey, Option<Arc<EncodingMap>>>>,
    style_cache: RwLock<HashMap<FontKey, DeclaredStyle>>,
    cid_system_info_cache: RwLock<HashMap<FontKey, Option<(String, String)>>>,
    /// A composite font's resolved `/Encoding`, shared by text decoding and widths.
    code_map_cache: RwLock<HashMap<FontKey, Option<Arc<CMap>>>>,
    metrics_cache: RwLock<HashMap<FontKey, Option<FontMetrics>>>,
    /// What [`Self::find_font`] found for a name in a scope. Every text-showing operator
    /// looks its font up several times (decoding, widths, writing mode), and each lookup
    /// walked the resource chain up the Pages tree; the document never changes, so the
    /// answer is kept. Keyed by scope, then name, so a lookup needs no allocation.
    font_lookup_cache: RwLock<HashMap<ResourceScope, HashMap<Vec<u8>, FontLookup>>>,
    /// The last answer of `font_lookup_cache`: consecutive operators mostly ask for the
    /// same font, and comparing a short name is cheaper than hashing it twice.
    last_font_lookup: std::sync::Mutex<Option<(ResourceScope, Vec<u8>, FontLookup)>>,
}

/// A remembered [`RawFontResolver::find_font`] answer.
#[derive(Debug, Clone, Copy)]
enum FontLookup {
    /// No resource dictionary of the scope names a usable font.
    Missing,
    /// The font dictionary is the object `id` (held by reference).
    Object(ObjectId),
    /// The font is written inline; it is found by walking the chain again.
    Inline,
}

impl RawFontResolver {
    fn new() -> Self {
        Self {
            font_lookup_cache: RwLock::new(HashMap::default()),
            last_font_lookup: std::sync::Mutex::new(None),
            cmap_cache: RwLock::new(HashMap::default()),
            embedded_cmap_cache: RwLock::new(HashMap::default()),
            encoding_cache: RwLock::new(HashMap::default()),
            program_encoding_cache: RwLock::new(HashMap::default()),
            style_cache: RwLock::new(HashMap::default()),
            cid_system_info_cache: RwLock::new(HashMap::default()),
            code_map_cache: RwLock::new(HashMap::default()),
            metrics_cache: RwLock::new(HashMap::default()),
        }
    }

    fn glyph_advances(
        &self,
        doc: &RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
        bytes: &[u8],
    ) -> Option<Vec<GlyphAdvance>> {
        self.with_metrics(doc, scope, font_name, |m| m.advances(bytes))
    }

    fn is_vertical_font(&self, doc: &RawDocument, scope: ResourceScope, font_name: &[u8]) -> bool {
        self.with_metrics(doc, scope, font_name, FontMetrics::is_vertical)
            .unwrap_or(false)
    }

    /// Apply `f` to the metrics of the font `font_name` names in `scope`, reading and
    /// caching them on first use. `None` when the font is not measured.
    fn with_metrics<R>(
        &self,
        doc: &RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
        f: impl FnOnce(&FontMetrics) -> R,
    ) -> Option<R> {
        self.with_font_metrics(doc, &self.find_font(doc, scope, font_name)?, f)
    }

    fn with_font_metrics<R>(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        f: impl FnOnce(&FontMetrics) -> R,
    ) -> Option<R> {
        {
            let cache = self.metrics_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.as_ref().map(f);
            }
        }
        let metrics = self.parse_font_metrics(doc, font);
        let result = metrics.as_ref().map(f);
        self.metrics_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), metrics);
        result
    }

    /// Read the advance widths a font dictionary declares (ISO 32000-1 §9.2.4, §9.7.4.3).
    ///
    /// Only fonts whose codes resolve to glyphs without guessing are measured: simple
    /// fonts (one byte per code), and composite fonts under `Identity-H`/`Identity-V`
    /// (two-byte code = CID), a predefined CMap whose code → CID table ships with the
    /// crate, or an embedded CMap that resolves codes to CIDs. A vertical CMap adds the
    /// displacements of `/W2` and `/DW2`. Anything else — a CMap that cannot be
    /// resolved — returns `None` rather than a width tied to the wrong code.
    fn parse_font_metrics(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<FontMetrics> {
        let font_dict = font.dict;
        let number = |obj: &RawPdfObject| doc.resolve(obj).as_f32();

        if font.is_composite() {
            let (coding, is_vertical) = match font.encoding_name(doc) {
                Some(b"Identity-H") => (CidCoding::Identity, false),
                Some(b"Identity-V") => (CidCoding::Identity, true),
                _ => {
                    let cmap = self.code_map(doc, font)?;
                    let (_, ordering) = self.get_cid_system_info_cached(doc, font)?;
                    if !cmap.resolves(&ordering) {
                        return None;
                    }
                    let is_vertical = cmap.is_vertical();
                    (CidCoding::Map { cmap, ordering }, is_vertical)
                }
            };
            let cid_font = self.cid_font_dict(doc, font)?;
            let default_width = raw_dict_get(cid_font, b"DW")
                .and_then(number)
                .unwrap_or(1000.0);
            let entries = |key: &[u8]| cid_width_entries(doc, cid_font, key);
            // `/DW2` is `[vy w1y]`; anything else leaves the default.
            let vertical = is_vertical.then(|| VerticalFont {
                default: raw_dict_get(cid_font, b"DW2")
                    .and_then(|d| doc.resolve(d).as_array())
                    .and_then(|d| match d {
                        [vy, w1y] => Some((number(vy)?, number(w1y)?)),
                        _ => None,
                    })
                    .unwrap_or(VerticalFont::DEFAULT_DW2),
                widths: expand_w2_array(&entries(b"W2")),
            });
            return Some(FontMetrics::Cid {
                widths: expand_w_array(&entries(b"W")),
                default_width,
                coding,
                vertical,
            });
        }

        let declared = raw_dict_get(font_dict, b"FirstChar")
            .and_then(number)
            .zip(raw_dict_get(font_dict, b"Widths").and_then(|w| doc.resolve(w).as_array()));
        let Some((first_char, widths)) = declared else {
            return self.standard_font_metrics(doc, font);
        };
        let first_char = first_char as u32;
        let widths: Vec<f32> = widths.iter().map(|w| number(w).unwrap_or(0.0)).collect();
        let missing_width = raw_dict_get(font_dict, b"FontDescriptor")
            .and_then(|d| raw_resolve_dict(doc, d))
            .and_then(|d| raw_dict_get(d, b"MissingWidth"))
            .and_then(number)
            .unwrap_or(0.0);

        // Type 3 glyph widths are in glyph space; FontMatrix maps them to text space.
        // Every other simple font is already in thousandths of text space.
        let is_type3 = raw_dict_get(font_dict, b"Subtype")
            .and_then(|s| s.as_name())
            .is_some_and(|n| n == b"Type3");
        let scale = if is_type3 {
            raw_dict_get(font_dict, b"FontMatrix")
                .and_then(|m| doc.resolve(m).as_array())
                .and_then(|m| m.first())
                .and_then(number)
                .map(|a| a * 1000.0)?
        } else {
            1.0
        };

        Some(FontMetrics::Simple {
            first_char,
            widths: widths.into_iter().map(|w| w * scale).collect(),
            missing_width: missing_width * scale,
        })
    }

    /// Widths for a simple font that declares none: one of the standard 14, named
    /// by `/BaseFont` alone (ISO 32000-1 §9.6.2.2). Any other font without
    /// `/Widths` stays unmeasured.
    fn standard_font_metrics(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<FontMetrics> {
        let standard = self.standard_font(doc, font)?;
        // The same code → character map the text decoder uses: the font's
        // `/Encoding`, or its built-in one. Symbol and ZapfDingbats ignore it.
        let widths = match self.get_encoding_map(doc, font) {
            Some(declared) => standard.widths_by_code(&declared),
            None => standard.widths_by_code(standard.builtin_encoding()),
        };
        Some(FontMetrics::Simple {
            first_char: 0,
            widths,
            missing_width: 0.0,
        })
    }

    /// The standard 14 font a simple font dictionary names, if any. Composite fonts
    /// and Type 3 fonts are never standard fonts, whatever their `/BaseFont` says.
    fn standard_font(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<StandardFont> {
        let subtype = raw_dict_get(font.dict, b"Subtype").and_then(|s| s.as_name())?;
        if !matches!(subtype, b"Type1" | b"MMType1" | b"TrueType") {
            return None;
        }
        font.base_font(doc).and_then(StandardFont::from_base_font)
    }

    fn decode_text(
        &self,
        doc: &RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
        bytes: &[u8],
    ) -> DecodedText {
        self.decode_text_mapped(doc, scope, font_name, bytes, &mut None)
    }

    fn decode_text_mapped(
        &self,
        doc: &RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
        bytes: &[u8],
        mapping: &mut Option<Vec<super::decoded_run::SourceText>>,
    ) -> DecodedText {
        let font = self.find_font(doc, scope, font_name);
        let font = font.as_ref();
        let mut is_identity_h = false;
        let mut is_composite = false;

        // 1. Try ToUnicode CMap first. For a simple font, a code the CMap leaves
        //    unmapped still has the glyph its `/Encoding` names (ISO 32000-1 §9.10.2
        //    orders the sources per character code, not per string).
        if let Some(font) = font {
            is_identity_h = font.has_identity_cmap(doc);
            is_composite = font.is_composite();
            if let Some(cmap) = self.get_to_unicode_map(doc, font) {
                if is_composite {
                    if let Some(decoded) = self.decode_composite(doc, font, &cmap, bytes, mapping) {
                        return decoded;
                    }
                }
                let encoding = if !is_composite && cmap.code_width == 1 {
                    self.get_encoding_map(doc, font)
                } else {
                    None
                };
                let decoded = match &encoding {
                    Some(enc) if mapping.is_none() => cmap.decode_with_fallback(bytes, enc),
                    Some(enc) => cmap.decode_fallback_mapped(bytes, enc, mapping),
                    None => cmap.decode_mapped(bytes, mapping),
                };
                if !decoded.is_empty() {
                    return DecodedText::text(decoded);
                }
            }
        }

        // 2. Try embedded TrueType cmap table (for Identity-H CID fonts without ToUnicode)
        if let Some(font) = font {
            if let Some(cmap) = self.get_embedded_cmap(doc, font) {
                let decoded = cmap.decode(bytes);
                if !decoded.is_empty() {
                    *mapping = None;
                    return DecodedText::text(decoded);
                }
            }
        }

        // 3. Try CIDSystemInfo-based CMap resource lookup (for Identity-H CID fonts)
        if is_identity_h {
            if let Some(font) = font {
                if let Some((registry, ordering)) = self.get_cid_system_info_cached(doc, font) {
                    if let Some(decoded) = crate::parser::cmap_table::decode_with_cid_system_info(
                        &registry, &ordering, bytes,
                    ) {
                        if !decoded.is_empty() {
                            *mapping = None;
                            return DecodedText::text(decoded);
                        }
                    }
                }
            }
        }

        // 4. Try the font's `/Encoding` CMap: a predefined CJK one (`/Encoding /KSC-EUC-H`)
        //    or one embedded as a stream. A Unicode CMap (`UniKS-UCS2-H`) carries the
        //    text itself and reads without the CIDFont's `/CIDSystemInfo`; a legacy or
        //    embedded one needs it to resolve its CIDs.
        if is_composite && !is_identity_h {
            if let Some(font) = font {
                if let Some(cmap) = self.code_map(doc, font) {
                    let (registry, ordering) = self
                        .get_cid_system_info_cached(doc, font)
                        .unwrap_or_default();
                    let decoded = if mapping.is_none() {
                        cmap.decode(&registry, &ordering, bytes)
                    } else {
                        cmap.decode_mapped(&registry, &ordering, bytes, mapping)
                    };
                    if let Some(decoded) = decoded {
                        return DecodedText::text(decoded);
                    }
                }
            }
        }

        // 5. Try encoding dictionary (BaseEncoding + Differences)
        if let Some(font) = font {
            if let Some(enc_map) = self.get_encoding_map(doc, font) {
                let decoded = if mapping.is_none() {
                    decode_with_encoding_map(bytes, &enc_map)
                } else {
                    decode_with_encoding_map_mapped(bytes, &enc_map, mapping)
                };
                if !decoded.is_empty() {
                    return DecodedText::text(decoded);
                }
            }
        }

        // For composite (Type0/CID) fonts the content-stream bytes are CID codes, not
        // single-byte character codes. Byte-wise Latin-1 interpretation is categorically
        // wrong for them and only produces mojibake (e.g. `/Encoding /KSC-EUC-H` fonts
        // without ToUnicode), so emit nothing rather than unreadable text.
        if is_identity_h || is_composite {
            return DecodedText::suppressed(TextSuppression::CompositeUnresolved);
        }

        // 5b. A font that embeds its program and gives no `/Encoding` uses the program's
        //     built-in encoding (ISO 32000-1 §9.6.6.1) — TeX's fonts, for one, put
        //     ligatures, quotes and dashes at codes no Latin encoding has there. Before
        //     the binary judgement below: those codes are control characters in Latin-1.
        if let Some(font) = font {
            if let Some(enc_map) = self.program_encoding(doc, font) {
                let decoded = if mapping.is_none() {
                    decode_with_encoding_map(bytes, &enc_map)
                } else {
                    decode_with_encoding_map_mapped(bytes, &enc_map, mapping)
                };
                if !decoded.is_empty() {
                    return DecodedText::text(decoded);
                }
            }
        }

        // 6. A standard 14 font without `/Encoding` uses its built-in encoding
        //    (ISO 32000-1 §9.6.6). The control-character judgement below still runs
        //    first: those codes have no glyph in any built-in encoding and would be
        //    dropped, turning the very evidence of a mis-decoded run into clean text.
        let simple = decode_text_simple(bytes);
        if is_likely_binary(&simple) {
            let unmapped =
                bytes.iter().all(|&b| b < 0x20) && font.is_some_and(|f| f.has_own_glyphs(doc));
            return DecodedText::suppressed(if unmapped {
                TextSuppression::UnmappedCodes
            } else {
                TextSuppression::BinaryDensity
            });
        }
        if let Some(standard) = font.and_then(|font| self.standard_font(doc, font)) {
            let decoded =
                decode_with_encoding_map_mapped(bytes, standard.builtin_encoding(), mapping);
            if !decoded.is_empty() {
                return DecodedText::text(decoded);
            }
        }

        // 7. Final fallback
        if mapping.is_some() && bytes.is_ascii() {
            if let Some(parts) = mapping {
                parts.clear();
            }
            for i in 0..bytes.len() {
                super::decoded_run::record(mapping, i..i + 1, i..i + 1);
                if mapping.is_none() {
                    break;
                }
            }
        } else {
            *mapping = None;
        }
        DecodedText::text(simple)
    }

    fn decode_composite(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        to_unicode: &ToUnicodeMap,
        bytes: &[u8],
        mapping: &mut Option<Vec<super::decoded_run::SourceText>>,
    ) -> Option<DecodedText> {
        if let Some(mapping) = mapping {
            mapping.clear();
        }
        let mut decoded = DecodedText::default();
        let mut at = 0;
        for code in self.composite_codes(doc, font, bytes)? {
            let start = decoded.text.len();
            if let Some(text) = to_unicode.mappings.get(&code_value(code)) {
                decoded.text.push_str(text);
            } else if let Some(text) = self.decode_left_out_code(doc, font, code) {
                decoded.text.push_str(&text);
            } else if self
                .with_font_metrics(doc, font, |m| m.advances(code))
                .is_none_or(|glyphs| {
                    glyphs
                        .iter()
                        .any(|g| g.vertical.map_or(g.width != 0.0, |v| v.advance != 0.0))
                })
            {
                decoded.undecoded_codes += 1;
            }
            super::decoded_run::record(mapping, at..at + code.len(), start..decoded.text.len());
            at += code.len();
        }
        if decoded.text.is_empty() && decoded.undecoded_codes > 0 {
            return Some(DecodedText::suppressed(
                TextSuppression::CompositeUnresolved,
            ));
        }
        Some(decoded)
    }

    fn composite_codes<'b>(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        bytes: &'b [u8],
    ) -> Option<Vec<&'b [u8]>> {
        if font.has_identity_cmap(doc) {
            return Some(bytes.chunks(2).collect());
        }
        let (_, ordering) = self
            .get_cid_system_info_cached(doc, font)
            .unwrap_or_default();
        let mut rest = bytes;
        let codes = self
            .code_map(doc, font)?
            .codes(&ordering, bytes)?
            .into_iter()
            .map(|code| {
                let (code, tail) = rest.split_at(code.len);
                rest = tail;
                code
            })
            .collect();
        Some(codes)
    }

    fn decode_left_out_code(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        code: &[u8],
    ) -> Option<String> {
        if font.has_identity_cmap(doc) {
            if let Some(cmap) = self.get_embedded_cmap(doc, font) {
                let decoded = cmap.decode(code);
                if !decoded.is_empty() {
                    return Some(decoded);
                }
            }
            let (registry, ordering) = self.get_cid_system_info_cached(doc, font)?;
            return crate::parser::cmap_table::decode_with_cid_system_info(
                &registry, &ordering, code,
            );
        }
        let (registry, ordering) = self
            .get_cid_system_info_cached(doc, font)
            .unwrap_or_default();
        self.code_map(doc, font)?
            .decode_declared(&registry, &ordering, code)
    }

    /// The font `font_name` refers to in `scope`: the innermost resource dictionary that
    /// names it wins, whether it holds the font by reference or inline.
    fn find_font<'d>(
        &self,
        doc: &'d RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
    ) -> Option<FontRef<'d>> {
        let last = self
            .last_font_lookup
            .lock()
            .unwrap()
            .as_ref()
            .filter(|(s, name, _)| *s == scope && name == font_name)
            .map(|&(.., lookup)| lookup);
        let cached = last.or_else(|| {
            let found = self
                .font_lookup_cache
                .read()
                .unwrap()
                .get(&scope)
                .and_then(|names| names.get(font_name).copied());
            if let Some(lookup) = found {
                *self.last_font_lookup.lock().unwrap() =
                    Some((scope, font_name.to_vec(), lookup));
            }
            found
        });
        match cached {
            Some(FontLookup::Missing) => return None,
            // The same dictionary the chain walk resolved the reference to.
            Some(FontLookup::Object(id)) => {
                return match doc.resolve(doc.get_object(id)?) {
                    RawPdfObject::Dict(dict) => Some(FontRef {
                        key: FontKey::Object(id),
                        dict,
                    }),
                    _ => None,
                };
            }
            Some(FontLookup::Inline) | None => {}
        }
        let found = resource_chain(doc, scope).into_iter().find_map(|res| {
            let fonts = res.category(doc, b"Font")?;
            FontRef::new(doc, &fonts, font_name, raw_dict_get(fonts.dict, font_name)?)
        });
        if cached.is_none() {
            let lookup = match &found {
                None => FontLookup::Missing,
                Some(FontRef {
                    key: FontKey::Object(id),
                    ..
                }) => FontLookup::Object(*id),
                Some(_) => FontLookup::Inline,
            };
            self.font_lookup_cache
                .write()
                .unwrap()
                .entry(scope)
                .or_default()
                .insert(font_name.to_vec(), lookup);
        }
        found
    }

    /// Get or parse the ToUnicode CMap for a font.
    /// Shared, not cloned: a map holds a `String` per code, and this is read for every
    /// text-showing operator.
    fn get_to_unicode_map(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
    ) -> Option<Arc<ToUnicodeMap>> {
        {
            let cache = self.cmap_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.clone();
            }
        }

        let result = self.parse_font_to_unicode(doc, font).map(Arc::new);
        self.cmap_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    fn parse_font_to_unicode(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<ToUnicodeMap> {
        let font_dict = font.dict;
        let to_unicode = raw_dict_get(font_dict, b"ToUnicode")?;
        let to_unicode = doc.resolve(to_unicode);

        let stream = match to_unicode {
            RawPdfObject::Stream(s) => s,
            RawPdfObject::Reference(n, g) => {
                let obj = doc.get_object((*n, *g))?;
                let resolved = doc.resolve(obj);
                resolved.as_stream()?
            }
            _ => return None,
        };

        let data = raw_stream::decompress(stream).unwrap_or_else(|_| stream.raw_data.clone());
        parse_to_unicode_cmap(&data)
    }

    /// A composite font's `/Encoding` as one resolved CMap — a predefined CMap named by
    /// the font, or a CMap stream embedded in the file with its `/UseCMap` chain
    /// followed. `None` for `Identity-H`/`-V` (two-byte codes that are their own CIDs,
    /// handled directly), for a simple font, and for an encoding that cannot be read: a
    /// stream that is not a CMap, a chain that loops or runs deeper than
    /// [`MAX_USE_CMAP_DEPTH`].
    fn code_map(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<Arc<CMap>> {
        {
            let cache = self.code_map_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.clone();
            }
        }
        let result = self.parse_code_map(doc, font).map(Arc::new);
        self.code_map_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    fn parse_code_map(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<CMap> {
        match doc.resolve(raw_dict_get(font.dict, b"Encoding")?) {
            RawPdfObject::Name(name) => {
                let name = String::from_utf8_lossy(name);
                match Parent::named(&name) {
                    Parent::Identity => None,
                    _ => Some(CMap::predefined(&name)),
                }
            }
            RawPdfObject::Stream(stream) => self.parse_cmap_stream(doc, stream, 0),
            _ => None,
        }
    }

    /// Read an embedded CMap stream and, through `/UseCMap`, the CMap it builds on.
    fn parse_cmap_stream(
        &self,
        doc: &RawDocument,
        stream: &super::raw::tokenizer::PdfStream,
        depth: usize,
    ) -> Option<CMap> {
        if depth >= MAX_USE_CMAP_DEPTH {
            return None;
        }
        let data = raw_stream::decompress(stream).ok()?;
        let mut own: CMapDef = super::cmap::parse(&data)?;
        if own.wmode.is_none() {
            own.wmode = raw_dict_get(&stream.dict, b"WMode")
                .and_then(|mode| doc.resolve(mode).as_i64())
                .map(|mode| u8::from(mode == 1));
        }
        // The dictionary's `/UseCMap` (a name or another stream) wins over the program's.
        let parent = match raw_dict_get(&stream.dict, b"UseCMap").map(|p| doc.resolve(p)) {
            Some(RawPdfObject::Name(name)) => Parent::named(&String::from_utf8_lossy(name)),
            Some(RawPdfObject::Stream(parent)) => {
                Parent::Stream(Box::new(self.parse_cmap_stream(doc, parent, depth + 1)?))
            }
            Some(_) => return None,
            None => own.use_cmap.as_deref().map_or(Parent::None, Parent::named),
        };
        Some(CMap::new(own, parent))
    }

    /// The descendant CIDFont dictionary of a Type 0 font.
    ///
    /// `/DescendantFonts` is a one-element array (ISO 32000-1 §9.7.6, Table 121) whose
    /// element is the CIDFont dictionary — by reference or written inline, both are
    /// valid and both occur. The array itself may be an indirect object too.
    fn cid_font_dict<'d>(
        &self,
        doc: &'d RawDocument,
        font: &FontRef<'d>,
    ) -> Option<&'d RawPdfDict> {
        let descendants = doc
            .resolve(raw_dict_get(font.dict, b"DescendantFonts")?)
            .as_array()?;
        raw_resolve_dict(doc, descendants.first()?)
    }

    /// Extract CIDSystemInfo (Registry, Ordering) from a CIDFont.
    fn get_cid_system_info(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
    ) -> Option<(String, String)> {
        let cid_font_dict = self.cid_font_dict(doc, font)?;

        let csi = raw_dict_get(cid_font_dict, b"CIDSystemInfo")?;
        let csi = doc.resolve(csi);
        let csi_dict = match csi {
            RawPdfObject::Dict(d) => d,
            RawPdfObject::Reference(n, g) => doc.get_dict((*n, *g)).ok()?,
            _ => return None,
        };

        let registry = raw_dict_get(csi_dict, b"Registry")
            .and_then(|o| o.as_str_bytes())
            .map(|s| String::from_utf8_lossy(s).to_string())?;

        let ordering = raw_dict_get(csi_dict, b"Ordering")
            .and_then(|o| o.as_str_bytes())
            .map(|s| String::from_utf8_lossy(s).to_string())?;

        Some((registry, ordering))
    }

    fn get_cid_system_info_cached(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
    ) -> Option<(String, String)> {
        {
            let cache = self.cid_system_info_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.clone();
            }
        }
        let result = self.get_cid_system_info(doc, font);
        self.cid_system_info_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    /// Get or parse embedded TrueType cmap for Identity-H fonts.
    fn get_embedded_cmap(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
    ) -> Option<Arc<ToUnicodeMap>> {
        {
            let cache = self.embedded_cmap_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.clone();
            }
        }

        let result = self.parse_embedded_truetype_cmap(doc, font).map(Arc::new);
        self.embedded_cmap_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    fn parse_embedded_truetype_cmap(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
    ) -> Option<ToUnicodeMap> {
        if !font.has_identity_cmap(doc) {
            return None;
        }

        let cid_font_dict = self.cid_font_dict(doc, font)?;
        let fd_dict = raw_resolve_dict(doc, raw_dict_get(cid_font_dict, b"FontDescriptor")?)?;

        // Get FontFile2 (TrueType)
        let ff2 = raw_dict_get(fd_dict, b"FontFile2")?;
        let ff2 = doc.resolve(ff2);
        let font_stream = match ff2 {
            RawPdfObject::Stream(s) => s,
            RawPdfObject::Reference(n, g) => {
                let obj = doc.get_object((*n, *g))?;
                let resolved = doc.resolve(obj);
                resolved.as_stream()?
            }
            _ => return None,
        };

        let font_data =
            raw_stream::decompress(font_stream).unwrap_or_else(|_| font_stream.raw_data.clone());
        parse_truetype_cmap_table(&font_data)
    }

    /// The embedded program of a font, and how its codes select glyphs.
    fn font_program(
        &self,
        doc: &RawDocument,
        scope: ResourceScope,
        font_name: &[u8],
    ) -> Option<FontProgram> {
        let font = &self.find_font(doc, scope, font_name)?;
        let font_dict = font.dict;
        if font.is_composite() {
            if !font.has_identity_cmap(doc) {
                return None;
            }
            let cid_font = self.cid_font_dict(doc, font)?;
            let (format, data) = embedded_font_program(doc, cid_font)?;
            let cid_to_gid = raw_dict_get(cid_font, b"CIDToGIDMap")
                .map(|m| doc.resolve(m))
                .and_then(|m| m.as_stream())
                .map(|stream| {
                    let bytes = raw_stream::decompress(stream).unwrap_or_default();
                    bytes
                        .as_chunks::<2>()
                        .0
                        .iter()
                        .map(|&pair| u16::from_be_bytes(pair))
                        .collect()
                });
            return Some(FontProgram {
                format,
                data,
                selection: GlyphSelection::Cid { cid_to_gid },
                stand_in: false,
            });
        }

        let flags = raw_dict_get(font_dict, b"FontDescriptor")
            .and_then(|d| raw_resolve_dict(doc, d))
            .and_then(|d| raw_dict_get(d, b"Flags"))
            .map(|f| doc.resolve(f))
            .and_then(|f| f.as_i64());
        let (format, data, stand_in) = match embedded_font_program(doc, font_dict) {
            Some((format, data)) => (format, data, false),
            None => (FontFormat::Cff, self.stand_in(doc, font, flags)?, true),
        };
        let symbolic = flags.is_some_and(|flags| flags & 4 != 0);
        let names = raw_dict_get(font_dict, b"Encoding")
            .and_then(|e| raw_resolve_dict(doc, e))
            .map(|enc| self.parse_differences(doc, enc).into_iter().collect())
            .unwrap_or_default();
        Some(FontProgram {
            format,
            data,
            selection: GlyphSelection::Simple {
                chars: self.get_encoding_map(doc, font).map(|map| {
                    map.iter()
                        .filter_map(|(&code, text)| Some((code, single_char(text)?)))
                        .collect()
                }),
                names,
                symbolic,
            },
            stand_in,
        })
    }

    /// A standard face to paint a simple font that embeds no program with: a Type 1, a
    /// TrueType or a Multiple Master font a reader is expected to supply (§9.6.2.2), chosen
    /// by its name, its descriptor's `/Flags` and the style it declares. A Type 3 font draws
    /// its own glyphs and has none.
    #[cfg(feature = "standard-fonts")]
    fn stand_in(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        flags: Option<i64>,
    ) -> Option<Vec<u8>> {
        let subtype = raw_dict_get(font.dict, b"Subtype").and_then(|s| s.as_name())?;
        if !matches!(subtype, b"Type1" | b"TrueType" | b"MMType1") {
            return None;
        }
        let base_font = font
            .base_font(doc)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let style = self.declared_style(doc, font);
        super::standard_fonts::stand_in(&base_font, flags, style.bold, style.italic)
            .map(<[u8]>::to_vec)
    }

    #[cfg(not(feature = "standard-fonts"))]
    fn stand_in(
        &self,
        _doc: &RawDocument,
        _font: &FontRef<'_>,
        _flags: Option<i64>,
    ) -> Option<Vec<u8>> {
        None
    }

    /// Get or parse the encoding map for a font.
    fn get_encoding_map(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<Arc<EncodingMap>> {
        // Shared, not cloned: the decoder asks for the map on every text-showing operator.
        {
            let cache = self.encoding_cache.read().unwrap();
            if let Some(cached) = cache.get(&font.key) {
                return cached.clone();
            }
        }

        let result = self.parse_encoding_dict(doc, font).map(Arc::new);
        self.encoding_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    /// The built-in encoding of the font's embedded program, as characters: what a code is
    /// when the font dictionary gives no `/Encoding`, and the base `/Differences` apply to
    /// when it names no `/BaseEncoding` (ISO 32000-1 §9.6.6.1 — for an embedded program the
    /// implicit base is the program's own encoding, not StandardEncoding). Read for a Type 1
    /// program (`/FontFile`) and a bare CFF one (`/FontFile3 /Type1C`); `None` for any
    /// other font.
    fn program_encoding(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<Arc<EncodingMap>> {
        if let Some(cached) = self.program_encoding_cache.read().unwrap().get(&font.key) {
            return cached.clone();
        }
        let result = Some(font.dict)
            .filter(|dict| !font.is_composite() && raw_dict_get(dict, b"FontDescriptor").is_some())
            .and_then(|dict| embedded_font_program(doc, dict))
            .and_then(|(format, data)| match format {
                FontFormat::Type1 => super::type1::builtin_encoding_chars(&data),
                FontFormat::Cff => super::cff::builtin_encoding_chars(&data),
                _ => None,
            })
            .map(Arc::new);
        self.program_encoding_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), result.clone());
        result
    }

    /// Parse the /Encoding entry from a font dictionary.
    ///
    /// The /Encoding can be:
    /// - A Name (e.g., /WinAnsiEncoding) → use that base encoding directly
    /// - A Dict with /BaseEncoding and /Differences → build a custom encoding map
    fn parse_encoding_dict(&self, doc: &RawDocument, font: &FontRef<'_>) -> Option<EncodingMap> {
        let font_dict = font.dict;
        let encoding_obj = raw_dict_get(font_dict, b"Encoding")?;
        let encoding_obj = doc.resolve(encoding_obj);

        match encoding_obj {
            // Simple name: /WinAnsiEncoding, /MacRomanEncoding, /StandardEncoding
            RawPdfObject::Name(name) => {
                let base = BaseEncoding::from_name(name)?;
                Some(build_encoding_map(Some(base), &[]))
            }
            // Encoding dictionary with optional BaseEncoding and Differences
            RawPdfObject::Dict(dict) => {
                let differences = self.parse_differences(doc, dict);
                Some(self.encoding_over_base(doc, font, dict, &differences))
            }
            RawPdfObject::Reference(n, g) => {
                let obj = doc.get_object((*n, *g))?;
                let resolved = doc.resolve(obj);
                match resolved {
                    RawPdfObject::Name(name) => {
                        let base = BaseEncoding::from_name(name)?;
                        Some(build_encoding_map(Some(base), &[]))
                    }
                    RawPdfObject::Dict(dict) => {
                        let differences = self.parse_differences(doc, dict);
                        Some(self.encoding_over_base(doc, font, dict, &differences))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// An encoding dictionary's map: its `/Differences` over its `/BaseEncoding` — or, when
    /// it names none, over the font's own encoding (§9.6.6.1): its embedded program's, else a
    /// standard 14 font's built-in one (Symbol's and ZapfDingbats' are their own), else
    /// StandardEncoding.
    fn encoding_over_base(
        &self,
        doc: &RawDocument,
        font: &FontRef<'_>,
        dict: &RawPdfDict,
        differences: &[(u8, String)],
    ) -> EncodingMap {
        let named = raw_dict_get(dict, b"BaseEncoding")
            .and_then(|b| b.as_name())
            .and_then(BaseEncoding::from_name);
        if named.is_none() {
            let own = self
                .program_encoding(doc, font)
                .map(|map| (*map).clone())
                .or_else(|| {
                    self.standard_font(doc, font)
                        .map(|standard| standard.builtin_encoding().clone())
                });
            if let Some(mut map) = own {
                apply_differences(&mut map, differences);
                return map;
            }
        }
        build_encoding_map(named, differences)
    }

    /// Parse a /Differences array from an encoding dictionary.
    ///
    /// Format: `[code1 /name1 /name2 ... codeN /nameN ...]`
    /// Each integer sets the starting code, and subsequent names map consecutive codes.
    fn parse_differences(&self, doc: &RawDocument, dict: &RawPdfDict) -> Vec<(u8, String)> {
        let mut result = Vec::new();
        let diff_obj = match raw_dict_get(dict, b"Differences") {
            Some(d) => d,
            None => return result,
        };
        let diff_obj = doc.resolve(diff_obj);
        let arr = match diff_obj.as_array() {
            Some(a) => a,
            None => return result,
        };

        let mut current_code: u32 = 0;
        for item in arr {
            let item = doc.resolve(item);
            match item {
                RawPdfObject::Integer(n) => {
                    current_code = *n as u32;
                }
                RawPdfObject::Name(name) => {
                    if current_code <= 255 {
                        let glyph_name = String::from_utf8_lossy(name).to_string();
                        result.push((current_code as u8, glyph_name));
                    }
                    current_code += 1;
                }
                _ => {}
            }
        }

        result
    }

    /// The weight and slant the font declares (§9.8.1), whatever its name says.
    ///
    /// Bold: the descriptor's `/FontWeight` is 600 or more or its `/Flags` sets ForceBold,
    /// or the embedded program names a bold weight — a Type 1 program's `FontInfo /Weight`,
    /// a CFF one's `Weight`, a TrueType or OpenType one's OS/2 weight class. Italic: the
    /// descriptor's `/ItalicAngle` leans (a degree or more — the entry is required, and
    /// upright fonts write 0) or its `/Flags` sets Italic. A composite font answers through
    /// its descendant. Names alone miss the styles a family calls something else (URW's
    /// `-Medi` is its bold, `-ReguItal` its italic; TeX's `CMTI10` names neither).
    fn declared_style(&self, doc: &RawDocument, font: &FontRef<'_>) -> DeclaredStyle {
        if let Some(&cached) = self.style_cache.read().unwrap().get(&font.key) {
            return cached;
        }
        let style = (|| -> Option<DeclaredStyle> {
            let mut dict = font.dict;
            if font.is_composite() {
                dict = self.cid_font_dict(doc, font)?;
            }
            let descriptor = raw_resolve_dict(doc, raw_dict_get(dict, b"FontDescriptor")?)?;
            let number = |key: &[u8]| {
                raw_dict_get(descriptor, key)
                    .map(|v| doc.resolve(v))
                    .and_then(|v| v.as_f32())
            };
            // ISO 32000-1 §9.8.2, table 123: bit 1 FixedPitch, bit 7 Italic, bit 19 ForceBold.
            const FIXED_PITCH: i64 = 1 << 0;
            const ITALIC: i64 = 1 << 6;
            const FORCE_BOLD: i64 = 1 << 18;
            let flags = number(b"Flags").map_or(0, |f| f as i64);
            let italic = flags & ITALIC != 0
                || number(b"ItalicAngle").is_some_and(|angle| angle.abs() >= 1.0);
            let bold = number(b"FontWeight").is_some_and(|w| w >= 600.0)
                || flags & FORCE_BOLD != 0
                || embedded_font_program(doc, dict).is_some_and(|(format, data)| match format {
                    FontFormat::Type1 => super::type1::declared_weight(&data)
                        .is_some_and(|w| weight_name_is_bold(&w)),
                    FontFormat::Cff => {
                        super::cff::declared_weight(&data).is_some_and(|w| weight_name_is_bold(&w))
                    }
                    FontFormat::TrueType | FontFormat::OpenType => {
                        os2_weight_class(&data).is_some_and(|w| w >= 600)
                    }
                });
            // The flag is a declaration; the widths are the font. Skia (Google Docs, Chrome)
            // writes FixedPitch on every face it embeds -- Roboto included -- so a flag that
            // the font's own widths contradict is not believed.
            let fixed_pitch = flags & FIXED_PITCH != 0
                && !declared_widths_refute_fixed_pitch(doc, dict, font.is_composite());
            Some(DeclaredStyle {
                bold,
                italic,
                fixed_pitch,
            })
        })()
        .unwrap_or_default();
        self.style_cache
            .write()
            .unwrap()
            .insert(font.key.clone(), style);
        style
    }

    /// The fonts the names in `scope` can refer to -- an inner name hides an outer one.
    fn page_fonts(&self, doc: &RawDocument, scope: ResourceScope) -> Vec<BackendFontInfo> {
        let mut result: Vec<BackendFontInfo> = Vec::new();
        for res in resource_chain(doc, scope) {
            let Some(fonts) = res.category(doc, b"Font") else {
                continue;
            };
            for (name, val) in fonts.dict {
                if result.iter().any(|f| &f.name == name) {
                    continue;
                }
                let Some(font) = FontRef::new(doc, &fonts, name, val) else {
                    continue;
                };
                let base_font = font
                    .base_font(doc)
                    .map(|n| String::from_utf8_lossy(n).to_string())
                    .unwrap_or_else(|| "Unknown".to_string());
                let style = self.declared_style(doc, &font);
                // The standard 14 fonts need no descriptor; of them, Courier is fixed-pitch.
                let fixed_pitch = style.fixed_pitch || is_standard_courier(&base_font);
                result.push(BackendFontInfo {
                    name: name.clone(),
                    base_font,
                    bold: style.bold,
                    italic: style.italic,
                    fixed_pitch,
                });
            }
        }
        result
    }
}

// ---------------------------------------------------------------------------
// RawBackend helper functions
// ---------------------------------------------------------------------------

/// Whether the widths declared by `dict` -- a simple font's, or a CIDFont's when `composite` --
/// contradict a `FixedPitch` flag ([`widths_refute_fixed_pitch`]). A Type 3 font's widths are
/// in glyph space and say nothing here.
fn declared_widths_refute_fixed_pitch(
    doc: &RawDocument,
    dict: &RawPdfDict,
    composite: bool,
) -> bool {
    if composite {
        return widths_refute_fixed_pitch(
            expand_w_array(&cid_width_entries(doc, dict, b"W")).into_values(),
        );
    }
    if raw_dict_get(dict, b"Subtype")
        .and_then(|s| s.as_name())
        .is_some_and(|n| n == b"Type3")
    {
        return false;
    }
    raw_dict_get(dict, b"Widths")
        .and_then(|w| doc.resolve(w).as_array())
        .is_some_and(|widths| {
            widths_refute_fixed_pitch(widths.iter().filter_map(|w| doc.resolve(w).as_f32()))
        })
}

/// The entries of a CIDFont's `/W` or `/W2` array (ISO 32000-1 §9.7.4.3), as written.
fn cid_width_entries(doc: &RawDocument, cid_font: &RawPdfDict, key: &[u8]) -> Vec<WEntry> {
    let number = |obj: &RawPdfObject| doc.resolve(obj).as_f32();
    raw_dict_get(cid_font, key)
        .and_then(|w| doc.resolve(w).as_array())
        .map(|items| {
            items
                .iter()
                .map_while(|item| match doc.resolve(item) {
                    RawPdfObject::Array(list) => {
                        Some(WEntry::Array(list.iter().filter_map(number).collect()))
                    }
                    other => other.as_f32().map(WEntry::Number),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `base_font` names a standard Courier face (ISO 32000-1 §9.6.2.2), with or without
/// a subset tag (`ABCDEF+Courier`).
fn is_standard_courier(base_font: &str) -> bool {
    let name = base_font.split_once('+').map_or(base_font, |(_, n)| n);
    matches!(
        name,
        "Courier" | "Courier-Bold" | "Courier-Oblique" | "Courier-BoldOblique"
    )
}

/// Resolve a PdfObject to a dictionary reference (following references).
fn raw_resolve_dict<'a>(doc: &'a RawDocument, obj: &'a RawPdfObject) -> Option<&'a RawPdfDict> {
    let resolved = doc.resolve(obj);
    match resolved {
        RawPdfObject::Dict(d) => Some(d),
        RawPdfObject::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Decode a form field string (name or value) and enforce the text invariant.
///
/// Field strings used to be read one byte at a time with no UTF-16 handling at all,
/// which is worse than it sounds: AcroForm producers write these as UTF-16BE *with* the
/// byte-order mark, and `FE FF` is not valid UTF-8, so lossy decoding turned the mark
/// itself into two U+FFFD. Measured on a real form, 55 of 59 field strings carried the
/// mark, and their names came back as `\u{FFFD}\u{FFFD}topmostSubform[0]…` — one pair
/// per path segment. The interleaved NULs were removed by the sanitiser, which recovered
/// the ASCII by accident and hid the rest.
///
/// So the decode has to happen before the sanitiser sees the string, and it has to
/// handle both the BOM-carrying and BOM-less forms — see [`decode_text_string`].
fn sanitize_field_string(bytes: &[u8]) -> String {
    sanitize_extracted_text(decode_text_string_lossy(bytes))
}

/// Extract a string value from a raw PDF dictionary.
///
/// The result is sanitised ([`sanitize_extracted_text`]) because these strings are
/// reported as text — document metadata and outline titles. A NUL here is worse than
/// on a page: [`unpdf_get_title`](crate::ffi) can only answer "no title" for a string
/// it cannot transport, so the value would vanish without even an error.
fn raw_get_string(doc: &RawDocument, dict: &RawPdfDict, key: &[u8]) -> Option<String> {
    let obj = raw_dict_get(dict, key)?;
    let obj = doc.resolve(obj);
    let decoded = match obj {
        // A string that announces its encoding with a byte-order mark and then fails to
        // decode stays `None` rather than becoming mojibake: the caller reports "no
        // title", which is honest about the loss. See `text_string` for the rest.
        RawPdfObject::Str(bytes) => decode_text_string(bytes),
        RawPdfObject::Name(bytes) => String::from_utf8(bytes.clone()).ok(),
        _ => None,
    };
    decoded.map(sanitize_extracted_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_get_number_from_value() {
        assert_eq!(get_number_from_value(&PdfValue::Integer(42)), Some(42.0));
        assert_eq!(
            get_number_from_value(&PdfValue::Real(std::f32::consts::PI)),
            Some(std::f32::consts::PI)
        );
        assert_eq!(get_number_from_value(&PdfValue::Other), None);
    }

    /// Field strings are decoded first and sanitised second: the NULs a damaged
    /// single-byte string carries are removed rather than turning it into UTF-16.
    #[test]
    fn field_strings_drop_stray_nuls_without_being_read_as_utf16() {
        assert_eq!(sanitize_field_string(b"CHAP\0TER"), "CHAPTER");
        assert_eq!(sanitize_field_string(b"HELLO\0WORLD\0"), "HELLOWORLD");
    }
}

#[cfg(test)]
mod raw_backend_tests {
    use super::*;
    // Assembled in the test rather than read from disk -- see that module's docs.
    use crate::parser::test_pdf::{one_page_pdf, ONE_PAGE_CONTENT};

    fn backend() -> RawBackend {
        RawBackend::load_bytes(&one_page_pdf()).expect("a well-formed PDF loads")
    }

    #[test]
    fn pages_are_enumerated_from_one() {
        let pages = backend().pages();
        assert_eq!(pages.len(), 1);
        assert!(pages.contains_key(&1));
    }

    #[test]
    fn a_page_content_stream_is_returned_as_written() {
        let raw = backend();
        let content = raw.page_content(raw.pages()[&1]).unwrap();
        assert_eq!(content.trim_ascii_end(), ONE_PAGE_CONTENT);
    }

    #[test]
    fn a_content_stream_decodes_into_its_operators_in_order() {
        let raw = backend();
        let content = raw.page_content(raw.pages()[&1]).unwrap();
        let operators: Vec<String> = raw
            .decode_content(&content)
            .unwrap()
            .into_iter()
            .map(|op| op.operator.into_owned())
            .collect();
        assert_eq!(operators, ["BT", "Tf", "Td", "Tj", "ET"]);
    }

    /// A page whose only content stream claims `/FlateDecode` over bytes no decoder accepts.
    fn undecodable_backend() -> RawBackend {
        use crate::parser::test_pdf::{pdf, stream};
        let bytes = pdf(
            vec![
                b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>".to_vec(),
                // No zlib stream begins 0xFF 0xFF.
                stream("<</Length 16/Filter/FlateDecode>>", &[0xFF; 16]),
            ],
            1,
        );
        RawBackend::load_bytes(&bytes).expect("the document structure is intact")
    }

    #[test]
    fn an_undecodable_only_stream_is_counted_rather_than_an_error() {
        let raw = undecodable_backend();
        let content = raw.page_content_with_losses(raw.pages()[&1]).unwrap();
        assert_eq!(content.data, Vec::<u8>::new());
        assert_eq!(content.undecodable_streams, 1);
    }

    /// The plain accessor has no loss count to carry, so it must not turn "nothing could be
    /// decoded" into an empty page.
    #[test]
    fn page_content_fails_when_no_stream_could_be_decoded() {
        let raw = undecodable_backend();
        assert!(raw.page_content(raw.pages()[&1]).is_err());
    }

    /// `/Contents` is optional -- its absence is an empty page, and nothing was lost.
    #[test]
    fn a_page_without_contents_is_empty_rather_than_an_error() {
        use crate::parser::test_pdf::pdf;
        let raw = RawBackend::load_bytes(&pdf(
            vec![
                b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>".to_vec(),
            ],
            1,
        ))
        .expect("the document structure is intact");
        let page = raw.pages()[&1];

        assert_eq!(
            raw.page_content_with_losses(page).unwrap(),
            PageContent::complete(Vec::new())
        );
        assert_eq!(raw.page_content(page).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn metadata_reports_the_header_version() {
        assert_eq!(backend().metadata().version, "1.4");
    }

    #[test]
    fn page_dimensions_come_from_the_media_box() {
        let raw = backend();
        assert_eq!(raw.page_dimensions(raw.pages()[&1]), (595.0, 842.0));
    }

    /// A box is its four corners, in any order, off the origin or not; the size is the
    /// difference of the corners, not the upper-right corner.
    #[test]
    fn the_page_box_keeps_its_origin() {
        use crate::parser::test_pdf::pdf;
        let raw = RawBackend::load_bytes(&pdf(
            vec![
                b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
                b"<</Type/Page/Parent 2 0 R/MediaBox[695 942 100 100]>>".to_vec(),
            ],
            1,
        ))
        .unwrap();
        let page = raw.pages()[&1];
        assert_eq!(
            raw.page_box(page),
            PageBox {
                llx: 100.0,
                lly: 100.0,
                urx: 695.0,
                ury: 942.0
            }
        );
        assert_eq!(raw.page_dimensions(page), (595.0, 842.0));
    }

    /// A `/Parent` cycle ends the search for an inherited attribute; it does not recurse
    /// until the stack runs out.
    #[test]
    fn a_parent_cycle_ends_the_inherited_lookup() {
        use crate::parser::test_pdf::pdf;
        let raw = RawBackend::load_bytes(&pdf(
            vec![
                b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[3 0 R]/Count 1/Parent 4 0 R>>".to_vec(),
                b"<</Type/Page/Parent 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[2 0 R]/Parent 2 0 R>>".to_vec(),
            ],
            1,
        ))
        .unwrap();
        let page = raw.pages()[&1];
        assert_eq!(raw.page_box(page), PageBox::LETTER);
        assert_eq!(raw.page_rotation(page), 0);
    }

    /// A page without `/Resources` inherits its parent's (ISO 32000-1 §7.7.3.4) -- for its
    /// images as much as for its fonts, which were already looked up that way.
    #[test]
    fn a_page_lists_the_images_of_resources_it_inherits() {
        use crate::parser::test_pdf::{pdf, stream};
        let bytes = pdf(
            vec![
                b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
                b"<</Type/Pages/Kids[3 0 R]/Count 1/Resources<</XObject<</Im0 4 0 R>>>>>>".to_vec(),
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>".to_vec(),
                stream(
                    "<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray\
                      /BitsPerComponent 8/Length 1>>",
                    &[0x80],
                ),
            ],
            1,
        );
        let raw = RawBackend::load_bytes(&bytes).unwrap();
        let images = raw.page_xobjects(raw.pages()[&1]).unwrap();
        assert_eq!(
            images.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["Im0"]
        );
    }
}
