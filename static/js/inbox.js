/* Inbox behaviour: selection (x, shift-click ranges, select page), Enter/o to open, bulk
   confirmation, live polling while the tab is visible, and keeping the selection when the
   list is refreshed. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  let lastChecked = null;

  function syncSelection() {
    const boxes = $$(".row-check");
    const checked = boxes.filter((box) => box.checked);
    boxes.forEach((box) => box.closest(".row").classList.toggle("is-selected", box.checked));
    const label = $(".selected-count");
    if (label) label.textContent = checked.length ? checked.length + " selected" : "Select page";
    const all = $("#select-page");
    if (all) {
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
  }

  function showBulkExtras() {
    const action = $("#bulk-action");
    if (!action) return;
    $$(".bulk-extra").forEach((el) => el.classList.toggle("is-shown", el.dataset.for === action.value));
  }

  document.addEventListener("click", (event) => {
    const box = event.target.closest(".row-check");
    if (box) {
      const boxes = $$(".row-check");
      if (event.shiftKey && lastChecked && lastChecked !== box) {
        const [a, b] = [boxes.indexOf(lastChecked), boxes.indexOf(box)].sort((x, y) => x - y);
        boxes.slice(a, b + 1).forEach((other) => (other.checked = box.checked));
      }
      lastChecked = box;
      syncSelection();
      return;
    }
    if (event.target.id === "select-page") {
      $$(".row-check").forEach((other) => (other.checked = event.target.checked));
      syncSelection();
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target.id === "bulk-action") showBulkExtras();
  });

  // Choosing another site changes the whole inbox (its filters, agents, tags): load it as a
  // page rather than swapping only the list.
  document.addEventListener(
    "change",
    (event) => {
      const select = event.target.closest("select[data-navigate]");
      if (!select) return;
      event.stopPropagation();
      const url = new URL(select.form.action, window.location.href);
      if (select.value) url.searchParams.set(select.name, select.value);
      window.location.assign(url.toString());
    },
    true,
  );

  // Enter or o opens the focused row; x selects it.
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const row = document.activeElement && document.activeElement.closest("[data-row]");
    if (!row || /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) return;
    if (event.key === "Enter" || event.key === "o") {
      event.preventDefault();
      row.querySelector(".row-title").click();
    } else if (event.key === "x") {
      event.preventDefault();
      const box = row.querySelector(".row-check");
      box.checked = !box.checked;
      lastChecked = box;
      syncSelection();
    }
  });

  // Deleting asks first; without JavaScript the server asks with a page of its own.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "bulk-form" || form.dataset.confirmed) return;
    if ($("#bulk-action").value !== "delete") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const dialog = $("#confirm-delete");
    dialog.returnValue = "";
    dialog.showModal();
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue !== "confirm") return;
      let flag = form.querySelector("input[name=confirm]");
      if (!flag) {
        flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "confirm";
        flag.value = "1";
        form.appendChild(flag);
      }
      form.dataset.confirmed = "1";
      form.requestSubmit();
    });
  }, true);

  // Keep the selection when the list is swapped (live refresh, filters on the same rows).
  let kept = [];
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "results") {
      kept = $$(".row-check").filter((box) => box.checked).map((box) => box.value);
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    const deleted = $("#bulk-form") && $("#bulk-form").dataset.confirmed;
    if (!deleted) {
      $$(".row-check").forEach((box) => (box.checked = kept.includes(box.value)));
    }
    kept = [];
    syncSelection();
    showBulkExtras();
  });

  // Poll for changes every 30 s, only while the tab is visible.
  setInterval(() => {
    const live = $("#live");
    if (live && document.visibilityState === "visible" && window.htmx) {
      window.htmx.trigger(live, "poll");
    }
  }, 30000);

  document.addEventListener("DOMContentLoaded", () => {
    syncSelection();
    showBulkExtras();
  });
})();
