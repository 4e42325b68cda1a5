// Pickers (registry templatetag ``picker``): show the filter box, hide the options that do not
// match what is typed (ignoring case and accents), and keep the "n chosen" count current.
// Without this script every option is visible in its group and the form works the same.
"use strict";
(function () {
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  document.querySelectorAll("fieldset.picker").forEach((picker) => {
    const filter = picker.querySelector(".picker-filter");
    const count = picker.querySelector(".chosen");
    const boxes = Array.from(picker.querySelectorAll("input[type=checkbox]"));
    // Every catalogue writes the number as digits in each form, so the text is a template for it.
    const template = count.textContent.replace(/\d+/, "{n}");
    const none = document.createElement("p");
    none.className = "muted";
    none.hidden = true;
    none.textContent = filter.dataset.none;
    picker.querySelector(".picker-groups").after(none);
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const wanted = fold(filter.value.trim());
      let shown = 0;
      picker.querySelectorAll(".picker-group").forEach((group) => {
        let any = false;
        group.querySelectorAll("label").forEach((label) => {
          const match = !wanted || fold(label.textContent).includes(wanted) || label.querySelector("input").checked;
          label.hidden = !match;
          any = any || match;
          shown += match ? 1 : 0;
        });
        const legend = group.querySelector("legend");
        if (legend && wanted && fold(legend.textContent).includes(wanted)) {
          group.querySelectorAll("label").forEach((label) => { label.hidden = false; });
          any = true;
        }
        group.hidden = !any;
      });
      none.hidden = shown > 0;
    });
    picker.addEventListener("change", () => {
      count.textContent = template.replace("{n}", boxes.filter((b) => b.checked).length);
    });
  });
})();
