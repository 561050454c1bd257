// Joined Forces: the little behaviour the pages need beyond htmx. Loaded on every page.
"use strict";

// A confirmation stays in view (it is sticky) until the person dismisses it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (button) {
    button.closest(".flash").remove();
  }
});

// A choice whose options carry versions (a field report's activity) copies the chosen one's
// into the form's hidden field, so a progress update names the version it was based on. On
// a page shown again after a refusal, the options carry the versions read now.
const copyVersion = (select) => {
  const target = select.form?.elements[select.dataset.versionInto];
  if (target) {
    target.value = select.selectedOptions[0]?.dataset.version || "";
  }
};
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-version-into]")) {
    copyVersion(event.target);
  }
});
document.querySelectorAll("select[data-version-into]").forEach(copyVersion);
