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

// 听新闻: read a story, or a whole page, aloud with the browser's own speech synthesis (no server,
// nothing downloaded). The headline lines, then each paragraph in reading order; a story that
// jumps to another page is followed there. The paragraph being read is highlighted. The control
// stays hidden unless the browser has a Chinese voice.
const listen = (() => {
  const speech = window.speechSynthesis;
  const LINES = ".story__kicker, .story__headline, .article__headline, .story__subheadline, .story__body > *";

  // What to read in `root`, in order: {element, text} for each line on screen, and
  // {follow, after} where a story continues on another page (its story page, from paragraph `after`).
  function units(root) {
    const stories = root.matches(".article, .story") ? [root] : [...root.querySelectorAll(".story")];
    const found = [];
    for (const story of stories) {
      for (const element of story.querySelectorAll(LINES)) {
        const text = element.textContent.replace(/\s+/g, " ").trim();
        if (text) found.push({ element, text });
      }
      const jump = story.querySelector(".jump--to a");
      const headline = story.querySelector(".story__headline a");
      if (jump && headline) {
        found.push({ element: jump, follow: headline.href, after: story.querySelectorAll(".story__body > *").length });
      }
    }
    return found;
  }

  // Chromium stops an utterance after about 15 seconds: speak a paragraph a sentence or two at a time.
  function chunks(text) {
    const sentences = text.match(/[^。！？!?；;]+[。！？!?；;”’」』）)]*/g) || [text];
    const out = [];
    for (const sentence of sentences) {
      if (out.length && (out[out.length - 1] + sentence).length < 120) out[out.length - 1] += sentence;
      else out.push(sentence);
    }
    return out;
  }

  function chineseVoice() {
    const voices = speech ? speech.getVoices() : [];
    return voices.find((v) => /^zh[-_]CN$/i.test(v.lang)) || voices.find((v) => /^zh/i.test(v.lang)) || null;
  }

  function attach(control) {
    const root = document.querySelector(control.dataset.listen);
    const play = control.querySelector('[data-listen-action="play"]');
    let queue = [];
    let index = 0;
    let run = 0; // bumped on every skip or stop, so a cancelled utterance's end starts nothing
    let state = "idle";

    function light(element) {
      for (const lit of root.querySelectorAll(".is-reading")) lit.classList.remove("is-reading");
      if (element) {
        element.classList.add("is-reading");
        element.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }

    function show(newState) {
      state = newState;
      play.textContent = control.dataset[{ idle: "labelPlay", speaking: "labelPause", paused: "labelResume" }[state]];
      play.setAttribute("aria-pressed", state === "speaking" ? "true" : "false");
    }

    async function speak(at) {
      const mine = ++run;
      speech.cancel();
      index = at;
      if (index < 0) index = 0;
      if (index >= queue.length) return stop();
      const unit = queue[index];
      if (unit.follow) {
        // Continued on another page: the rest of the story, from its own page.
        try {
          const html = await (await fetch(unit.follow, { credentials: "same-origin" })).text();
          const page = new DOMParser().parseFromString(html, "text/html");
          const rest = [...page.querySelectorAll(".article .story__body > *")].slice(unit.after)
            .map((element) => ({ element: unit.element, text: element.textContent.replace(/\s+/g, " ").trim() }))
            .filter((each) => each.text);
          if (mine !== run) return;
          queue.splice(index, 1, ...rest);
        } catch (error) {
          queue.splice(index, 1);
        }
        return speak(index);
      }
      light(unit.element);
      show("speaking");
      const voice = chineseVoice();
      const parts = chunks(unit.text);
      for (const [n, text] of parts.entries()) {
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.voice = voice;
        utterance.lang = voice ? voice.lang : "zh-CN";
        if (n === parts.length - 1) {
          utterance.addEventListener("end", () => { if (mine === run) speak(index + 1); });
        }
        speech.speak(utterance);
      }
    }

    function stop() {
      run++;
      speech.cancel();
      light(null);
      show("idle");
    }

    control.addEventListener("click", (event) => {
      const button = event.target.closest("[data-listen-action]");
      if (!button) return;
      const action = button.dataset.listenAction;
      if (action === "play") {
        if (state === "idle") { queue = units(root); speak(0); }
        else if (state === "speaking") { speech.pause(); show("paused"); }
        else { speech.resume(); show("speaking"); }
      } else if (action === "next" && state !== "idle") speak(index + 1);
      else if (action === "previous" && state !== "idle") speak(index - 1);
      else if (action === "stop") stop();
    });
    window.addEventListener("pagehide", stop);
  }

  function offer() {
    if (!chineseVoice()) return false;
    for (const control of document.querySelectorAll("[data-listen]")) {
      if (control.hidden) { control.hidden = false; attach(control); }
    }
    return true;
  }

  if (speech && "SpeechSynthesisUtterance" in window && !offer()) {
    // Voices arrive after the page in Chromium: offer the control once they do.
    speech.addEventListener("voiceschanged", offer);
  }
  return { units, chunks, chineseVoice };
})();
window.newsroomListen = listen;
