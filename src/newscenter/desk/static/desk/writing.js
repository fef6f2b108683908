// The writing screen: autosave every few seconds while the form changes, the others who have
// the article open, a warning before leaving with unsaved changes, the autosave offered back
// on return.
const form = document.querySelector("#article_form");
const root = document.querySelector("#writing-state");
const AUTOSAVE_EVERY = 5000;
const PRESENCE_EVERY = 20000;
let dirty = false;
let submitting = false;
let editor = null;

function status(text) {
  const line = document.querySelector("#autosave-status");
  if (line) line.textContent = text;
}

async function post(extra = {}) {
  const body = new FormData(form);
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  const answer = await fetch(root.dataset.url, { method: "POST", body, credentials: "same-origin" });
  const data = await answer.json().catch(() => ({ error: "The server did not answer." }));
  if (!answer.ok) throw new Error(data.error || `The server answered ${answer.status}.`);
  return data;
}

function others(names) {
  const banner = document.querySelector("#others-here");
  if (!banner) return;
  banner.hidden = !names?.length;
  banner.textContent = names?.length
    ? `Also open by ${names.join(", ")}: your saves and theirs may overwrite each other.`
    : "";
}

async function autosave() {
  if (!dirty || submitting) return;
  try {
    const data = await post();
    status(`Draft kept automatically at ${data.saved}.`);
    others(data.others);
  } catch (error) {
    status(`Not kept automatically: ${error.message}`);
  }
}

async function presence() {
  if (dirty || !root.dataset.url.includes("/autosave/") || root.dataset.new) return;
  try {
    others((await post({ presence: "1" })).others);
  } catch {
    /* the next round tries again */
  }
}

function changed() {
  dirty = true;
  status("Unsaved changes.");
}

// The body's editor. Its "prose-editor:ready" event may fire before this module runs, so
// the editor is also found where Tiptap leaves it: on its own element.
function bodyEditor() {
  const found = document.querySelector(".ProseMirror")?.editor;
  if (!editor && found) adopt(found);
  return editor;
}

function adopt(found) {
  editor = found;
  editor.on("update", changed);
  editor.on("transaction", collapseAfterLink);
}

// After the link dialog's "Update" the linked words stayed selected, and the next Enter or
// key replaced them. A transaction that puts a link on a selection now ends with the caret
// after the link, and what is typed next is not part of it (the next tick: the editor is
// still dispatching this transaction).
function collapseAfterLink({ transaction }) {
  if (transaction.selection.empty) return;
  const linked = transaction.steps.some(
    (step) => step.toJSON().stepType === "addMark" && step.mark?.type.name === "link",
  );
  if (!linked) return;
  setTimeout(() => {
    editor.chain().setTextSelection(editor.state.selection.to).unsetMark("link").run();
  });
}

function restore(data) {
  for (const [name, value] of Object.entries(data)) {
    const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    for (const field of fields) {
      if (field.type === "file") continue; // a browser refuses to set a file input's value
      if (field.type === "checkbox") field.checked = value === "on";
      else if (field.multiple) for (const o of field.options) o.selected = value.split(",").includes(o.value);
      else field.value = value;
    }
    // The textarea is hidden behind the editor: the editor must show (and keep) the text.
    if (name === "body") bodyEditor()?.commands.setContent(value, true);
  }
  changed();
}

// The lead image's thumbnail follows the choice. Django's autocomplete (select2) announces
// a choice through jQuery only, so the change is heard there.
function followLeadImage() {
  const preview = document.querySelector("#lead-preview");
  const select = document.querySelector("#id_lead_image");
  if (!preview || !select) return;
  const show = async () => {
    const id = select.value;
    if (!id) {
      preview.innerHTML = '<p class="lead-card lead-card-empty">No lead image chosen.</p>';
      return;
    }
    const url = preview.dataset.card.replace(/\/0\/card\/$/, `/${encodeURIComponent(id)}/card/`);
    const answer = await fetch(url, { credentials: "same-origin" }).catch(() => null);
    if (answer?.ok) preview.innerHTML = (await answer.json()).html; // escaped by the server
  };
  select.addEventListener("change", show);
  window.django?.jQuery?.(select).on("change", show);
}

followLeadImage();

// Names for what the libraries draw without one (axe, WCAG 4.1.2): the body's editable area,
// and the boxes Django's autocomplete (select2) puts in place of its selects. select2 draws
// its search box again after each choice, so the names are given again after each change.
function nameControls() {
  const body = document.querySelector(".ProseMirror[contenteditable]");
  if (body && !body.hasAttribute("aria-label")) body.setAttribute("aria-label", "Body");
  for (const select of document.querySelectorAll("select.admin-autocomplete")) {
    const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    const name = label?.textContent.replace(/:\s*$/, "").trim();
    const widget = select.nextElementSibling;
    if (!name || !widget?.classList.contains("select2")) continue;
    for (const part of widget.querySelectorAll("[role=combobox], [role=textbox], input")) {
      if (part.getAttribute("aria-label") !== name) part.setAttribute("aria-label", name);
    }
  }
}

// The toolbar greys out what cannot be done now (undo with nothing to undo) by a class only:
// saying so with aria-disabled tells screen readers too, and marks the button as the
// inactive control that WCAG's contrast minimum does not cover (axe skips it then).
function markDisabled(root) {
  for (const button of root.querySelectorAll(".prose-menubar__button")) {
    const off = button.classList.contains("disabled");
    if (off !== (button.getAttribute("aria-disabled") === "true")) {
      button.setAttribute("aria-disabled", String(off));
    }
  }
}

if (form) {
  markDisabled(form);
  new MutationObserver(() => markDisabled(form)).observe(form, {
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  });
  nameControls();
  new MutationObserver(nameControls).observe(form, { childList: true, subtree: true });
}

if (form && root) {
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  setInterval(autosave, AUTOSAVE_EVERY);
  setInterval(presence, PRESENCE_EVERY);

  const ready = (event) => {
    if (!editor) adopt(event.detail.editor);
  };
  document.addEventListener("prose-editor:ready", ready);
  bodyEditor();

  const offer = document.querySelector("#autosave-offer");
  offer?.querySelector(".autosave-restore")?.addEventListener("click", () => {
    restore(JSON.parse(document.querySelector("#autosave-data").textContent));
    offer.remove();
    status("Restored your unsaved changes: save to keep them.");
  });
  offer?.querySelector(".autosave-discard")?.addEventListener("click", async () => {
    await post({ discard: "1" }).catch(() => null);
    offer.remove();
  });
}
