// policy-assistant: the sources of an answer (loaded by panel.js, whose answer cache it uses;
// no external assets).
// The markers of an answer ([1], [2]…) are links to the document view, so they work with no
// script. Here:
// 1. A click on a marker opens that source alone in a panel beside the chat (a sheet at the
//    bottom on a phone), filled from /pa/source/<message id>/<marker>, with the passage and the
//    cited sentence marked and scrolled into view. Nothing opens unless the user clicks.
// 2. Hovering or focusing a marker shows a short preview of the source.
// Everything from the documents is inserted as text, never as HTML.
(function () {
  "use strict";
  var MARKER = /^\[\d+\]$/;
  var fetchAnswer = window.policyAssistant.fetchAnswer; // panel.js: one cache of answers
  var messageId = window.policyAssistant.messageId;

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function markerLink(target) {
    var link = target && target.closest &&
      target.closest('[data-step-type="assistant_message"] a[href^="/pa/doc/"]');
    return link && MARKER.test((link.textContent || "").trim()) ? link : null;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  // ---- 1. the source panel ---------------------------------------------------------------
  var panel = null;
  var opener = null;

  function closePanel() {
    if (!panel) return;
    panel.remove();
    panel = null;
    document.documentElement.classList.remove("pa-source-open");
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }

  function sourceBody(s) {
    var body = el("div", "pa-source-body");
    body.id = "pa-source-body";
    var label = s.label + " " + "[" + s.marker + "]";
    body.appendChild(el("p", "pa-source-label", s.question ? label + " · for \u201c" + s.question + "\u201d" : label));
    body.appendChild(el("h3", "pa-source-doc", s.title));
    var facts = el("dl", "pa-source-facts");
    [["Publisher", s.publisher], ["Date", s.date], ["Where", s.locator]].forEach(function (f) {
      if (!f[1]) return;
      facts.appendChild(el("dt", null, f[0]));
      facts.appendChild(el("dd", null, f[1]));
    });
    body.appendChild(facts);
    if (s.closest) body.appendChild(el("p", "pa-source-note", "The closest passage found; it may not answer the question."));
    else if (!s.supported) body.appendChild(el("p", "pa-source-note", "This quotation was not found to support the sentence it is cited for."));
    body.appendChild(el("p", "pa-source-note", "The passage, with the " + (s.closest ? "closest" : "cited") + " sentence highlighted:"));
    var passage = el("div", "pa-passage");
    passage.appendChild(document.createTextNode(s.before));
    passage.appendChild(el("mark", "pa-cited", s.cited));
    passage.appendChild(document.createTextNode(s.after));
    body.appendChild(passage);
    var links = el("p", "pa-source-links");
    links.appendChild(link(s.doc_href, "Open the document at this passage"));
    if (s.pdf_href) { links.appendChild(el("br")); links.appendChild(link(s.pdf_href, "Open the PDF at page " + s.pdf_page)); }
    if (/^https?:\/\//.test(s.url || "")) { links.appendChild(el("br")); links.appendChild(link(s.url, "Original: " + s.url)); }
    body.appendChild(links);
    return body;
  }

  function openSource(anchor) {
    var id = messageId(anchor);
    var n = Number((anchor.textContent || "").replace(/[^0-9]/g, ""));
    if (!id || !n) return false;
    getJson("/pa/source/" + encodeURIComponent(id) + "/" + n).then(function (s) {
      closePanel();
      panel = el("aside", "pa-source");
      panel.id = "pa-source";
      panel.setAttribute("aria-labelledby", "pa-source-title");
      var head = el("div", "pa-source-head");
      var title = el("h2", null, "[" + s.marker + "]");
      title.id = "pa-source-title";
      title.tabIndex = -1;
      var close = el("button", "pa-source-close", "\u00d7");
      close.type = "button";
      close.setAttribute("aria-label", "Close the source");
      close.addEventListener("click", closePanel);
      head.appendChild(title);
      head.appendChild(close);
      panel.appendChild(head);
      panel.appendChild(sourceBody(s));
      document.body.appendChild(panel);
      document.documentElement.classList.add("pa-source-open");
      opener = anchor;
      title.focus({ preventScroll: true });
      panel.querySelector("mark.pa-cited").scrollIntoView({ block: "center" });
    }).catch(function () { window.open(anchor.href, "_blank", "noopener"); });
    return true;
  }

  document.addEventListener("click", function (ev) {
    var a = markerLink(ev.target);
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    hidePreview();
    openSource(a);
  }, true);
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && panel) closePanel();
  });

  // ---- 2. marker previews ----------------------------------------------------------------
  var tip = null;
  var tipFor = null;
  function hidePreview() { if (tip) { tip.remove(); tip = null; tipFor = null; } }

  function place() {
    if (!tip || !tipFor) return;
    if (!tipFor.isConnected || !tipFor.matches(":hover, :focus")) { hidePreview(); return; }
    var r = tipFor.getBoundingClientRect();
    var w = Math.min(380, window.innerWidth - 16);
    tip.style.width = w + "px";
    tip.style.left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8)) + "px";
    var h = tip.offsetHeight;
    var below = r.bottom + 6;
    tip.style.top = (below + h < window.innerHeight ? below : Math.max(8, r.top - h - 6)) + "px";
  }

  function showPreview(a) {
    var id = messageId(a);
    var n = Number((a.textContent || "").replace(/[^0-9]/g, ""));
    if (!id || !n) return;
    fetchAnswer(id).then(function (data) {
      var src = (data.sources || []).filter(function (s) { return s.marker === n; })[0];
      if (!src || !a.matches(":hover, :focus")) return;
      hidePreview();
      tip = el("div");
      tip.id = "pa-preview";
      tip.setAttribute("role", "tooltip");
      tip.appendChild(el("div", "pa-preview-title", src.title || ""));
      tip.appendChild(el("div", "pa-preview-meta",
        [src.publisher, src.date, src.locator].filter(Boolean).join(" · ")));
      tip.appendChild(el("div", "pa-preview-quote", "\u201c" + (src.excerpt || "") + "\u201d"));
      document.body.appendChild(tip);
      tipFor = a;
      place();
      a.setAttribute("aria-describedby", "pa-preview");
    }).catch(function () { /* no preview: the panel still opens on click */ });
  }

  document.addEventListener("mouseover", function (ev) { var a = markerLink(ev.target); if (a) showPreview(a); });
  document.addEventListener("focusin", function (ev) { var a = markerLink(ev.target); if (a) showPreview(a); });
  document.addEventListener("mouseout", function (ev) { if (markerLink(ev.target)) hidePreview(); });
  document.addEventListener("focusout", function (ev) { if (markerLink(ev.target)) hidePreview(); });
  window.addEventListener("scroll", place, true);
})();
