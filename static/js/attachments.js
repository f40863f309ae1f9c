/* The composer's files: pick, drop or paste them; each uploads at once through the dashboard
   (never straight to the site) with a progress chip, and the message then names the uploads.
   A file that fails shows why on its chip and leaves the text and the other files alone. The
   form works without this file: its file input is posted with the message. */
(function () {
  "use strict";

  const boxOf = (form) => form && form.querySelector("[data-attachments]");

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function sizeLabel(size) {
    if (size < 1024) return size + " B";
    if (size < 1024 * 1024) return Math.round(size / 1024) + " KB";
    return (size / 1024 / 1024).toFixed(1) + " MB";
  }

  function say(box, text) {
    const slot = box.querySelector("[data-file-message]");
    slot.textContent = text;
    slot.hidden = !text;
  }

  const chipsOf = (box) => Array.from(box.querySelectorAll("[data-file-chip]"));
  const uploading = (box) => chipsOf(box).filter((chip) => chip.classList.contains("is-uploading"));
  /* Files the message will carry or is still waiting for (failed chips do not count). */
  const counted = (box) => chipsOf(box).filter((chip) => !chip.classList.contains("is-failed"));

  /* Why this file cannot be attached, checked before anything is sent; "" if it can. */
  function problem(box, file) {
    const accepted = box.dataset.accept.split(",");
    const dot = file.name.lastIndexOf(".");
    const extension = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
    const maxBytes = Number(box.dataset.maxBytes);
    if (!file.size) return file.name + " is empty.";
    if (file.size > maxBytes) {
      return (
        `${file.name} is ${sizeLabel(file.size)}; files can be up to ${sizeLabel(maxBytes)}. ` +
        "Share a bigger file by link instead."
      );
    }
    if (!accepted.includes(extension)) {
      return `${file.name} cannot be attached: the site takes images, CSV, text, PDF, Word, Excel (.xls) or Zip.`;
    }
    return "";
  }

  function newChip(box, file) {
    const template = box.querySelector("[data-file-chip-template]");
    const chip = template.content.firstElementChild.cloneNode(true);
    chip.querySelector("[data-file-name]").textContent = file.name;
    chip.querySelector("[data-file-size]").textContent = sizeLabel(file.size);
    chip.querySelector("[data-file-progress]").setAttribute("aria-label", "Uploading " + file.name);
    chip.querySelector("[data-file-remove]").setAttribute("aria-label", "Remove " + file.name);
    box.querySelector("[data-file-chips]").append(chip);
    return chip;
  }

  function failed(chip, text) {
    chip.classList.remove("is-uploading");
    chip.classList.add("is-failed");
    chip.querySelector("[data-file-progress]").hidden = true;
    const slot = chip.querySelector("[data-file-error]");
    slot.textContent = text;
    slot.hidden = false;
  }

  function upload(box, file) {
    const chip = newChip(box, file);
    const progress = chip.querySelector("[data-file-progress]");
    const body = new FormData();
    body.append("file", file, file.name);
    const request = new XMLHttpRequest();
    chip._request = request;
    request.open("POST", box.dataset.uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      const answer = request.response || {};
      if (request.status !== 200 || !answer.value) {
        const text =
          answer.error ||
          (request.status === 404
            ? file.name + " was not attached: this ticket cannot be read with your connection."
            : `${file.name} was not attached (the dashboard answered ${request.status}). Try again.`);
        failed(chip, text);
        say(box, text);
        return;
      }
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "attachments";
      input.value = answer.value;
      chip.prepend(input);
      chip.classList.remove("is-uploading");
      progress.value = 100;
      progress.hidden = true;
      chip.querySelector("[data-file-size]").textContent = answer.size_label;
      chip._request = null;
      if (!box.querySelector(".file-chip.is-failed")) say(box, "");
    });
    request.addEventListener("error", () => {
      const text = file.name + " was not attached: the dashboard could not be reached. Try again.";
      failed(chip, text);
      say(box, text);
    });
    request.send(body);
  }

  function add(box, files) {
    const refused = [];
    const most = Number(box.dataset.maxFiles);
    Array.from(files).forEach((file) => {
      const full = counted(box).length >= most;
      const why =
        problem(box, file) ||
        (full ? `${file.name} was not attached: a message takes up to ${most} files.` : "");
      if (why) refused.push(why);
      else upload(box, file);
    });
    say(box, refused.join(" "));
  }

  function enhance(form) {
    const box = boxOf(form);
    if (!box || box.dataset.enhanced) return;
    box.dataset.enhanced = "1";
    box.classList.add("is-enhanced");
  }

  /* A pasted name from the clipboard is often just "image.png": give it a findable one. */
  function named(file) {
    if (file.name && file.name !== "image.png") return file;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
    return new File([file], `pasted-${stamp}.${extension}`, { type: file.type });
  }

  document.addEventListener("change", (event) => {
    const input = event.target.closest("[data-file-input]");
    const box = input && input.closest("[data-attachments]");
    if (!box || !box.classList.contains("is-enhanced")) return;
    add(box, input.files);
    input.value = ""; /* Uploaded already: the message itself must not carry them again. */
  });

  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-file-remove]");
    const chip = remove && remove.closest("[data-file-chip]");
    if (!chip) return;
    const box = chip.closest("[data-attachments]");
    if (chip._request) chip._request.abort();
    chip.remove();
    if (box && !box.querySelector(".file-chip.is-failed")) say(box, "");
    const next = box && (box.querySelector("[data-file-remove]") || box.querySelector("[data-file-input]"));
    if (next) next.focus();
  });

  /* Dropping files anywhere on the composer attaches them. */
  document.addEventListener("dragover", (event) => {
    const form = event.target.closest && event.target.closest("#composer");
    if (!form || !boxOf(form) || !Array.from(event.dataTransfer.types).includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    form.classList.add("is-dropping");
  });
  document.addEventListener("dragleave", (event) => {
    const form = event.target.closest && event.target.closest("#composer");
    if (form && !form.contains(event.relatedTarget)) form.classList.remove("is-dropping");
  });
  document.addEventListener("drop", (event) => {
    const form = event.target.closest && event.target.closest("#composer");
    const box = boxOf(form);
    if (!box || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("is-dropping");
    add(box, event.dataTransfer.files);
  });

  /* Pasting an image (a screenshot) into the message attaches it; pasted text stays text. */
  document.addEventListener("paste", (event) => {
    const form = event.target.closest && event.target.closest("#composer");
    const box = boxOf(form);
    const files = event.clipboardData ? Array.from(event.clipboardData.files) : [];
    if (!box || !files.length) return;
    event.preventDefault();
    add(box, files.map(named));
  });

  /* A message waits for its files: sending while one uploads would send it without them. */
  function holdWhileUploading(event) {
    const form = event.target.closest && event.target.closest("#composer");
    const box = boxOf(form);
    if (!box || !uploading(box).length) return;
    event.preventDefault();
    if (event.type === "submit") event.stopPropagation(); /* htmx must not send it either. */
    say(box, "Wait for the files to finish uploading, then send.");
  }
  document.addEventListener("submit", holdWhileUploading, true);
  document.addEventListener("htmx:confirm", holdWhileUploading);

  enhance(document.getElementById("composer"));
  document.addEventListener("htmx:afterSettle", () => enhance(document.getElementById("composer")));
})();
