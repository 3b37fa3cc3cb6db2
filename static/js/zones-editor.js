// Hot-zone editor for the admin: drag on the page image to draw a zone, pick its story, save.
// The zones live in an ordinary Django formset of numeric inputs (fractions 0..1 of the page),
// so everything can also be done from the keyboard; this script only draws and fills them.
(function () {
  "use strict";
  const editor = document.querySelector("[data-zone-editor]");
  if (!editor) return;
  const prefix = editor.dataset.prefix;
  const canvas = editor.querySelector("[data-canvas]");
  const layer = editor.querySelector("[data-layer]");
  const rows = editor.querySelector("[data-rows]");
  const template = editor.querySelector("[data-empty-row]");
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const MIN_SIZE = 0.01; // a click without a drag draws nothing
  const FIELDS = ["x", "y", "width", "height"];

  const clamp = (value) => Math.min(1, Math.max(0, value));
  const round = (value) => Math.round(value * 10000) / 10000;

  function input(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }

  function readBox(row) {
    const values = FIELDS.map((name) => parseFloat(input(row, name).value));
    return values.some(Number.isNaN) ? null : values;
  }

  function addRow(box) {
    const index = parseInt(total.value, 10);
    const fragment = template.content.cloneNode(true);
    for (const element of fragment.querySelectorAll("[name], [id], [for]")) {
      for (const attribute of ["name", "id", "for"]) {
        if (element.hasAttribute(attribute)) {
          element.setAttribute(attribute, element.getAttribute(attribute).replace("__prefix__", index));
        }
      }
    }
    const row = fragment.querySelector("[data-row]");
    if (box) FIELDS.forEach((name, n) => { input(row, name).value = round(box[n]); });
    rows.appendChild(fragment);
    total.value = index + 1;
    draw();
    input(row, "placement").focus();
    return row;
  }

  // Draw every row's zone over the image, numbered like the table.
  function draw() {
    layer.replaceChildren();
    [...rows.querySelectorAll("[data-row]")].forEach((row, n) => {
      row.querySelector("[data-number]").textContent = n + 1;
      const box = readBox(row);
      if (!box) return;
      const zone = document.createElement("button");
      zone.type = "button";
      zone.className = "zone-editor__zone";
      zone.textContent = n + 1;
      const select = input(row, "placement");
      zone.title = select.selectedOptions[0]?.textContent || "";
      if (!select.value) zone.classList.add("is-unassigned");
      const deleting = input(row, "DELETE");
      if (deleting && deleting.checked) zone.classList.add("is-deleted");
      Object.assign(zone.style, {
        left: `${box[0] * 100}%`, top: `${box[1] * 100}%`,
        width: `${box[2] * 100}%`, height: `${box[3] * 100}%`,
      });
      zone.addEventListener("click", () => select.focus());
      layer.appendChild(zone);
    });
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return [clamp((event.clientX - rect.left) / rect.width), clamp((event.clientY - rect.top) / rect.height)];
  }

  let start = null;
  let preview = null;
  let pressedZone = null;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    // A drag may start on a zone (to draw one beside or over it); a plain click selects it.
    pressedZone = event.target.closest(".zone-editor__zone");
    start = point(event);
    canvas.setPointerCapture(event.pointerId);
    preview = document.createElement("div");
    preview.className = "zone-editor__zone is-drawing";
    layer.appendChild(preview);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!start) return;
    const [x, y] = point(event);
    Object.assign(preview.style, {
      left: `${Math.min(x, start[0]) * 100}%`, top: `${Math.min(y, start[1]) * 100}%`,
      width: `${Math.abs(x - start[0]) * 100}%`, height: `${Math.abs(y - start[1]) * 100}%`,
    });
  });
  canvas.addEventListener("pointerup", (event) => {
    if (!start) return;
    const [x, y] = point(event);
    const box = [Math.min(x, start[0]), Math.min(y, start[1]), Math.abs(x - start[0]), Math.abs(y - start[1])];
    start = null;
    preview.remove();
    if (box[2] >= MIN_SIZE && box[3] >= MIN_SIZE) addRow(box);
    else if (pressedZone) pressedZone.click();
  });

  rows.addEventListener("input", draw);
  rows.addEventListener("change", draw);
  editor.querySelector("[data-add-row]").addEventListener("click", () => addRow(null));
  draw();
})();
