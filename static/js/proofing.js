/* 校对 on the story's change page: mark every hit in the editor's text, apply a suggestion with
 * one click, and check the text being typed without saving.
 *
 * The marks are CSS Custom Highlights (CSS.highlights): ranges over the editor's text nodes that
 * are painted without touching the document, so ProseMirror never sees a change it did not make.
 * A hit's offsets count the body's text nodes joined without separators, as the server stores them.
 */
(function () {
  "use strict";

  var panel = document.getElementById("proofing");
  if (!panel) return;
  var marksNode = document.getElementById("proofing-marks");
  var marks = marksNode ? JSON.parse(marksNode.textContent) : [];
  var editor = null;
  var INPUT_FIELDS = ["kicker", "headline", "subheadline"];

  // The form control holding a one-line field: the headline lines, or a photo's caption in its inline.
  function fieldInput(field) {
    if (INPUT_FIELDS.indexOf(field) !== -1) return document.getElementById("id_" + field);
    if (field.indexOf("caption:") === 0) {
      var id = document.querySelector("input[name^='photos-'][name$='-id'][value='" + field.slice(8) + "']");
      return id ? document.getElementsByName(id.name.replace(/-id$/, "-caption"))[0] || null : null;
    }
    return null;
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    var node;
    while ((node = walker.nextNode())) nodes.push(node);
    return nodes;
  }

  function flatText(nodes) {
    return nodes.map(function (n) { return n.data; }).join("");
  }

  // The occurrence of `matched` nearest to `start` in `text` (the text may have changed since the check).
  function locate(text, mark) {
    if (text.substr(mark.start, mark.matched.length) === mark.matched) return mark.start;
    var best = -1;
    var index = text.indexOf(mark.matched);
    while (index !== -1) {
      if (best === -1 || Math.abs(index - mark.start) < Math.abs(best - mark.start)) best = index;
      index = text.indexOf(mark.matched, index + 1);
    }
    return best;
  }

  // A DOM range over flat offsets [start, end) of the editor's text nodes.
  function rangeAt(nodes, start, end) {
    var range = document.createRange();
    var offset = 0;
    var started = false;
    for (var i = 0; i < nodes.length; i++) {
      var length = nodes[i].data.length;
      if (!started && start < offset + length) {
        range.setStart(nodes[i], start - offset);
        started = true;
      }
      if (started && end <= offset + length) {
        range.setEnd(nodes[i], end - offset);
        return range;
      }
      offset += length;
    }
    return null;
  }

  function bodyRoot() {
    // The editable document, not the toolbar's menus (which carry the class too).
    return document.querySelector(".field-body .ProseMirror[contenteditable]") || document.querySelector(".ProseMirror[contenteditable]");
  }

  function highlight() {
    var root = bodyRoot();
    var marked = [];
    document.querySelectorAll(".proofing-field--hit, .proofing-field--blocking").forEach(function (input) {
      input.classList.remove("proofing-field--hit", "proofing-field--blocking");
    });
    if (!root || !window.CSS || !CSS.highlights || typeof Highlight === "undefined") {
      panel.dataset.marked = "";
      return;
    }
    var nodes = textNodes(root);
    var text = flatText(nodes);
    var hits = new Highlight();
    var blocking = new Highlight();
    marks.forEach(function (mark) {
      if (mark.waived || mark.applied) return;
      if (mark.field !== "body") {
        var input = fieldInput(mark.field);
        if (input && input.value.indexOf(mark.matched) !== -1) {
          input.classList.add(mark.blocking ? "proofing-field--blocking" : "proofing-field--hit");
        }
        return;
      }
      var start = locate(text, mark);
      if (start === -1) return;
      var range = rangeAt(nodes, start, start + mark.matched.length);
      if (!range) return;
      (mark.blocking ? blocking : hits).add(range);
      marked.push(range.toString());
    });
    CSS.highlights.set("proofing-hit", hits);
    CSS.highlights.set("proofing-blocking", blocking);
    // What is marked, for people reading the page's state (and the browser tests).
    panel.dataset.marked = marked.join("|");
  }

  function firstSuggestion(suggestion) {
    return suggestion.split(" / ")[0];
  }

  function apply(mark, item) {
    var replacement = firstSuggestion(mark.suggestion);
    if (mark.field !== "body") {
      var input = fieldInput(mark.field);
      var at = input ? locate(input.value, mark) : -1;
      if (at === -1) return false;
      input.value = input.value.slice(0, at) + replacement + input.value.slice(at + mark.matched.length);
    } else if (mark.field === "body" && editor) {
      var nodes = textNodes(editor.view.dom);
      var start = locate(flatText(nodes), mark);
      if (start === -1) return false;
      var range = rangeAt(nodes, start, start + mark.matched.length);
      var from = editor.view.posAtDOM(range.startContainer, range.startOffset);
      var to = editor.view.posAtDOM(range.endContainer, range.endOffset);
      editor.view.dispatch(editor.state.tr.insertText(replacement, from, to));
    } else {
      return false;
    }
    mark.applied = true;
    item.classList.add("proofing__hit--applied");
    highlight();
    return true;
  }

  function markFor(item) {
    var id = item.dataset.hit;
    for (var i = 0; i < marks.length; i++) {
      if (String(marks[i].id) === id && id !== "null" && id !== "") return marks[i];
    }
    return {
      id: null,
      field: item.dataset.field,
      start: parseInt(item.dataset.start, 10),
      end: parseInt(item.dataset.end, 10),
      matched: item.dataset.matched,
      suggestion: item.dataset.suggestion,
      blocking: item.classList.contains("proofing__hit--blocking"),
    };
  }

  panel.addEventListener("click", function (event) {
    var button = event.target.closest(".proofing__apply");
    if (!button) return;
    var item = button.closest(".proofing__hit");
    if (!apply(markFor(item), item)) {
      button.disabled = true;
      button.textContent = button.dataset.gone || "—";
    }
  });

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function renderChecked(data) {
    var list = panel.querySelector(".proofing__hits");
    list.textContent = "";
    marks = data.hits;
    data.hits.forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "proofing__hit proofing__hit--" + hit.category + (hit.blocking ? " proofing__hit--blocking" : "") + (hit.waived ? " proofing__hit--waived" : "");
      item.dataset.field = hit.field;
      item.dataset.start = hit.start;
      item.dataset.end = hit.end;
      item.dataset.matched = hit.matched;
      item.dataset.suggestion = hit.suggestion;
      [["proofing__where", hit.where], ["proofing__category", hit.category_label]].forEach(function (pair) {
        var span = document.createElement("span");
        span.className = pair[0];
        span.textContent = pair[1];
        item.appendChild(span);
      });
      var context = document.createElement("span");
      context.className = "proofing__context";
      context.appendChild(document.createTextNode(hit.before));
      var mark = document.createElement("mark");
      mark.textContent = hit.matched;
      context.appendChild(mark);
      context.appendChild(document.createTextNode(hit.after));
      item.appendChild(context);
      if (hit.suggestion) {
        var suggestion = document.createElement("span");
        suggestion.className = "proofing__suggestion";
        suggestion.textContent = "→ " + hit.suggestion;
        item.appendChild(suggestion);
        if (!hit.waived) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button proofing__apply";
          button.textContent = panel.dataset.applyLabel || "Apply";
          item.appendChild(button);
        }
      }
      list.appendChild(item);
    });
    var summary = panel.querySelector(".proofing__summary");
    if (summary && panel.dataset.summaryTemplate) {
      summary.textContent = panel.dataset.summaryTemplate
        .replace("{open}", data.open).replace("{blocking}", data.blocking).replace("{rate}", data.rate);
    }
    highlight();
  }

  var checkButton = panel.querySelector(".proofing__check");
  if (checkButton) {
    checkButton.addEventListener("click", function () {
      var form = new FormData();
      INPUT_FIELDS.forEach(function (name) {
        var input = document.getElementById("id_" + name);
        form.append(name, input ? input.value : "");
      });
      var textarea = document.getElementById("id_body");
      form.append("body", editor ? editor.getHTML() : (textarea ? textarea.value : ""));
      checkButton.disabled = true;
      fetch(panel.dataset.checkUrl, {
        method: "POST",
        body: form,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(renderChecked)
        .finally(function () { checkButton.disabled = false; });
    });
  }

  var pending = null;
  function attach(found) {
    if (editor || !found) return;
    editor = found;
    highlight();
    // After typing, the marks follow their text (located again by what they matched).
    editor.on("update", function () {
      clearTimeout(pending);
      pending = setTimeout(highlight, 150);
    });
  }

  document.addEventListener("prose-editor:ready", function (event) {
    attach(event.detail && event.detail.editor);
  });
  // The editor may have started before this script ran.
  var tries = 0;
  var poll = setInterval(function () {
    var root = bodyRoot();
    if (root && root.editor) attach(root.editor);
    if (editor || ++tries > 100) clearInterval(poll);
  }, 100);
  INPUT_FIELDS.forEach(function (name) {
    var input = document.getElementById("id_" + name);
    if (input) input.addEventListener("input", highlight);
  });
  highlight();
})();
