/* The composer's formatting: toolbar buttons and Ctrl/Cmd+B, I, K wrap the selection in
   Markdown, and Preview shows the server's rendering of it (dashboard/formatting.py). Nothing
   here builds HTML: what is sent is rendered and sanitised on the server. Without JavaScript the
   toolbar stays hidden and Markdown typed by hand works the same. */
(() => {
  "use strict";

  const WRAPS = {
    bold: ["**", "**", "bold text"],
    italic: ["*", "*", "italic text"],
    code: ["`", "`", "code"],
  };
  const PREFIXES = { list: "- ", numbered: "1. ", quote: "> " };
  const KEYS = { b: "bold", i: "italic", k: "link" };

  /* Replace part of the text the way typing would, so the browser's undo (Ctrl+Z) still works;
     then select what the agent will most likely type over next. */
  function replace(field, start, end, text, selectFrom, selectTo) {
    field.focus();
    field.setSelectionRange(start, end);
    let typed = false;
    try {
      typed = document.execCommand("insertText", false, text);
    } catch (e) {
      typed = false;
    }
    if (!typed || field.value.slice(start, start + text.length) !== text) {
      field.setRangeText(text, start, end, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    field.setSelectionRange(selectFrom, selectTo);
  }

  function wrap(field, before, after, placeholder) {
    const start = field.selectionStart;
    const end = field.selectionEnd;
    const value = field.value;
    const chosen = value.slice(start, end);
    if (
      chosen &&
      value.slice(start - before.length, start) === before &&
      value.slice(end, end + after.length) === after
    ) {
      /* Already wrapped: the same button or key takes the formatting off again. */
      const from = start - before.length;
      replace(field, from, end + after.length, chosen, from, from + chosen.length);
      return;
    }
    const inner = chosen || placeholder;
    const from = start + before.length;
    replace(field, start, end, before + inner + after, from, from + inner.length);
  }

  function code(field) {
    const chosen = field.value.slice(field.selectionStart, field.selectionEnd);
    if (chosen.includes("\n")) {
      const start = field.selectionStart;
      const atLineStart = start === 0 || field.value[start - 1] === "\n";
      const before = (atLineStart ? "" : "\n") + "```\n";
      wrap(field, before, "\n```\n", "");
    } else {
      wrap(field, ...WRAPS.code);
    }
  }

  function link(field) {
    const start = field.selectionStart;
    const end = field.selectionEnd;
    const chosen = field.value.slice(start, end);
    if (/^(https?:\/\/|mailto:)\S+$/i.test(chosen)) {
      /* An address was selected: it becomes the target, the words are typed next. */
      const label = "link text";
      replace(field, start, end, `[${label}](${chosen})`, start + 1, start + 1 + label.length);
      return;
    }
    const label = chosen || "link text";
    const text = `[${label}](https://)`;
    const urlStart = start + label.length + 3;
    replace(field, start, end, text, urlStart, urlStart + "https://".length);
  }

  function prefixLines(field, prefix) {
    const value = field.value;
    const start = value.lastIndexOf("\n", field.selectionStart - 1) + 1;
    let end = value.indexOf("\n", Math.max(field.selectionEnd - 1, start));
    if (end === -1) end = value.length;
    const lines = value.slice(start, end).split("\n");
    const numbered = prefix === PREFIXES.numbered;
    const pattern = numbered ? /^\d+\. / : new RegExp("^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const text = lines.every((line) => pattern.test(line))
      ? lines.map((line) => line.replace(pattern, "")).join("\n")
      : lines.map((line, i) => (numbered ? `${i + 1}. ` : prefix) + line).join("\n");
    replace(field, start, end, text, start + text.length, start + text.length);
  }

  function format(field, kind) {
    if (!field || field.readOnly || field.disabled || field.hidden) return;
    if (kind === "link") link(field);
    else if (kind === "code") code(field);
    else if (WRAPS[kind]) wrap(field, ...WRAPS[kind]);
    else if (PREFIXES[kind]) prefixLines(field, PREFIXES[kind]);
  }

  function messageField(form) {
    return form && form.querySelector("#composer-text");
  }

  /* Ctrl/Cmd+B, I, K in the composer and in a message being edited. */
  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement)) return;
    if (field.id !== "composer-text" && !field.closest(".edit-form")) return;
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const kind = KEYS[event.key.toLowerCase()];
    if (!kind) return;
    event.preventDefault();
    format(field, kind);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-format]");
    if (button) {
      format(messageField(button.closest("form")), button.dataset.format);
      return;
    }
    const toggle = event.target.closest("[data-composer-preview]");
    if (toggle) showPreview(toggle, toggle.getAttribute("aria-pressed") !== "true");
  });

  function showPreview(toggle, on) {
    const form = toggle.closest("form");
    const field = messageField(form);
    const pane = form && form.querySelector("#composer-preview");
    if (!field || !pane) return;
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    for (const button of form.querySelectorAll("[data-format]")) button.disabled = on;
    pane.hidden = !on;
    field.hidden = on;
    if (on) {
      pane.textContent = "Rendering the preview…";
      if (window.htmx) window.htmx.trigger(toggle, "composer:preview");
    } else {
      field.focus();
    }
  }

  /* A preview that fails is said in the preview itself: it is not a failed send. */
  function previewFailed(event) {
    event.stopPropagation();
    const pane = document.getElementById("composer-preview");
    if (pane) pane.textContent = "The preview could not be rendered. Your text is kept; try again.";
  }

  function setup(root) {
    for (const toolbar of (root || document).querySelectorAll("[data-composer-toolbar][hidden]")) {
      toolbar.hidden = false;
      const toggle = toolbar.querySelector("[data-composer-preview]");
      if (toggle) {
        toggle.addEventListener("htmx:responseError", previewFailed);
        toggle.addEventListener("htmx:sendError", previewFailed);
        toggle.addEventListener("htmx:timeout", previewFailed);
      }
    }
  }

  document.addEventListener("htmx:load", (event) => setup(event.target));
  setup(document);
})();
