// Search-as-you-type fields (accounts/suggest.py): htmx fetches the matches into the list;
// this moves through them with the keyboard, puts the chosen id in the hidden input and
// closes the list. Without it the text box still works: the server reads the typed name.
"use strict";

(() => {
  const parts = (element) => {
    const field = element.closest("[data-suggest]");
    return field && {
      field,
      input: field.querySelector("[data-suggest-input]"),
      value: field.querySelector("[data-suggest-value]"),
      list: field.querySelector("[role=listbox]"),
    };
  };
  const options = (list) => Array.from(list.querySelectorAll("[role=option]"));

  const close = ({ input, list }) => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  const highlight = ({ input, list }, option) => {
    for (const each of options(list)) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    }
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  // In a field of several, a chosen suggestion becomes one more ticked box.
  const add = (suggest, option) => {
    const chosen = suggest.field.querySelector("[data-suggest-chosen]");
    const boxes = Array.from(chosen.querySelectorAll("input[type=checkbox]"));
    let box = boxes.find((each) => each.value === option.dataset.value);
    if (!box) {
      const label = document.createElement("label");
      box = document.createElement("input");
      box.type = "checkbox";
      box.name = suggest.field.dataset.suggestMultiple;
      box.value = option.dataset.value;
      label.append(box, ` ${option.textContent.trim()}`);
      chosen.append(label);
    }
    box.checked = true;
    suggest.input.value = "";
    close(suggest);
  };

  const choose = (suggest, option) => {
    // A request still waiting for its delay would reopen the list: it is not sent (below).
    suggest.input.dataset.suggestChosen = "";
    if (!suggest.value) {
      add(suggest, option);
      return;
    }
    suggest.value.value = option.dataset.value;
    suggest.input.value = option.textContent.trim();
    close(suggest);
    suggest.value.dispatchEvent(new Event("change", { bubbles: true }));
  };

  // The endpoint is asked for ?q=, whatever the text box is called.
  document.addEventListener("htmx:configRequest", (event) => {
    const input = event.detail.elt;
    if (input.matches && input.matches("[data-suggest-input]")) {
      if ("suggestChosen" in input.dataset) {
        event.preventDefault();
        return;
      }
      event.detail.parameters.delete(input.name);
      event.detail.parameters.set("q", input.value);
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const suggest = parts(event.detail.target);
    if (!suggest || event.detail.target !== suggest.list) {
      return;
    }
    options(suggest.list).forEach((option, index) => {
      option.id = `${suggest.list.id}-${index}`;
    });
    const open =
      document.activeElement === suggest.input && !("suggestChosen" in suggest.input.dataset);
    suggest.list.hidden = !open;
    suggest.input.setAttribute("aria-expanded", open ? "true" : "false");
    highlight(suggest, null);
  });

  // Typing makes the choice a name again, until a suggestion is chosen.
  document.addEventListener("input", (event) => {
    const suggest = event.target.matches("[data-suggest-input]") && parts(event.target);
    if (!suggest) {
      return;
    }
    delete suggest.input.dataset.suggestChosen;
    if (suggest.value) {
      suggest.value.value = "";
    }
  });

  document.addEventListener("keydown", (event) => {
    const suggest = event.target.matches("[data-suggest-input]") && parts(event.target);
    if (!suggest) {
      return;
    }
    const all = options(suggest.list);
    const current = all.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (suggest.list.hidden || !all.length) {
        return;
      }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(suggest, all[(current + step + all.length) % all.length] || all[0]);
    } else if (event.key === "Enter" && !suggest.list.hidden && current >= 0) {
      event.preventDefault();
      choose(suggest, all[current]);
    } else if (event.key === "Escape" && !suggest.list.hidden) {
      event.preventDefault();
      close(suggest);
    }
  });

  // Pressing on an option keeps the focus in the text box, so the list stays open to click.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest("[data-suggest] [role=listbox]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest("[data-suggest] [role=option]");
    if (option) {
      choose(parts(option), option);
    }
  });

  document.addEventListener("focusout", (event) => {
    const suggest = event.target.matches("[data-suggest-input]") && parts(event.target);
    if (suggest) {
      close(suggest);
      // Coming back to the field asks for suggestions again.
      delete suggest.input.dataset.suggestChosen;
    }
  });
})();
