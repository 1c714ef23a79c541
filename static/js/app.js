// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive or final actions: <button data-confirm="...">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  // Character counters: <textarea data-maxlength="10000" data-counter="id">
  document.querySelectorAll("textarea[data-counter]").forEach((area) => {
    const counter = document.getElementById(area.getAttribute("data-counter"));
    if (!counter) return;
    const update = () => { counter.textContent = `${area.value.length} / ${area.getAttribute("data-maxlength")}`; };
    area.addEventListener("input", update);
    update();
  });
});
