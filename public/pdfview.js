// policy-assistant: the PDF view (/pa/pdf/<doc id>). pdf.js, served by the app, draws the cited
// page; the lines holding the cited passage are marked and scrolled into view. The passage is
// found by its letters and digits alone, so line breaks, hyphens and spacing in the PDF's text
// do not hide it; if only its start (or end) is on this page, that part is marked.
const viewer = document.getElementById("viewer");
const box = document.getElementById("page");
const canvas = box.querySelector("canvas");
const where = document.getElementById("where");
const said = document.getElementById("cited-text");
const cfg = viewer.dataset;
const KEY = /[\p{L}\p{N}]/u;

function keyOf(text) {
  // the letters and digits of text, lower-cased, with the index of each in text
  const chars = [];
  const at = [];
  for (let i = 0; i < text.length; i++) {
    if (KEY.test(text[i])) { chars.push(text[i].toLowerCase()); at.push(i); }
  }
  return { key: chars.join(""), at };
}

function findCited(pageText, cited) {
  // [start, end) in pageText of the cited passage, or of its longest part on this page
  const page = keyOf(pageText);
  const want = keyOf(cited).key;
  if (!want) return null;
  const span = (s, n) => [page.at[s], page.at[s + n - 1] + 1];
  let s = page.key.indexOf(want);
  if (s >= 0) return span(s, want.length);
  for (let n = Math.min(want.length - 1, 400); n >= 24; n = Math.floor(n * 0.8)) {
    s = page.key.indexOf(want.slice(0, n));  // the passage starts here, ends on the next page
    if (s >= 0) return span(s, n);
    s = page.key.indexOf(want.slice(want.length - n));  // or began on the previous one
    if (s >= 0) return span(s, n);
  }
  return null;
}

function markItems(lib, content, viewport, cited) {
  box.querySelectorAll(".pa-hit").forEach((m) => m.remove());
  let text = "";
  const starts = [];
  for (const item of content.items) {
    starts.push(text.length);
    text += (item.str || "") + (item.hasEOL ? "\n" : "");
  }
  const found = cited ? findCited(text, cited) : null;
  if (!found) { said.textContent = cited ? "The cited passage was not found on this page." : ""; return; }
  const [a, b] = found;
  const marks = [];
  content.items.forEach((item, i) => {
    const s = starts[i];
    const e = s + (item.str || "").length;
    if (!item.str || e <= a || s >= b) return;
    const tx = lib.Util.transform(viewport.transform, item.transform);
    const height = Math.hypot(tx[2], tx[3]);
    const mark = document.createElement("div");
    mark.className = "pa-hit";
    mark.dataset.text = item.str;
    Object.assign(mark.style, {
      left: tx[4] + "px", top: (tx[5] - height) + "px",
      width: Math.max(2, item.width * viewport.scale) + "px", height: height * 1.2 + "px",
    });
    box.appendChild(mark);
    marks.push(mark);
  });
  said.textContent = "Marked on this page: \u201c" + text.slice(a, b).replace(/\s+/g, " ").trim() + "\u201d";
  if (marks.length) marks[0].scrollIntoView({ block: "center" });
}

async function main() {
  const lib = await import(cfg.lib);
  lib.GlobalWorkerOptions.workerSrc = cfg.worker;
  const pdf = await lib.getDocument({
    url: cfg.file, standardFontDataUrl: cfg.fonts, cMapUrl: cfg.cmaps, isEvalSupported: false,
  }).promise;
  let current = Math.min(Math.max(1, Number(cfg.page) || 1), pdf.numPages);
  const cited = cfg.cited || "";
  const start = current;

  async function show(n) {
    current = n;
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const width = Math.min(viewer.clientWidth - 16, 1000);
    const viewport = page.getViewport({ scale: width / base.width });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = viewport.width + "px";
    canvas.style.height = viewport.height + "px";
    box.style.width = viewport.width + "px";
    await page.render({
      canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
    }).promise;
    const content = await page.getTextContent();
    markItems(lib, content, viewport, n === start ? cited : "");
    where.textContent = "Page " + n + " of " + pdf.numPages;
    document.getElementById("prev").disabled = n <= 1;
    document.getElementById("next").disabled = n >= pdf.numPages;
    viewer.dataset.shown = String(n);
  }

  document.getElementById("prev").addEventListener("click", () => current > 1 && show(current - 1));
  document.getElementById("next").addEventListener("click", () => current < pdf.numPages && show(current + 1));
  await show(current);
}

main().catch((err) => {
  said.textContent = "The PDF could not be shown here (" + err.message + "): open the original file above.";
  viewer.dataset.error = err.message;
});
