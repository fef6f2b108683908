// Selects with many options (languages, time zones) become searchable: typing filters them.
// Without JavaScript they stay ordinary selects. select2 is the copy Django's admin ships.
//
// select2 names its combobox by the chosen value alone, so an empty one (an autocomplete with
// nothing chosen yet) has no name for a screen reader: every select2 on the page is also named
// by the label of the select it stands for.
"use strict";
{
  const $ = window.django?.jQuery;

  function label(select) {
    const text = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (!text) return;
    text.id ||= `${select.id}-label`;
    const shown = document.getElementById(`select2-${select.id}-container`);
    const box = shown?.closest("[role=combobox]");
    if (box) box.setAttribute("aria-labelledby", `${text.id} ${shown.id}`);
    if (shown) shown.setAttribute("aria-labelledby", text.id);
  }

  function start() {
    if (!$?.fn.select2) return;
    $("select.searchable-select").each(function () {
      $(this).select2({ width: "style", dropdownAutoWidth: true });
    });
    for (const select of document.querySelectorAll("select.select2-hidden-accessible")) {
      label(select);
    }
  }
  // jQuery runs ready handlers in the order they were added: this file comes after Django's
  // autocomplete.js (the form's media), so its autocompletes exist by then.
  if ($) $(start);
}
