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
