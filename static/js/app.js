// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive or final actions: <button data-confirm="...">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  // Print buttons: <button data-print hidden> (shown only where this script runs)
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
  // A page answered with errors: focus the summary at its top (screen readers announce it).
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // Character counters: <textarea data-maxlength="10000" data-counter="id">
  document.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const counter = document.getElementById(area.getAttribute("data-counter"));
    if (!counter) return;
    const update = () => { counter.textContent = `${area.value.length} / ${area.getAttribute("data-maxlength")}`; };
    area.addEventListener("input", update);
    update();
  });
});
