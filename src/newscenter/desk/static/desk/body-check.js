// Nothing leaves the body silently. Before the HTML view's markup is applied, the desk asks
// the server what its allow-list (news.rendering) would drop and works out what the editor
// itself cannot hold (an <h6>, a <dl>); the dialog names both and applies only when asked
// again. A paste of formatted text is named the same way, just after it (Undo takes it back).
import { Extension, Plugin, generateHTML, generateJSON, gettext } from "django-prose-editor/editor";

// Tags the editor writes under another name: not lost.
const SAME_AS = { b: "strong", i: "em", strike: "s", del: "s", thead: "tbody", tfoot: "tbody" };
// What the editor adds or drops by itself (desk/body_check.py keeps its attributes quiet).
const EDITOR_OWN = new Set(["colgroup", "col", "html", "head", "body"]);

// Event handler and style attributes taken out before the browser parses markup: even an
// inert document reports them to the CSP, and the allow-list drops them anyway (the server
// names them from the markup as it was).
const HANDLERS = /\s(?:on[a-z]+|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

function tagCounts(markup) {
  const counts = new Map();
  const doc = new DOMParser().parseFromString(`<body>${markup.replace(HANDLERS, "")}</body>`, "text/html");
  for (const element of doc.body.querySelectorAll("*")) {
    const tag = element.localName;
    counts.set(SAME_AS[tag] || tag, (counts.get(SAME_AS[tag] || tag) || 0) + 1);
  }
  return counts;
}

// The elements the allow-list keeps but the editor's schema has no place for.
function editorLoses(editor, markup) {
  let kept;
  try {
    const extensions = editor.extensionManager.extensions;
    const json = generateJSON(markup.replace(HANDLERS, ""), extensions);
    kept = tagCounts(generateHTML(json, extensions));
  } catch {
    return [];
  }
  const lost = [];
  for (const tag of tagCounts(markup).keys()) {
    if (!kept.has(tag) && !EDITOR_OWN.has(tag)) lost.push(`<${tag}> (${gettext("its text is kept")})`);
  }
  return lost;
}

async function serverRemoves(url, markup) {
  const body = new FormData();
  body.set("html", markup);
  const token = document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  const answer = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": token },
  });
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) throw new Error(data.error || `The server answered ${answer.status}.`);
  return data;
}

// What would go, in words, and the markup without it (the allow-list's own result).
async function removals(editor, url, markup) {
  const { removed, clean } = await serverRemoves(url, markup);
  const tag = (words) => words.match(/^<([a-z0-9]+)>/)?.[1];
  const tags = new Set(removed.map(tag).filter(Boolean));
  const more = editorLoses(editor, markup).filter((words) => !tags.has(tag(words)));
  return { named: [...removed, ...more], clean };
}

function notice(holder, className) {
  let line = holder.querySelector(`.${className}`);
  if (!line) {
    line = document.createElement("p");
    line.className = `${className} errornote`;
    line.setAttribute("role", "alert");
    holder.append(line);
  }
  return line;
}

// The HTML view's dialog: its "Update" is held until the markup was checked; a second
// "Update" of the same markup applies it, without what was named.
function guardHtmlView(editor, url) {
  const cleaned = new WeakMap();
  const holder = editor.view.dom.parentElement;
  holder.addEventListener(
    "click",
    async (event) => {
      const submit = event.target.closest?.("dialog.prose-editor-dialog button[type=submit]");
      const form = submit?.form;
      const textarea = form?.querySelector("textarea[name=html]");
      if (!textarea) return;
      if (form.dataset.checked === textarea.value) {
        // Asked again: applied as the allow-list keeps it, so nothing named reaches the page.
        if (cleaned.has(form)) textarea.value = cleaned.get(form);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const markup = textarea.value;
      let named;
      try {
        const found = await removals(editor, url, markup);
        named = found.named;
        if (named.length) cleaned.set(form, found.clean);
        else cleaned.delete(form);
      } catch (error) {
        named = [`${gettext("nothing could be checked")}: ${error.message}`];
        cleaned.delete(form);
      }
      form.dataset.checked = markup;
      if (!named.length) {
        submit.click();
        return;
      }
      const line = notice(form.querySelector(".prose-editor-dialog-field") || form, "html-discards");
      line.textContent = `${gettext("These will be removed")}: ${named.join(", ")}. ${gettext(
        "Change the HTML, or apply it without them.",
      )}`;
      submit.textContent = gettext("Remove them and apply");
    },
    true,
  );
}

export const DiscardNotice = Extension.create({
  name: "discardNotice",

  addOptions() {
    return { checkUrl: null };
  },

  onCreate() {
    if (this.options.checkUrl) guardHtmlView(this.editor, this.options.checkUrl);
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    const url = this.options.checkUrl;
    if (!url) return [];
    return [
      new Plugin({
        props: {
          transformPastedHTML(markup) {
            removals(editor, url, markup)
              .then(({ named }) => {
                const holder = editor.view.dom.closest(".prose-editor")?.parentElement;
                const line = holder && notice(holder, "paste-discards");
                if (!line) return;
                line.hidden = !named.length;
                line.textContent = named.length
                  ? `${gettext("The paste left out")}: ${named.join(", ")}.`
                  : "";
              })
              .catch(() => {});
            return markup.replace(HANDLERS, "");
          },
        },
      }),
    ];
  },
});
