// The admin UI's one script (served from memory with a hashed name; CSP script-src 'self').
// It does four things: posts the action forms as JSON with the page's CSRF token, counts
// down expiry times, refreshes the live part of a page, and runs bulk actions on selected rows.
"use strict";
(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  function notice(text, ok) {
    const box = document.getElementById("notice");
    box.textContent = text;
    box.className = "notice " + (ok ? "ok" : "bad");
    box.hidden = false;
  }

  async function act(action, fields) {
    const response = await fetch("/admin/ui/actions/" + encodeURIComponent(action), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(fields),
    });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = { message: "HTTP " + response.status }; }
    return { ok: response.ok && answer.ok === true, message: answer.message || ("HTTP " + response.status) };
  }

  function fieldsOf(form) {
    const fields = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (name !== "select") fields[name] = value;
    }
    return fields;
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const result = await act(form.dataset.action, fieldsOf(form));
    if (!result.ok) { notice(result.message, false); return; }
    // Shown by the reloaded page.
    sessionStorage.setItem("safemut-notice", JSON.stringify(result));
    window.location.reload();
  });

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-bulk-action]");
    if (!button) return;
    event.preventDefault();
    const ids = [...document.querySelectorAll('input[name="select"]:checked')].map((box) => box.value);
    if (ids.length === 0) { notice("select at least one row", false); return; }
    const failures = [];
    for (const id of ids) {
      const result = await act(button.dataset.bulkAction, { id: id });
      if (!result.ok) failures.push(id + ": " + result.message);
    }
    const result = failures.length === 0
      ? { ok: true, message: ids.length + " done" }
      : { ok: false, message: failures.join("; ") };
    sessionStorage.setItem("safemut-notice", JSON.stringify(result));
    window.location.reload();
  });

  function tick() {
    for (const cell of document.querySelectorAll("[data-expires-at]")) {
      const left = Math.max(0, Math.round((Date.parse(cell.dataset.expiresAt) - Date.now()) / 1000));
      const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      cell.textContent = left === 0 ? "expired" : (h + "h " + String(m).padStart(2, "0") + "m " + String(s).padStart(2, "0") + "s");
      cell.dataset.secondsLeft = String(left);
    }
  }

  async function refresh() {
    const live = document.getElementById("live");
    if (!live || document.activeElement && document.activeElement.closest("form")) return;
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("live");
    if (fresh) { live.replaceWith(fresh); tick(); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const stored = sessionStorage.getItem("safemut-notice");
    if (stored) {
      sessionStorage.removeItem("safemut-notice");
      const result = JSON.parse(stored);
      notice(result.message, result.ok);
    }
    tick();
    setInterval(tick, 1000);
    const every = Number(document.body.dataset.refreshSeconds || 0);
    if (every > 0) setInterval(refresh, every * 1000);
  });
})();
