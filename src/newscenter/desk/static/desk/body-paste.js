// An image file pasted or dropped into the body: the editor is asked for its alternative text
// (required, as at every upload), the file goes to the media library, and a figure of it
// takes the place of the paste or drop. Without this the browser's default put nothing, or
// a data: URL the allow-list drops, into the body.
import { Extension, Plugin, gettext, updateAttrsDialog } from "django-prose-editor/editor";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"];

function imageFiles(transfer) {
  return [...(transfer?.files || [])].filter((file) => IMAGE_TYPES.includes(file.type));
}

function csrfToken() {
  return document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
}

function describe(editor, file) {
  return updateAttrsDialog(
    {
      alt: {
        type: "string",
        title: gettext("Alternative text (required)"),
        description: gettext("What the picture shows, for readers who cannot see it."),
        required: true,
      },
      caption: { type: "string", title: gettext("Caption") },
      credit: { type: "string", title: gettext("Credit (photographer, agency)") },
    },
    {
      title: `${gettext("Add the pasted image to the media library")}: ${file.name || "image"}`,
      submitText: gettext("Upload and insert"),
    },
  )(editor, { alt: "", caption: "", credit: "" });
}

// One line under the editor says what happened: an upload takes a moment, a refusal names
// its reason.
function say(editor, text, problem = false) {
  const holder = editor.view.dom.closest(".prose-editor") || editor.view.dom.parentElement;
  let line = holder.parentElement.querySelector(".body-upload-status");
  if (!line) {
    line = document.createElement("p");
    line.className = "body-upload-status help";
    line.setAttribute("role", "status");
    holder.after(line);
  }
  line.textContent = text;
  line.classList.toggle("errornote", problem);
}

async function upload(url, file, attrs) {
  const body = new FormData();
  body.set("upload", file, file.name || "pasted-image");
  for (const name of ["alt", "caption", "credit"]) body.set(name, attrs[name].trim());
  const answer = await fetch(url, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  });
  const data = await answer.json().catch(() => ({ error: `The server answered ${answer.status}.` }));
  if (!answer.ok) throw new Error(data.error || `The server answered ${answer.status}.`);
  return data;
}

function figure(image) {
  const content = [{ type: "image", attrs: { src: image.url, alt: image.alt } }];
  if (image.caption) content.push({ type: "caption", content: [{ type: "text", text: image.caption }] });
  return { type: "figure", content };
}

async function take(editor, url, files, position) {
  let at = position;
  for (const file of files) {
    const attrs = await describe(editor, file);
    if (!attrs) {
      say(editor, gettext("The pasted image was not added (cancelled)."));
      continue;
    }
    say(editor, `${gettext("Uploading")} ${file.name || "image"}…`);
    try {
      const image = await upload(url, file, attrs);
      const place = at ?? editor.state.selection.to;
      editor.chain().focus().insertContentAt(place, figure(image)).run();
      at = editor.state.selection.to;
      say(editor, `${gettext("Added to the media library and inserted")}: ${image.alt}`);
    } catch (error) {
      say(editor, `${gettext("The image was not added")}: ${error.message}`, true);
    }
  }
}

export const PastedImages = Extension.create({
  name: "pastedImages",

  addOptions() {
    return { uploadUrl: null };
  },

  addProseMirrorPlugins() {
    const editor = this.editor;
    const url = this.options.uploadUrl;
    if (!url) return [];
    return [
      new Plugin({
        props: {
          handlePaste(_view, event) {
            const files = imageFiles(event.clipboardData);
            if (!files.length) return false;
            event.preventDefault();
            take(editor, url, files, null);
            return true;
          },
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer);
            if (!files.length) return false;
            event.preventDefault();
            const found = view.posAtCoords({ left: event.clientX, top: event.clientY });
            take(editor, url, files, found ? found.pos : null);
            return true;
          },
        },
      }),
    ];
  },
});
