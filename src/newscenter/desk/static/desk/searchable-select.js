// Selects with many options (languages, time zones) become searchable: typing filters them.
// Without JavaScript they stay ordinary selects. select2 is the copy Django's admin ships.
"use strict";
{
  const $ = window.django?.jQuery;
  function start() {
    if (!$?.fn.select2) return;
    $("select.searchable-select").each(function () {
      $(this).select2({ width: "style", dropdownAutoWidth: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
