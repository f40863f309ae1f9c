/* Workflow: the saved-reply picker, the waiting count in the tab title and optional browser
   notifications. Loaded on every page (templates/workflow/head.html). No inline scripts or
   eval (CSP); every page works without this file. */
(function () {
  "use strict";
  // A page may include the script twice (its own head and base.html's): run once.
  if (window.dashboardWorkflow) return;
  window.dashboardWorkflow = true;
  document.documentElement.classList.add("js");

  /* ------------------------------------------------------------------ saved replies -- */
  const PICKER = "[data-sr-picker]";

  function textareaFor(picker) {
    const id = picker.dataset.for;
    const named = id && document.getElementById(id);
    if (named) return named;
    const form = picker.closest("form");
    return (
      (form && form.querySelector("textarea[data-saved-replies]")) ||
      document.querySelector("textarea[data-saved-replies]")
    );
  }

  function pickerFor(textarea) {
    if (textarea.id) {
      const named = document.querySelector(`${PICKER}[data-for="${CSS.escape(textarea.id)}"]`);
      if (named) return named;
    }
    const inForm = textarea.form && textarea.form.querySelector(PICKER);
    if (inForm) return inForm;
    const all = document.querySelectorAll(PICKER);
    return all.length === 1 ? all[0] : null;
  }

  function items(picker) {
    return Array.from(picker.querySelectorAll(".sr-item"));
  }

  function setActive(picker, item) {
    items(picker).forEach((el) => {
      const on = el === item;
      el.classList.toggle("is-active", on);
      el.setAttribute("aria-selected", String(on));
    });
    if (item) item.scrollIntoView({ block: "nearest" });
  }

  function openPicker(picker, viaSlash) {
    picker.dataset.viaSlash = viaSlash ? "1" : "";
    picker.open = true;
    const search = picker.querySelector(".sr-search");
    if (search) {
      search.focus();
      search.select();
    }
  }

  function closePicker(picker, refocus) {
    picker.open = false;
    picker.dataset.viaSlash = "";
    const textarea = textareaFor(picker);
    if (refocus && textarea) textarea.focus();
  }

  /* Insert at the textarea's cursor (kept while the search field has focus). insertText keeps
     the browser's undo history; setRangeText is the fallback. Either way an input event tells
     draft savers and auto-growers. */
  function insertText(textarea, text) {
    if (textarea.disabled || textarea.readOnly) return false;
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) {
      done = false;
    }
    if (!done || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    return true;
  }

  function choose(picker, item) {
    const textarea = textareaFor(picker);
    if (!item || !textarea) return;
    closePicker(picker, false);
    insertText(textarea, item.dataset.srText || "");
    // The next opening starts from the whole list again.
    const search = picker.querySelector(".sr-search");
    if (search && search.value) {
      search.value = "";
      search.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function onEmptyLine(textarea) {
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    if (start !== end) return false;
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    const next = value.indexOf("\n", start);
    const lineEnd = next === -1 ? value.length : next;
    return value.slice(lineStart, lineEnd).trim() === "";
  }

  document.addEventListener(
    "keydown",
    (event) => {
      const target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      // "/" at the start of an empty line of a composer opens its picker.
      if (target.matches && target.matches("textarea[data-saved-replies]") && event.key === "/") {
        const picker = pickerFor(target);
        if (picker && onEmptyLine(target)) {
          event.preventDefault();
          openPicker(picker, true);
        }
        return;
      }
      const picker = target.closest && target.closest(PICKER);
      if (!picker) return;
      if (event.key === "Escape" && picker.open) {
        // Close the picker only; the page's own Escape (back to the list) must not run.
        event.preventDefault();
        event.stopPropagation();
        closePicker(picker, true);
        return;
      }
      if (!target.classList.contains("sr-search")) return;
      const list = items(picker);
      const active = picker.querySelector(".sr-item.is-active");
      const index = list.indexOf(active);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive(picker, list[Math.min(list.length - 1, Math.max(0, index + step))]);
      } else if (event.key === "Enter") {
        // Never submit the composer from here.
        event.preventDefault();
        choose(picker, active || list[0]);
      } else if (event.key === "/" && !target.value && picker.dataset.viaSlash) {
        // A second "/" means the agent wanted the character itself.
        event.preventDefault();
        closePicker(picker, false);
        const textarea = textareaFor(picker);
        if (textarea) insertText(textarea, "/");
      }
    },
    true,
  );

  document.addEventListener("click", (event) => {
    const item = event.target.closest(".sr-item");
    if (item) {
      const picker = item.closest(PICKER);
      if (picker) choose(picker, item);
      return;
    }
    // A click elsewhere closes an open picker.
    document.querySelectorAll(`${PICKER}[open]`).forEach((picker) => {
      if (!picker.contains(event.target)) closePicker(picker, false);
    });
  });

  document.addEventListener("mouseover", (event) => {
    const item = event.target.closest && event.target.closest(".sr-item");
    if (item) setActive(item.closest(PICKER), item);
  });

  // "toggle" does not bubble; a capturing listener still sees it. Opening by the button
  // focuses the search field like the shortcut does.
  document.addEventListener(
    "toggle",
    (event) => {
      const picker = event.target;
      if (!picker.matches || !picker.matches(PICKER) || !picker.open) return;
      const search = picker.querySelector(".sr-search");
      if (search && document.activeElement !== search) search.focus();
    },
    true,
  );

  /* --------------------------------------------------------- browser notifications -- */
  // The title's figure is read every minute; notifications compare consecutive readings.
  const INTERVAL = 60 * 1000;
  const NOTIFY_KEY = "workflow:notify";
  const SEEN_KEY = "workflow:seen";
  // A map older than this belongs to another session: take it in silently.
  const CONTINUITY = 2 * INTERVAL;
  const SEEN_MAX = 500;

  function supported() {
    return "Notification" in window;
  }

  function notificationsOn() {
    return supported() && Notification.permission === "granted" && localStorage.getItem(NOTIFY_KEY) === "on";
  }

  /* ------------------------------------------------------- waiting count in the title -- */
  const meta = document.querySelector('meta[name="workflow-waiting-url"]');
  const COUNT_URL = meta && meta.content;
  const PREFIX = /^\(\d+\)\s/;
  const COUNT_STORE = "workflow:waiting";
  let lastCount = null;
  let lastPoll = 0;
  let firstPoll = true;
  let busy = false;
  let again = false;

  function showCount(count) {
    lastCount = count;
    const base = document.title.replace(PREFIX, "");
    const title = count > 0 ? `(${count}) ${base}` : base;
    if (document.title !== title) document.title = title;
  }

  async function poll() {
    if (!COUNT_URL) return;
    if (busy) {
      // Asked while a reading is under way (notifications just turned on): read once more.
      again = true;
      return;
    }
    busy = true;
    lastPoll = Date.now();
    try {
      const detail = notificationsOn();
      const response = await fetch(COUNT_URL + (detail ? "?detail=1" : ""), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      const type = response.headers.get("Content-Type") || "";
      // Signed out (a redirect to the login page) or an error: keep the last figure.
      if (!response.ok || !type.includes("application/json")) return;
      const data = await response.json();
      if (typeof data.count === "number") {
        showCount(data.count);
        sessionStorage.setItem(COUNT_STORE, JSON.stringify({ count: data.count, at: lastPoll }));
      }
      if (detail && Array.isArray(data.tickets)) compare(data.tickets, firstPoll);
      firstPoll = false;
    } catch (e) {
      /* Offline for a moment: the next poll tries again. */
    } finally {
      busy = false;
      if (again) {
        again = false;
        poll();
      }
    }
  }

  function pollIfDue() {
    if (document.visibilityState === "visible" && Date.now() - lastPoll >= INTERVAL) poll();
  }

  if (COUNT_URL) {
    // The figure of the previous page shows at once, so the title does not flicker on
    // navigation; it is read again when it is older than half the interval.
    let cached = null;
    try {
      cached = JSON.parse(sessionStorage.getItem(COUNT_STORE) || "null");
    } catch (e) {
      cached = null;
    }
    if (cached && typeof cached.count === "number" && Date.now() - cached.at < INTERVAL / 2) {
      showCount(cached.count);
      lastPoll = cached.at;
    }
    if (document.visibilityState === "visible" && Date.now() - lastPoll >= INTERVAL / 2) poll();
    setInterval(pollIfDue, 5000);
    document.addEventListener("visibilitychange", pollIfDue);
    // A change made here (a reply sent, tickets closed) changes the figure: read it now.
    document.addEventListener("ticketUpdated", () => poll());
    // htmx may put a page's own title back (history, swaps): keep the figure in front.
    document.addEventListener("htmx:afterSettle", () => lastCount !== null && showCount(lastCount));
    document.addEventListener("htmx:historyRestore", () => lastCount !== null && showCount(lastCount));
  }

  /* Tickets are the user's open ones: a key not seen before is a new assignment, a changed
     marker on a waiting ticket is a new customer message. The first poll of a page only takes
     the list in, unless the previous page polled moments ago, so nothing is announced on
     arrival and nothing is lost between pages. */
  function compare(tickets, first) {
    let stored = null;
    try {
      stored = JSON.parse(localStorage.getItem(SEEN_KEY) || "null");
    } catch (e) {
      stored = null;
    }
    const valid = stored && stored.seen && typeof stored.seen === "object";
    const silent = !valid || (first && Date.now() - stored.at > CONTINUITY);
    const seen = valid ? stored.seen : {};
    const news = [];
    tickets.forEach((ticket) => {
      if (!silent) {
        if (!(ticket.key in seen)) news.push(["Assigned to you", ticket]);
        else if (ticket.waiting && ticket.marker && seen[ticket.key] !== ticket.marker) {
          news.push(["Customer replied", ticket]);
        }
      }
      delete seen[ticket.key];
      seen[ticket.key] = ticket.marker;
    });
    const keys = Object.keys(seen);
    keys.slice(0, Math.max(0, keys.length - SEEN_MAX)).forEach((key) => delete seen[key]);
    localStorage.setItem(SEEN_KEY, JSON.stringify({ at: Date.now(), seen }));
    news.slice(0, 5).forEach(([what, ticket]) => announce(what, ticket));
  }

  function announce(what, ticket) {
    try {
      const note = new Notification(`${what}: ${ticket.title}`, {
        body: ticket.site,
        tag: `${ticket.key}:${ticket.marker}`,
      });
      note.addEventListener("click", () => {
        window.focus();
        window.location.href = ticket.url;
        note.close();
      });
    } catch (e) {
      /* Some browsers only notify from a service worker; the title still counts. */
    }
  }

  function renderToggles() {
    document.querySelectorAll("[data-notify-toggle]").forEach((button) => {
      button.hidden = !supported();
      if (!supported()) return;
      const on = notificationsOn();
      const blocked = Notification.permission === "denied";
      button.setAttribute("aria-pressed", String(on));
      const state = button.querySelector("[data-notify-state]");
      if (state) state.textContent = blocked ? "blocked in the browser" : on ? "on" : "off";
    });
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-notify-toggle]");
    if (!button || !supported()) return;
    event.preventDefault();
    if (notificationsOn()) {
      localStorage.removeItem(NOTIFY_KEY);
      renderToggles();
      return;
    }
    if (Notification.permission === "denied") {
      if (window.dashboardNotice) {
        window.dashboardNotice(
          "This browser blocks notifications from the dashboard; allow them in its site settings.",
          "warning",
        );
      }
      renderToggles();
      return;
    }
    // Asked only now, because the agent clicked.
    const permission =
      Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    if (permission === "granted") {
      localStorage.setItem(NOTIFY_KEY, "on");
      localStorage.removeItem(SEEN_KEY);
      poll();
    }
    renderToggles();
  });

  document.addEventListener("DOMContentLoaded", renderToggles);
  if (document.readyState !== "loading") renderToggles();
  document.addEventListener("htmx:afterSettle", renderToggles);
})();
