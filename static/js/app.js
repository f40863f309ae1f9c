/* Support Dashboard: small progressive enhancements on top of htmx. Every page works without
   this file; it adds keyboard paths, drafts and the loading bar. No inline scripts (CSP). */
(function () {
  "use strict";

  /* Times are rendered in the browser's zone: tell the server which one it is. */
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && !document.cookie.split("; ").includes("tz=" + zone)) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) {
    /* An old browser keeps UTC. */
  }

  const typingTarget = (el) =>
    el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  /* Loading bar while any htmx request is in flight. */
  let inFlight = 0;
  document.addEventListener("htmx:beforeRequest", () => {
    inFlight += 1;
    document.body.classList.add("is-loading");
  });
  const done = () => {
    inFlight = Math.max(0, inFlight - 1);
    if (!inFlight) document.body.classList.remove("is-loading");
  };
  document.addEventListener("htmx:afterRequest", done);
  document.addEventListener("htmx:sendAbort", done);

  /* Errors from htmx requests render into the page, never vanish: 4xx answers carry their own
     fragment (see the htmx-config meta in base.html); a 5xx or a network failure shows a notice
     and tells the form, which keeps its text. */
  document.addEventListener("htmx:responseError", (event) => {
    showNotice("Something went wrong on the dashboard's side. Nothing was lost; try again.", "error");
    const form = event.detail.elt.closest("form");
    if (form) form.dispatchEvent(new CustomEvent("dashboard:send-failed", { bubbles: true }));
  });
  document.addEventListener("htmx:sendError", (event) => {
    showNotice("The dashboard could not be reached. Check your connection and try again.", "error");
    const form = event.detail.elt.closest("form");
    if (form) form.dispatchEvent(new CustomEvent("dashboard:send-failed", { bubbles: true }));
  });
  document.addEventListener("htmx:timeout", (event) => {
    const form = event.detail.elt.closest("form");
    if (form) form.dispatchEvent(new CustomEvent("dashboard:send-timeout", { bubbles: true }));
  });

  function showNotice(text, level) {
    const box = document.getElementById("notices");
    if (!box) return;
    const div = document.createElement("div");
    div.className = "flash flash-" + (level || "info");
    div.setAttribute("role", "status");
    div.textContent = text;
    box.appendChild(div);
    setTimeout(() => div.remove(), 8000);
  }
  window.dashboardNotice = showNotice;

  /* Copy-link buttons: the link names the site by its slug, so it opens for any teammate
     (who is asked to connect the site first if they have not). Without the clipboard API (a
     page served over plain http to another machine) the old copy command, and failing that
     the link is shown to copy by hand. */
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy-link]");
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    const url = button.dataset.copyLink;
    const what = button.dataset.copyWhat || "page";
    const copied = () => {
      button.textContent = "Copied";
      button.classList.add("is-copied");
      showNotice("Link to this " + what + " copied: anyone on the team can open it.", "success");
      setTimeout(() => {
        button.textContent = "Copy link";
        button.classList.remove("is-copied");
      }, 2000);
    };
    const byHand = () => {
      const field = document.createElement("textarea");
      field.value = url;
      field.setAttribute("readonly", "");
      field.className = "visually-hidden";
      document.body.appendChild(field);
      field.select();
      let done = false;
      try {
        done = document.execCommand("copy");
      } catch (e) {
        done = false;
      }
      field.remove();
      if (done) copied();
      else showNotice("Copy this link: " + url, "info");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(copied, byHand);
    } else {
      byHand();
    }
  });

  /* An avatar picture that cannot load leaves the initials underneath visible. */
  document.addEventListener(
    "error",
    (event) => {
      const img = event.target;
      if (img.tagName === "IMG" && img.parentElement && img.parentElement.classList.contains("avatar")) {
        img.remove();
      }
    },
    true,
  );

  // Pictures may have failed before this script ran, or arrive in swapped fragments.
  function dropBrokenAvatars() {
    document.querySelectorAll(".avatar img").forEach((img) => {
      if (img.complete && img.naturalWidth === 0) img.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", dropBrokenAvatars);
  window.addEventListener("load", dropBrokenAvatars);
  document.addEventListener("htmx:afterSettle", () => setTimeout(dropBrokenAvatars, 1500));

  /* Narrow screens: the navigation is a menu. */
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    const nav = document.getElementById(toggle.getAttribute("aria-controls"));
    const open = !nav.classList.contains("is-open");
    nav.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", String(open));
  });

  /* Shortcuts dialog. When it closes, focus goes back to where it was (the row, the link that
     opened it), so a keyboard user carries on from the same place. */
  function openShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog || dialog.open) return;
    // Opened from a menu, the way back is the menu's button: the menu closes meanwhile.
    const opener = document.activeElement;
    const menu = opener && opener.closest && opener.closest("details");
    const back = menu ? menu.querySelector("summary") : opener;
    dialog.addEventListener(
      "close",
      () => {
        if (menu) menu.open = false;
        if (back && back !== document.body && document.contains(back)) back.focus();
      },
      { once: true },
    );
    dialog.showModal();
  }

  /* Menus built on <details> (account, snooze): Escape closes the open one and puts focus back
     on its summary, before the page's own Escape (back to the list) can run; a click elsewhere
     closes it too. The saved-reply picker handles its own keys (workflow.js). */
  const MENUS = "details.user-menu[open], details.snooze-menu[open]";
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape" || !event.target.closest) return;
      const menu = event.target.closest(MENUS);
      if (!menu) return;
      event.preventDefault();
      event.stopPropagation();
      menu.open = false;
      menu.querySelector("summary").focus();
    },
    true,
  );
  document.addEventListener("click", (event) => {
    document.querySelectorAll(MENUS).forEach((menu) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcuts-open]")) {
      event.preventDefault();
      openShortcuts();
    }
  });

  /* Keyboard. Elements declare their own key with data-key="r"; the handler clicks links and
     buttons, focuses fields. Lists declare data-row-list and their rows data-row for j/k. */
  let pendingG = false;
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingTarget(document.activeElement)) {
      if (event.key === "Escape") document.activeElement.blur();
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    const key = event.key;
    if (pendingG) {
      pendingG = false;
      const target = document.querySelector(`[data-go="${key}"]`);
      if (target) {
        event.preventDefault();
        target.click();
      }
      return;
    }
    if (key === "g") {
      pendingG = true;
      setTimeout(() => (pendingG = false), 1200);
      return;
    }
    if (key === "?") {
      event.preventDefault();
      openShortcuts();
      return;
    }
    if (key === "j" || key === "k") {
      if (moveRow(key === "j" ? 1 : -1)) {
        event.preventDefault();
        return;
      }
    }
    const target = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (!target) return;
    event.preventDefault();
    if (typingTarget(target)) {
      target.focus();
      if (target.select && target.type !== "textarea") target.select();
    } else {
      target.click();
    }
  });

  function rows() {
    const list = document.querySelector("[data-row-list]");
    return list ? Array.from(list.querySelectorAll("[data-row]")) : [];
  }
  function moveRow(step) {
    const all = rows();
    if (!all.length) return false;
    const current = all.indexOf(document.activeElement.closest("[data-row]"));
    const next = all[Math.min(all.length - 1, Math.max(0, current < 0 ? 0 : current + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
    return true;
  }
  window.dashboardRows = rows;
})();
