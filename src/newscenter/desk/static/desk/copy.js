// "Copy" buttons: put the text of the field a button names (data-copy) on the clipboard, and
// say so next to it. Without JavaScript the field is still there to select and copy by hand.
"use strict";
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(`${button.dataset.copy}-status`);
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied.";
    } catch {
      field.select();
      status.textContent = "Press Ctrl+C (⌘C on a Mac) to copy the selected address.";
    }
  });
}
