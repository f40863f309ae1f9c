/* Queues: refresh the figures a minute after they last arrived, while the tab is visible.
   The figures fragment listens for "queues-refresh" on the body (its hx-trigger); a hidden tab
   is not refreshed and catches up as soon as it is shown again. No inline script, no eval. */
(function () {
  "use strict";

  const PERIOD_MS = 60 * 1000;
  const box = document.querySelector("[data-queues-stats]");
  if (!box) return;

  let timer = null;
  let due = false;

  function refresh() {
    due = false;
    document.body.dispatchEvent(new CustomEvent("queues-refresh"));
  }

  function schedule() {
    clearTimeout(timer);
    due = false;
    timer = setTimeout(() => {
      if (document.visibilityState === "visible") refresh();
      else due = true;
    }, PERIOD_MS);
  }

  /* Every arrival of the figures (first load, timer, Refresh button) restarts the minute. */
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === box) schedule();
  });
  /* A failed refresh tries again a minute later rather than never. */
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt === box && !event.detail.successful) schedule();
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && due) refresh();
  });

  schedule();
})();
