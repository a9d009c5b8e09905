// policy-assistant: small behaviours on top of Chainlit's window (no external assets).
// 1-2. The source panel and marker previews are in sources.js, loaded from here.
// 3. "Copy" copies clean text (quotes, markers, the source list) and simple HTML from
//    /pa/answer/<message id>, not the escaped Markdown.
// 4. Icon-only buttons get accessible names.
// 5. The landing page shows the collection in brief (/pa/collection) above the starters.
// 6. A few fixes to Chainlit's markup that accessibility checkers (axe-core) flag: the
//    conversation-options control gets its role, the sidebar's lists hold only list items, and
//    the page has a level-one heading for screen readers.
(function () {
  "use strict";
  var answers = {};       // message id -> Promise of /pa/answer/<id>
  var ANSWER_URL = "/pa/answer/";
  // sources.js shares the answers fetched here (it runs after this script has finished)
  window.policyAssistant = { fetchAnswer: fetchAnswer, messageId: messageId };
  var script = document.createElement("script");
  script.src = "/public/sources.js";
  document.head.appendChild(script);

  function fetchAnswer(id) {
    if (!answers[id]) {
      answers[id] = fetch(ANSWER_URL + encodeURIComponent(id), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
      answers[id].catch(function () { delete answers[id]; });
    }
    return answers[id];
  }

  function messageId(node) {
    var step = node.closest('[data-step-type="assistant_message"]');
    var holder = step && step.querySelector('[id^="step-"]');
    return holder ? holder.id.slice(5) : null;
  }

  // ---- 3. copy clean text --------------------------------------------------------------
  function isCopyButton(button) {
    return !!button.querySelector("svg.lucide-copy, svg.lucide-check") &&
      !!button.closest('[data-step-type="assistant_message"]') &&
      !button.closest(".code-snippet, pre");
  }

  function say(button, text) {
    var note = document.createElement("span");
    note.className = "pa-copied";
    note.setAttribute("role", "status");
    note.textContent = text;
    button.insertAdjacentElement("afterend", note);
    setTimeout(function () { note.remove(); }, 2500);
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button");
    if (!button || !isCopyButton(button)) return;
    var id = messageId(button);
    if (!id) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    var data = fetchAnswer(id);
    var blob = function (key, type) {
      return data.then(function (d) { return new Blob([d[key]], { type: type }); });
    };
    navigator.clipboard.write([new ClipboardItem({
      "text/plain": blob("text", "text/plain"), "text/html": blob("html", "text/html")
    })]).then(function () { say(button, "Copied: the answer and its sources"); },
              function () { say(button, "Could not copy; select the text instead"); });
  }, true);

  // ---- 4. names for icon-only buttons --------------------------------------------------
  var NAMES = {
    "lucide-copy": "Copy answer", "lucide-check": "Copied", "lucide-thumbs-up": "Helpful",
    "lucide-thumbs-down": "Not helpful", "lucide-arrow-left": "Close the source",
    "lucide-settings-2": "Chat settings", "lucide-sliders-horizontal": "Chat settings",
    "lucide-square-pen": "New chat", "lucide-panel-left": "Show or hide past conversations",
    "lucide-panel-left-close": "Hide past conversations",
    "lucide-panel-left-open": "Show past conversations", "lucide-arrow-up": "Send",
    "lucide-send": "Send", "lucide-square": "Stop answering", "lucide-x": "Close",
    "lucide-sun": "Switch theme", "lucide-moon": "Switch theme", "lucide-search": "Search"
  };

  var BY_ID = {
    "chat-submit": "Send the question", "stop-button": "Stop answering",
    "chat-settings-open-modal": "Chat settings: filters, sources, answer mode",
    "sidebar-trigger-button": "Show or hide past conversations",
    "search-chats-button": "Search past conversations", "new-chat-button": "New chat",
    "theme-toggle": "Switch between light and dark theme"
  };

  function hasName(el) {
    return !!((el.getAttribute("aria-label") || "").trim() || (el.getAttribute("title") || "").trim() ||
      el.getAttribute("aria-labelledby") || (el.textContent || "").trim());
  }

  function nameButtons() {
    var buttons = document.querySelectorAll("button, [role=button], a[href]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (BY_ID[b.id] && b.getAttribute("aria-label") !== BY_ID[b.id]) {
        b.setAttribute("aria-label", BY_ID[b.id]);
        continue;
      }
      if (hasName(b)) continue;
      var svg = b.querySelector("svg");
      var cls = svg ? (svg.getAttribute("class") || "").split(/\s+/) : [];
      var name = null;
      for (var j = 0; j < cls.length && !name; j++) name = NAMES[cls[j]] || null;
      if (!name) {
        var icon = cls.filter(function (c) { return c.indexOf("lucide-") === 0; })[0];
        name = icon ? icon.slice(7).replace(/-/g, " ") : null;
      }
      if (name) b.setAttribute("aria-label", name.charAt(0).toUpperCase() + name.slice(1));
    }
  }

  // ---- 6. markup fixes ----------------------------------------------------------------
  function fixMarkup() {
    var opts = document.querySelectorAll('[aria-haspopup]:not(button):not([role])');
    for (var i = 0; i < opts.length; i++) {
      opts[i].setAttribute("role", "button");
      if (!hasName(opts[i])) opts[i].setAttribute("aria-label", "Conversation options");
    }
    var items = document.querySelectorAll('ul[data-sidebar="menu"] > :not(li):not([role])');
    for (var j = 0; j < items.length; j++) items[j].setAttribute("role", "listitem");
    var landmark = document.querySelector("main, [role=main], header");
    if (landmark && !document.querySelector("h1")) {
      landmark.insertBefore(el("h1", "pa-sr-only", "Policy Assistant"), landmark.firstChild);
    }
  }

  // ---- 5. the collection on the landing page -------------------------------------------
  var collection = null;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function collectionCard(data) {
    var card = el("section", "pa-collection");
    card.id = "pa-collection";
    card.setAttribute("aria-label", "The collection");
    card.appendChild(el("h2", "pa-collection-title", "What the collection holds"));
    card.appendChild(el("p", "pa-collection-line", data.line + "."));
    var list = el("ul", "pa-collection-list");
    (data.institutions || []).forEach(function (inst) {
      var item = el("li");
      var details = el("details");
      var n = inst.documents.length;
      details.appendChild(el("summary", null, inst.name + ": " + n + (n === 1 ? " document" : " documents")));
      var docs = el("ul");
      inst.documents.forEach(function (d) { docs.appendChild(el("li", null, d.title + " (" + d.date + ")")); });
      details.appendChild(docs);
      if (inst.publishers.length > 1) {
        details.appendChild(el("p", "pa-collection-offices", "Published by: " + inst.publishers.join("; ")));
      }
      item.appendChild(details);
      list.appendChild(item);
    });
    card.appendChild(list);
    return card;
  }

  function showCollection() {
    var starter = document.querySelector('[id^="starter-"]');
    if (!starter || document.getElementById("pa-collection")) return;
    if (!collection) {
      collection = fetch("/pa/collection", { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
      collection.catch(function () { collection = null; });
    }
    collection.then(function (data) {
      var first = document.querySelector('[id^="starter-"]');
      if (!first || document.getElementById("pa-collection")) return;
      var row = first.parentElement;
      row.parentElement.insertBefore(collectionCard(data), row);
    }).catch(function () { /* the About page still lists the documents */ });
  }

  // Names and markup fixes are applied in the observer itself (a microtask, before the page
  // is drawn or any other script runs), so no button is ever nameless, even for a frame.
  var pending = false;
  new MutationObserver(function () {
    nameButtons();
    fixMarkup();
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; showCollection(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
