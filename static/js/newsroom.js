// Small progressive enhancements; every page works without them.

// The date picker goes straight to /<date>/; without JavaScript the form's /go/ redirects there.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-date-jump]")) return;
  const value = form.elements.date.value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
  event.preventDefault();
  window.location.href = form.dataset.dateJump + value + "/";
});

// On an e-paper page, pointing at a headline lights up its zones on the page image, and back.
for (const type of ["pointerover", "pointerout", "focusin", "focusout"]) {
  document.addEventListener(type, (event) => {
    const source = event.target.closest && event.target.closest("[data-zone-for]");
    if (!source) return;
    const on = type === "pointerover" || type === "focusin";
    for (const each of document.querySelectorAll(`[data-zone-for="${source.dataset.zoneFor}"]`)) {
      each.classList.toggle("is-lit", on);
    }
  });
}
