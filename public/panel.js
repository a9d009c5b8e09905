// policy-assistant: when Chainlit opens the side panel on every source of the conversation
// after an answer, scroll it to the newest answer's first source (older ones stay above).
(function () {
  "use strict";
  var TITLE = "Sources in this conversation";
  var FIRST = /^(Source|Closest material) \[1\]/;
  var seen = 0;
  function newestFirstSource(panel) {
    var texts = panel.querySelectorAll(".side-text");
    for (var i = texts.length - 1; i >= 0; i--) {
      if (FIRST.test((texts[i].textContent || "").trim())) return texts[i];
    }
    return null;
  }
  function check() {
    var panel = document.getElementById("side-view-content");
    if (!panel) { seen = 0; return; }
    var aside = panel.closest("aside") || panel.parentElement;
    if (!aside || (aside.textContent || "").indexOf(TITLE) < 0) return;
    var count = panel.querySelectorAll(".side-text").length;
    if (count === seen) return;
    seen = count;
    var target = newestFirstSource(panel);
    if (target) target.scrollIntoView({ block: "start" });
  }
  new MutationObserver(function () { window.requestAnimationFrame(check); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
