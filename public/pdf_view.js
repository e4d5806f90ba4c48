// The review pane's PDF view: a thin layer over pdf.js (pdfjs-dist from npm,
// copied into /pdfjs/ by the build scripts and served by the app, no CDN).
// pdf.js itself is imported only when a page is first shown, so no other page
// downloads it. The Rust side decides what to mark (the same normalisation as
// grounding, see src/review/highlight.rs); this file only draws and marks.
//
// window.evistreamPdf.render(container, url, page) → Promise<{pages, page, items}>
//   draws `page` of the PDF at `url` into `container` (canvas + text layer)
//   and resolves with the page count, the page shown and the text of each
//   text-layer item, in order.
// window.evistreamPdf.mark(container, indexes) marks those items and scrolls
//   the first into view; returns the marked text.
// window.evistreamPdf.selection(container) → the text selected inside it, or "".

let library = null;
const documents = new Map();
const layers = new WeakMap();

async function pdfjs() {
  if (!library) {
    library = import("/pdfjs/pdf.min.mjs").then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = "/pdfjs/pdf.worker.min.mjs";
      return lib;
    });
  }
  return library;
}

// Links are signed per request; the document id (the path's last part is a
// token) would be better, but the URL without its query is stable enough for
// one pane. Keep the last few documents open.
async function open(url) {
  if (!documents.has(url)) {
    const lib = await pdfjs();
    const task = lib.getDocument({ url, isEvalSupported: false, enableXfa: false });
    documents.set(url, task.promise);
    if (documents.size > 4) {
      const oldest = documents.keys().next().value;
      const stale = documents.get(oldest);
      documents.delete(oldest);
      stale.then((doc) => doc.destroy()).catch(() => {});
    }
  }
  return documents.get(url);
}

async function render(container, url, requested) {
  const lib = await pdfjs();
  const doc = await open(url);
  const number = Math.min(Math.max(1, requested | 0), doc.numPages);
  const page = await doc.getPage(number);
  const base = page.getViewport({ scale: 1 });
  const width = Math.max(280, container.clientWidth || 600);
  const scale = width / base.width;
  const viewport = page.getViewport({ scale });

  const sheet = document.createElement("div");
  sheet.className = "pdf-page";
  sheet.style.setProperty("--total-scale-factor", String(scale));
  sheet.style.setProperty("--scale-round-x", "1px");
  sheet.style.setProperty("--scale-round-y", "1px");
  sheet.style.width = `${Math.floor(viewport.width)}px`;
  sheet.style.height = `${Math.floor(viewport.height)}px`;

  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${Math.floor(viewport.width)}px`;
  canvas.style.height = `${Math.floor(viewport.height)}px`;
  canvas.setAttribute("aria-hidden", "true");
  sheet.append(canvas);

  const text = document.createElement("div");
  text.className = "textLayer";
  sheet.append(text);
  container.replaceChildren(sheet);

  await page.render({
    canvas,
    canvasContext: canvas.getContext("2d"),
    viewport,
    transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0],
  }).promise;
  const layer = new lib.TextLayer({
    textContentSource: page.streamTextContent(),
    container: text,
    viewport,
  });
  await layer.render();
  layers.set(container, layer.textDivs);
  return { pages: doc.numPages, page: number, items: layer.textDivs.map((d) => d.textContent || "") };
}

function mark(container, indexes) {
  const divs = layers.get(container) || [];
  for (const div of divs) div.classList.remove("evidence-mark");
  const marked = [];
  for (const i of indexes) {
    const div = divs[i];
    if (div) {
      div.classList.add("evidence-mark");
      marked.push(div.textContent || "");
    }
  }
  const first = divs[indexes[0]];
  if (first) first.scrollIntoView({ block: "center", behavior: "instant" });
  return marked.join(" ");
}

function selection(container) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return "";
  const node = sel.anchorNode;
  return node && container.contains(node) ? sel.toString() : "";
}

window.evistreamPdf = { render, mark, selection };
