/* Thread page: drafts kept per ticket, Ctrl/Cmd+Enter sends, the composer's modes, editing in
   place, send failures explained, focus kept across swaps, and "stop showing me as viewing"
   when the agent moves on. Every form works without this file; the server refuses a replayed
   send on its own. */
(function () {
  "use strict";

  const page = document.querySelector("[data-thread]");
  if (!page) return;

  const storage = (function () {
    try {
      const probe = "__draft_probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; /* Private mode or storage disabled: the server still keeps text on failure. */
    }
  })();

  const composer = () => document.getElementById("composer");
  const textOf = (form) => form.querySelector("textarea[name=text]");
  const modeOf = (form) => {
    const checked = form.querySelector("input[name=mode]:checked");
    return checked ? checked.value : "reply";
  };

  function readDraft(key) {
    if (!storage) return null;
    try {
      return JSON.parse(storage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function saveDraft(form) {
    if (!storage) return;
    const key = form.dataset.draftKey;
    const text = textOf(form).value;
    if (text.trim()) {
      storage.setItem(key, JSON.stringify({ text: text, mode: modeOf(form), saved: Date.now() }));
    } else {
      storage.removeItem(key);
    }
  }

  function say(form, text) {
    const slot = form.querySelector("[data-draft-status]");
    if (slot) slot.textContent = text;
  }

  function setMode(form, mode) {
    const radio = form.querySelector(`input[name=mode][value="${mode === "note" ? "note" : "reply"}"]`);
    if (radio) radio.checked = true;
    const textarea = textOf(form);
    textarea.placeholder = textarea.dataset[mode === "note" ? "placeholderNote" : "placeholderReply"];
    form.classList.toggle("is-note", mode === "note");
  }

  /* Runs for the page's composer and for every composer the server swaps in. */
  function setup(form) {
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    const key = form.dataset.draftKey;
    const textarea = textOf(form);
    if (form.hasAttribute("data-sent")) {
      /* The site confirmed the message: the draft has done its job. */
      if (storage) storage.removeItem(key);
    } else if (textarea.value.trim()) {
      /* The server rendered the text back (a refusal or a question): keep it as the draft. */
      saveDraft(form);
    } else {
      const draft = readDraft(key);
      if (draft && draft.text) {
        textarea.value = draft.text;
        setMode(form, draft.mode);
        say(form, "Draft restored");
      }
    }
    setMode(form, modeOf(form));

    let timer = null;
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        saveDraft(form);
        say(form, textarea.value.trim() ? "Draft saved" : "");
      }, 300);
    });
    form.addEventListener("change", (event) => {
      if (event.target.name === "mode") {
        setMode(form, event.target.value);
        saveDraft(form);
      }
    });
    /* r and n click a mode label (app.js); either way the agent wants to type next. */
    /* A click on a mode's label also clicks its radio: one focus for both, not a second one
       that could land after the agent has already left the field again (Escape). */
    let focusing = false;
    form.addEventListener("click", (event) => {
      if (!event.target.closest(".mode") || focusing) return;
      focusing = true;
      setTimeout(() => {
        focusing = false;
        textarea.focus();
      }, 0);
    });
    /* Keep what the agent typed while a send was in flight, if the answer replaces the form.
       The pending save is dropped: fired after a confirmed send, it would bring back as a
       draft the text just sent. */
    form.addEventListener("htmx:beforeRequest", () => {
      clearTimeout(timer);
      saveDraft(form);
    });

    form.addEventListener("dashboard:send-failed", () => {
      showStatus(
        form,
        "error",
        "The dashboard did not answer, so the message may not have been sent. Your text is " +
          "kept; sending again is safe, it will not be posted twice.",
      );
    });
    form.addEventListener("dashboard:send-timeout", () => {
      showStatus(
        form,
        "warning",
        "No answer in time: the message may have been sent. The thread is being read again; " +
          "check it before sending again. Your text is kept.",
      );
      rereadConversation();
    });
  }

  function showStatus(form, level, text) {
    let box = form.querySelector(".composer-status");
    if (!box) {
      box = document.createElement("div");
      box.className = "composer-status";
      box.setAttribute("role", "alert");
      textOf(form).before(box);
    }
    box.className = "composer-status composer-" + level;
    box.textContent = text;
  }

  function rereadConversation() {
    const list = document.getElementById("conversation");
    if (!list || !window.htmx) return;
    window.htmx.ajax("GET", page.dataset.conversationUrl, { target: "#conversation", swap: "outerHTML" });
  }

  /* Ctrl/Cmd+Enter sends: the composer with its mode's main button, an edit form with Save. */
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const field = event.target.closest("textarea");
    const form = field && field.form;
    if (!form) return;
    event.preventDefault();
    if (form.id === "composer") {
      const buttons = form.querySelector(".composer-buttons");
      if (buttons && buttons.disabled) return; /* Already being sent. */
      const main = form.querySelector(`[data-default-for="${modeOf(form)}"]`);
      form.requestSubmit(main || undefined);
    } else {
      form.requestSubmit();
    }
  });

  /* Esc first closes an open delete confirmation, before app.js takes it as "back". */
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape") return;
      const open = document.querySelector("details.confirm-delete[open]");
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
        event.preventDefault();
      }
    },
    true,
  );

  /* Editing in place: Cancel empties the slot instead of reloading the page. */
  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-edit-cancel]");
    const slot = cancel && cancel.closest(".edit-slot");
    if (!slot) return;
    event.preventDefault();
    const message = slot.closest(".message");
    slot.innerHTML = "";
    const edit = message && message.querySelector(".message-actions a");
    if (edit) edit.focus();
  });

  /* A swapped panel keeps the keyboard where it was (a select just changed, a tag removed):
     where focus was when the request started, not wherever it was last. A key such as `c`
     clicks without focusing, and focus must not then jump back into the composer, where the
     next `j` would be typed into the reply. */
  let focusedId = "";
  let requestedAt = 0;
  document.addEventListener("htmx:beforeRequest", () => {
    const active = document.activeElement;
    focusedId = active && active !== document.body ? active.id || "" : "";
    requestedAt = performance.now();
  });
  /* Escape is the agent leaving a field on purpose: a swap that settles afterwards must not
     put them back (the next key would be typed into the reply). */
  let escapedAt = -1;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") escapedAt = performance.now();
  }, true);
  const ownSwaps = ["properties", "thread-head", "composer"];

  document.addEventListener("htmx:afterSettle", (event) => {
    setup(composer());
    const target = event.detail.target;
    const lost = !document.activeElement || document.activeElement === document.body;
    const leftOnPurpose = escapedAt >= requestedAt;
    if (lost && !leftOnPurpose && target && ownSwaps.includes(target.id)) {
      /* A removed tag's button is gone: the tag field is the next useful place. */
      const fallback = target.id === "properties" ? document.getElementById("tag-input") : null;
      let again = (focusedId && document.getElementById(focusedId)) || fallback;
      const form = composer();
      /* Back into the composer only after a send it answered with the text kept (a refusal);
         once sent, the next key belongs to the thread. */
      if (again && form && form.contains(again) && (target.id !== "composer" || form.hasAttribute("data-sent"))) {
        again = document.getElementById("conversation");
      }
      if (again) again.focus();
    }
    if (target && target.classList && target.classList.contains("edit-slot")) {
      const field = target.querySelector("textarea");
      if (field) {
        field.focus();
        field.setSelectionRange(field.value.length, field.value.length);
      }
    }
  });

  /* This page view's id, sent with each presence check and with leaving: a check still on its
     way when the agent leaves must not register them as viewing again (tickets/presence.py). */
  const viewId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt && event.detail.elt.id === "presence") event.detail.parameters.view = viewId;
  });

  /* Moving on to another page (back, next, a customer's other ticket): tell the site we stopped
     viewing, so colleagues are not warned in vain. Closing the tab is left to the plugin, which
     forgets viewers after a minute. */
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (link.target === "_blank" || link.hasAttribute("hx-get")) return;
    const to = new URL(link.href, location.href);
    if (to.origin !== location.origin || to.pathname === location.pathname) return;
    let token = "";
    try {
      token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return;
    }
    fetch(page.dataset.leaveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      body: new URLSearchParams({ view: viewId }),
      credentials: "same-origin",
      keepalive: true,
    }).catch(() => {});
  });

  setup(composer());
})();
