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
  // Character counters: <textarea data-maxlength="10000" data-counter="id">;
  // past the limit the count says so (the counter's data-over text).
  document.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const counter = document.getElementById(area.getAttribute("data-counter"));
    if (!counter) return;
    const max = Number(area.getAttribute("data-maxlength"));
    const update = () => {
      const over = area.value.length > max;
      const count = `${area.value.length.toLocaleString()} / ${max.toLocaleString()}`;
      const warning = (counter.getAttribute("data-over") || "").replace("{max}", max.toLocaleString());
      counter.textContent = over && warning ? `${count}. ${warning}` : count;
      counter.classList.toggle("over", over);
    };
    area.addEventListener("input", update);
    update();
  });
});
