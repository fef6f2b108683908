// "Copy" buttons: data-copy names the element whose text goes to the clipboard; the status
// next to the button says whether it worked (a browser may refuse without HTTPS).
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    const text = source?.textContent.trim() ?? "";
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = "Copied.";
    } catch {
      // Without the clipboard: select the text, so that Ctrl+C (or Cmd+C) copies it.
      getSelection().selectAllChildren(source);
      if (status) status.textContent = "Selected: press Ctrl+C (Cmd+C on a Mac) to copy.";
    }
  });
}
