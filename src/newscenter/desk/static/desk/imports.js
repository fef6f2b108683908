// The import preview's confirmation sends the corrections only: a field whose value is still
// the one the source gave is left out, so thousands of items stay a small request (the
// server reads a missing field as "unchanged").
const form = document.querySelector("form.import-confirm");
form?.addEventListener("submit", () => {
  for (const input of form.querySelectorAll("input[name^='headline-'], input[name^='pub_date-']")) {
    if (input.value === input.dataset.initial) input.disabled = true;
  }
});
// Back from the browser's page cache, the fields are enabled again.
window.addEventListener("pageshow", () => {
  for (const input of form?.querySelectorAll("input:disabled") ?? []) input.disabled = false;
});
