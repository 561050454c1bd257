// Joined Forces: the little behaviour the pages need beyond htmx. Loaded on every page.
"use strict";

// A confirmation stays in view (it is sticky) until the person dismisses it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (button) {
    button.closest(".flash").remove();
  }
});
