//! Damaged PDFs made on the spot for the conversion tests: a real paper
//! truncated, a page tree that points back at itself, a page count that
//! lies, a 100,000-long chain of references, and pages that are only
//! images. Each is a small, valid-looking file written object by object
//! with a correct cross-reference table, so what is wrong is exactly the
//! one thing named.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// The first seventh of `paper`'s bytes, as a download cut short leaves it.
pub fn truncated_to_a_seventh(paper: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(paper).expect("corpus paper");
    bytes.truncate(bytes.len() / 7);
    bytes
}

/// A PDF of `objects` (number → body) whose catalog is object 1.
pub fn pdf(objects: &BTreeMap<u32, Vec<u8>>) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = BTreeMap::new();
    for (number, body) in objects {
        offsets.insert(*number, out.len());
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let size = objects.keys().max().copied().unwrap_or(0) + 1;
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for number in 1..size {
        match offsets.get(&number) {
            Some(at) => out.extend_from_slice(format!("{at:010} 00000 n \n").as_bytes()),
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// The sentence printed on page `number` of the made-up papers: each page
/// its own words, so none reads as a running head.
pub fn sentence(number: u32) -> String {
    const TOPICS: [&str; 4] = [
        "methods of the randomised trial of exercise",
        "baseline characteristics of pregnant smokers",
        "outcomes of smoking cessation at delivery",
        "discussion of adherence and limitations",
    ];
    let topic = TOPICS[(number as usize).saturating_sub(1) % TOPICS.len()];
    format!("Page {number} of the test paper reports the {topic} in plain words.")
}

fn stream(content: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(b"\nendstream");
    body
}

fn text_content(number: u32) -> Vec<u8> {
    stream(format!("BT /F1 11 Tf 72 720 Td ({}) Tj ET", sentence(number)).as_bytes())
}

fn page(parent: u32, contents: u32) -> Vec<u8> {
    format!(
        "<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>"
    )
    .into_bytes()
}

/// Catalog (1), font (3) and three text pages (10–12, contents 20–22) under
/// the root page-tree node 2, whose body is `root`.
fn three_pages(root: &str) -> BTreeMap<u32, Vec<u8>> {
    let mut objects = BTreeMap::new();
    objects.insert(1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.insert(2, root.as_bytes().to_vec());
    objects.insert(
        3,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    );
    for n in 0..3 {
        objects.insert(10 + n, page(2, 20 + n));
        objects.insert(20 + n, text_content(n + 1));
    }
    objects
}

/// Three text pages; the root's kids are pages 1 and 2 and a node holding
/// page 3 and, again, the root: a cycle in the page tree.
pub fn page_tree_cycle() -> Vec<u8> {
    let mut objects = three_pages("<< /Type /Pages /Kids [10 0 R 11 0 R 4 0 R] /Count 3 >>");
    objects.insert(
        4,
        b"<< /Type /Pages /Parent 2 0 R /Kids [12 0 R 2 0 R] /Count 1 >>".to_vec(),
    );
    objects.insert(12, page(4, 22));
    pdf(&objects)
}

/// Three text pages whose root says there are `count`.
pub fn lying_count(count: u32) -> Vec<u8> {
    pdf(&three_pages(&format!(
        "<< /Type /Pages /Kids [10 0 R 11 0 R 12 0 R] /Count {count} >>"
    )))
}

/// Three text pages; page 3's content is reached through a chain of
/// `links` references (object 100 → 101 → … → the stream).
pub fn reference_chain(links: u32) -> Vec<u8> {
    let mut objects = three_pages("<< /Type /Pages /Kids [10 0 R 11 0 R 12 0 R] /Count 3 >>");
    objects.insert(12, page(2, 100));
    for k in 0..links {
        objects.insert(100 + k, format!("{} 0 R", 101 + k).into_bytes());
    }
    objects.insert(100 + links, text_content(3));
    pdf(&objects)
}

/// `pages` pages, each only an image (a grey stripe pattern, no text): a
/// scan with nothing for OCR to find, which OCR must still render page by
/// page.
pub fn image_pages(pages: u32) -> Vec<u8> {
    let (width, height) = (320u32, 240u32);
    let pixels: Vec<u8> = (0..width * height)
        .map(|i| if (i / width / 12) % 2 == 0 { 40 } else { 215 })
        .collect();
    let mut image = format!(
        "<< /Type /XObject /Subtype /Image /Width {width} /Height {height} \
         /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {} >>\nstream\n",
        pixels.len()
    )
    .into_bytes();
    image.extend_from_slice(&pixels);
    image.extend_from_slice(b"\nendstream");
    let mut objects = BTreeMap::new();
    objects.insert(1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..pages).map(|n| format!("{} 0 R", 10 + n)).collect();
    objects.insert(
        2,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects.insert(4, image);
    let draw = stream(b"q 468 0 0 351 72 300 cm /Im1 Do Q");
    for n in 0..pages {
        objects.insert(
            10 + n,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /XObject << /Im1 4 0 R >> >> /Contents {} 0 R >>",
                1000 + n
            )
            .into_bytes(),
        );
        objects.insert(1000 + n, draw.clone());
    }
    pdf(&objects)
}
