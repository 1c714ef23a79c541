// The guided complaint form: small enhancements; every step works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const wizard = document.querySelector("form.wizard");
  if (!wizard) return;

  // Switching language half-way through a step: send what was typed so far
  // (the server keeps it without judging it) instead of following the link.
  document.querySelectorAll(".language-switch a[hreflang]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const lang = new URL(link.href, window.location.href).searchParams.get("lang");
      if (!lang) return;
      event.preventDefault();
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "switch_language";
      input.value = lang;
      wizard.appendChild(input);
      // File inputs are left out: a language switch never uploads.
      wizard.querySelectorAll("input[type=file]").forEach((el) => { el.disabled = true; });
      wizard.submit();
    });
  });

  // The region question in the words of the residence chosen (the server
  // words it the same way when the page is next shown).
  const holder = wizard.querySelector("[data-region-wordings]");
  const residence = wizard.querySelector("select[name=jurisdiction]");
  if (holder && residence) {
    const wordings = JSON.parse(holder.dataset.regionWordings);
    const label = holder.querySelector("label");
    const hint = holder.querySelector(".hint");
    residence.addEventListener("change", () => {
      const wording = wordings[residence.value] || wordings[""];
      if (!wording) return;
      if (label) label.textContent = wording[0];
      if (hint) hint.textContent = wording[1];
    });
  }

  // Move focus to the error summary so screen readers announce it.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
