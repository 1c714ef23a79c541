// Compliance pages: live progress of a contact-log import.
// Without JavaScript the status page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";

  function setText(root, name, value) {
    var el = root.querySelector('[data-field="' + name + '"]');
    if (el && value !== undefined && value !== null) { el.textContent = String(value); }
  }

  function poll(root) {
    var url = root.getAttribute("data-progress-url");
    var labels = {};
    var statusEl = root.querySelector('[data-field="status"]');
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        ["rows_seen", "imported", "duplicates", "rejected"].forEach(function (name) {
          setText(root, name, data[name]);
        });
        var bar = root.querySelector('progress[data-field="percent"]');
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        if (statusEl) {
          labels = JSON.parse(root.getAttribute("data-status-labels") || "{}");
          statusEl.textContent = labels[data.status] || data.status;
        }
        var error = root.querySelector('[data-field="error"]');
        if (error && data.error) { error.textContent = data.error; error.hidden = false; }
        if (data.finished) {
          // The first rejected rows are listed by the page itself: load it once more.
          if (data.rejected > 0 && !document.getElementById("reject-list")) { window.location.reload(); return; }
          root.setAttribute("data-finished", "true");
          root.querySelectorAll("[data-show-when-finished]").forEach(function (el) { el.hidden = false; });
          root.querySelectorAll("[data-hide-when-finished]").forEach(function (el) { el.hidden = true; });
        } else {
          window.setTimeout(function () { poll(root); }, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(function () { poll(root); }, 3000);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("import-progress");
    if (root && root.getAttribute("data-finished") !== "true") { poll(root); }
  });
})();
