// Queue keyboard shortcuts: j / k move between complaints, "/" jumps to search.
// Every action is also reachable with Tab; this only saves keystrokes.
document.addEventListener("DOMContentLoaded", () => {
  const links = Array.from(document.querySelectorAll("#queue-table a.case-link"));
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) return;
    if (event.key === "/") {
      const search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (!links.length || (event.key !== "j" && event.key !== "k")) return;
    const current = links.indexOf(document.activeElement);
    let next = event.key === "j" ? current + 1 : current - 1;
    if (current === -1) next = 0;
    next = Math.max(0, Math.min(links.length - 1, next));
    event.preventDefault();
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  });
});

// The queue's counts per filter come after its rows: fill each chip's count
// and the total from /staff/queue/counts.
document.addEventListener("DOMContentLoaded", () => {
  const filters = document.querySelector("[data-counts-url]");
  if (!filters) return;
  const total = document.querySelector("[data-total]");
  const failed = () => { if (total) total.textContent = filters.dataset.countsFailed; };
  fetch(filters.dataset.countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => {
      const json = (response.headers.get("Content-Type") || "").includes("application/json");
      return response.ok && json ? response.json() : null;
    })
    .then((data) => {
      if (!data || !data.counts) { failed(); return; }
      document.querySelectorAll("[data-count]").forEach((el) => {
        const n = data.counts[el.dataset.count];
        if (n !== undefined) el.textContent = String(n);
      });
      document.querySelectorAll("[data-shown-if-counted]").forEach((el) => {
        if (data.counts[el.dataset.shownIfCounted] > 0) el.hidden = false;
      });
      if (total && data.total_text) total.textContent = data.total_text;
    })
    .catch(failed);
});
