// The embed builder (desk/embeds.py): the preview and the snippets follow the options as they
// change, with the markup embed/snippets.py writes on the server.
const DEFAULTS = { limit: "5", layout: "list", theme: "auto", images: "on" };
const ELEMENT_OPTIONS = ["section", "tag", "author", "language", "limit", "layout", "theme", "images"];
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);

function query(form) {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim().replace(/^#/, "");
    if (text && text !== DEFAULTS[name]) params.set(name, text);
  }
  return params;
}

function update(root, form) {
  const params = query(form);
  const search = params.size ? `?${params}` : "";
  const name = escape(root.dataset.name);
  const script = `<script type="module" src="${escape(root.dataset.script)}"></script>`;
  document.getElementById("embed-preview").src = `${new URL(root.dataset.latest).pathname}${search}`;
  document.getElementById("snippet-iframe").value =
    `<iframe src="${escape(root.dataset.latest + search)}" title="${name}" data-newscenter ` +
    `loading="lazy" style="border:0;width:100%;height:28rem"></iframe>\n${script}`;
  const attributes = [...params].filter(([key]) => ELEMENT_OPTIONS.includes(key))
    .map(([key, value]) => ` ${key}="${escape(value)}"`).join("");
  document.getElementById("snippet-element").value =
    `${script}\n<news-latest${attributes}><a href="${escape(root.dataset.home)}">${name}</a></news-latest>`;
  for (const [id, base] of [["fragment-url", root.dataset.fragment], ["json-url", root.dataset.json]]) {
    const link = document.getElementById(id);
    link.href = link.textContent = base + search;
  }
  history.replaceState(null, "", search || location.pathname);
}

function start() {
  const root = document.querySelector(".embed-builder");
  const form = document.getElementById("embed-options");
  if (!root || !form) return;
  form.addEventListener("input", () => update(root, form));
  form.addEventListener("change", () => update(root, form));
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).value;
      const status = document.getElementById("copy-status");
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = "Copied.";
      } catch {
        document.getElementById(button.dataset.copy).select();
        status.textContent = "Select and copy the snippet (the browser refused to copy it).";
      }
    });
  }
}

start();
