// The media library's "insert image" window: hands the chosen image to the body editor that
// opened it (django-prose-editor's figure dialog listens through CKEDITOR.tools.callFunction).
const root = document.querySelector(".picker");
const callback = Number(root?.dataset.callback);

function choose(button) {
  const opener = window.opener;
  const tools = opener?.CKEDITOR?.tools;
  if (!tools || !callback) {
    button.closest("li, p").insertAdjacentHTML(
      "beforeend",
      '<p class="errornote">The article window is gone: open “Insert image” from the article again.</p>',
    );
    return;
  }
  const { url, alt, caption } = button.dataset;
  tools.callFunction(callback, url, { alternative_text: alt, caption });
  window.close();
}

for (const button of document.querySelectorAll(".picker-choose")) {
  button.addEventListener("click", () => choose(button));
}
const uploaded = document.querySelector(".picker-chosen .picker-choose");
if (uploaded) choose(uploaded);
