/* Customers screens: open the focused row with Enter or o, send forms with Ctrl/Cmd+Enter, keep
   Enter in the new-ticket form from sending it by accident, search customers at once on Enter,
   and disable plain forms' buttons while they submit. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const typing = (el) =>
    el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  document.addEventListener("keydown", (event) => {
    const target = event.target;

    /* Ctrl/Cmd+Enter sends the form being filled in. */
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const form = target.closest && target.closest("form[data-submit-shortcut]");
      if (form) {
        event.preventDefault();
        /* A click, not requestSubmit(): htmx takes the submitting button (and its name=value,
           e.g. intent=create) from the last button clicked. */
        const primary = form.querySelector("[data-submit-primary]") || form.querySelector("button[type=submit]");
        if (primary && !primary.disabled) primary.click();
      }
      return;
    }

    if (event.key === "Enter" && !event.shiftKey && !event.altKey && target.tagName === "INPUT") {
      /* The customer search looks up at once instead of submitting the ticket form. */
      if (target.matches("[data-search-now]")) {
        event.preventDefault();
        target.dispatchEvent(new Event("search", { bubbles: true }));
        return;
      }
      /* In the new-ticket form only the Create button (or Ctrl+Enter) sends the ticket. */
      if (target.type !== "radio" && target.type !== "checkbox" && target.closest("#ticket-form")) {
        event.preventDefault();
        return;
      }
    }

    /* Enter or o on a focused row (j/k move between rows) opens its first link. */
    if ((event.key === "Enter" || event.key === "o") && !typing(document.activeElement)) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const row = document.activeElement && document.activeElement.closest("[data-row]");
      const link = row && row.querySelector("a[href]");
      if (link && document.activeElement === row) {
        event.preventDefault();
        link.click();
      }
    }
  });

  /* A row can be clicked anywhere, not only on its link. */
  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-row]");
    if (!row || event.target.closest("a, button, input, label")) return;
    const link = row.querySelector("a[href]");
    if (link && !window.getSelection().toString()) link.click();
  });

  /* A form that came back with errors puts the cursor on the first field to correct. */
  document.addEventListener("htmx:afterSettle", (event) => {
    /* The form was swapped outerHTML: find its replacement by id. */
    const old = event.detail.target;
    const form = old && old.id ? document.getElementById(old.id) : null;
    if (!form || form.tagName !== "FORM") return;
    const invalid = form.querySelector("[aria-invalid=true], .field-error");
    if (!invalid) return;
    const field = invalid.matches("input, select, textarea")
      ? invalid
      : invalid.closest(".field, .nt-existing")?.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus();
  });

  /* Plain (non-htmx) forms: one submission only. */
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.hasAttribute("hx-post") || form.method.toLowerCase() !== "post") return;
    setTimeout(() => {
      form.querySelectorAll("button[type=submit]").forEach((button) => (button.disabled = true));
    });
  });
  /* Coming back to the page (Back button) makes its forms usable again. */
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form:not([hx-post]) button[type=submit]").forEach((b) => (b.disabled = false));
  });
})();
