/* 字数 under the story's body editor, live as the reporter types, against the planned length.
 *
 * Counts as articles.text.char_count does, with the same two patterns: every CJK character or
 * full-width punctuation mark is one, every run of Latin letters or digits is one
 * (tests/browser/test_planning.py types the same strings into both).
 */
(function () {
  "use strict";

  var COUNTED = /[\u2014\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]|[0-9A-Za-z\u00c0-\u024f]+/g;

  function charCount(text) {
    var found = (text || "").match(COUNTED);
    return found ? found.length : 0;
  }

  // The editor's text with a break between blocks, so words in two paragraphs never run together.
  function editorText(root) {
    var parts = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) parts.push(node.nodeValue);
    var blocks = root.querySelectorAll("p, h1, h2, h3, h4, h5, h6, li, td, th, blockquote");
    if (!blocks.length) return parts.join(" ");
    return Array.prototype.map.call(blocks, function (block) { return block.textContent; }).join("\n");
  }

  function start() {
    var output = document.getElementById("char-count");
    var textarea = document.querySelector("textarea[name='body']");
    if (!output || !textarea) return;
    var planned = parseInt(textarea.getAttribute("data-planned-chars") || "0", 10);
    var editor = null;

    function update() {
      editor = editor || document.querySelector(".field-body .ProseMirror[contenteditable]");
      var text = editor ? editorText(editor) : textarea.value.replace(/<[^>]*>/g, " ");
      var count = charCount(text);
      var label = planned ? output.getAttribute("data-label-planned") : output.getAttribute("data-label");
      var shown = label.replace("{count}", count).replace("{planned}", planned);
      // Only a real change touches the output: it sits inside the observed field, and writing the
      // same text again would wake the observer again, for ever.
      if (output.textContent !== shown) output.textContent = shown;
      output.classList.toggle("char-count--over", planned > 0 && count > planned);
      output.setAttribute("data-count", String(count));
    }

    var field = textarea.closest(".form-row") || textarea.parentNode;
    field.appendChild(output);
    output.hidden = false;
    new MutationObserver(update).observe(field, { subtree: true, childList: true, characterData: true });
    field.addEventListener("input", update);
    textarea.addEventListener("change", update);
    update();
  }

  window.newsroomCharCount = charCount;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
