/* The agent's loop on the thread page: the next ticket of the list read ahead in the
   background, Ctrl/Cmd+Shift+Enter to send and close, and the draft forgotten when a send
   moves on to another page. Every form works without this file. */
(function () {
  "use strict";

  const page = document.querySelector("[data-thread]");
  if (!page) return;

  /* Read the next ticket ahead, one read at a time: once when the page shows, then again
     (after the cached copy has aged) only while the agent is active here. The server reads
     only from healthy sites and never registers the agent as viewing the ticket. */
  const AGAIN_AFTER_MS = 15000;
  let running = false;
  let lastDone = 0;

  function prefetch() {
    const url = page.dataset.prefetchUrl;
    if (!url || running || document.visibilityState !== "visible") return;
    if (lastDone && Date.now() - lastDone < AGAIN_AFTER_MS) return;
    running = true;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "prefetch" } })
      .then((answer) => {
        page.dataset.prefetched = answer.headers.get("X-Prefetched") || "";
      })
      .catch(() => {})
      .finally(() => {
        running = false;
        lastDone = Date.now();
      });
  }
  if (document.readyState === "complete") prefetch();
  else window.addEventListener("load", prefetch, { once: true });
  ["keydown", "pointerdown", "visibilitychange"].forEach((name) =>
    document.addEventListener(name, prefetch, { passive: true }),
  );

  /* Ctrl/Cmd+Shift+Enter in the composer: Send & close (a note is added as usual). Runs
     before the page's Ctrl+Enter, which would send without closing. */
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Enter" || !event.shiftKey || !(event.ctrlKey || event.metaKey)) return;
      const field = event.target.closest && event.target.closest("textarea");
      const form = field && field.form;
      if (!form || form.id !== "composer") return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const buttons = form.querySelector(".composer-buttons");
      if (buttons && buttons.disabled) return; /* Already being sent. */
      const note = form.querySelector("input[name=mode][value=note]:checked");
      const button = note
        ? form.querySelector('[data-default-for="note"]')
        : form.querySelector("[data-send-close]") || form.querySelector('[data-default-for="reply"]');
      /* A click, not requestSubmit: htmx sends the clicked button's name and value. */
      if (button) button.click();
      else form.requestSubmit();
    },
    true,
  );

  /* A send that takes the agent elsewhere leaves no composer behind to clear its draft. */
  document.body.addEventListener("draftDone", (event) => {
    try {
      window.localStorage.removeItem(event.detail.key);
    } catch (e) {
      /* Storage disabled: nothing was kept. */
    }
  });
})();
