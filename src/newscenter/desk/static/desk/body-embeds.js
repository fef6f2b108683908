// Blocks of the body beyond text and figures: a video (YouTube or Vimeo, shown to readers as
// a click-to-load poster), a pull quote, and a link to an attached file (a PDF, or a Word,
// Excel or PowerPoint document; its kind and size shown to readers). Each is stored as markup the allow-list keeps
// (news.rendering, news.blocks) and edited through a dialog: select it, press its button.
import { Extension, Node, gettext, updateAttrsDialog } from "django-prose-editor/editor";

const VIDEO_ADDRESS =
  /^https?:\/\/(?:(?:www\.|m\.)?youtube(?:-nocookie)?\.com\/(?:watch\?(?:.*&)?v=|embed\/|shorts\/|live\/)[\w-]{11}|youtu\.be\/[\w-]{11}|(?:www\.|player\.)?vimeo\.com\/(?:video\/)?\d+)/;

function selected(editor, name) {
  const node = editor.state.selection.node;
  return node?.type.name === name ? node : null;
}

// A new block goes after a selected one, not in its place.
function insertBlock(editor, content) {
  const { selection } = editor.state;
  if (selection.node) editor.chain().focus().insertContentAt(selection.to, content).run();
  else editor.chain().focus().insertContent(content).run();
}

// One command per block: insert a new one, or change the selected one.
function editCommand(name, properties, title) {
  return () =>
    ({ editor, dispatch }) => {
      const node = selected(editor, name);
      if (!dispatch) return true;
      updateAttrsDialog(properties, {
        title: node ? title.edit : title.insert,
        submitText: node ? gettext("Update") : gettext("Insert"),
      })(editor, node ? { ...node.attrs } : {}).then((attrs) => {
        if (!attrs) return;
        const clean = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, v.trim()]));
        if (Object.entries(properties).some(([k, p]) => p.required && !clean[k])) return;
        if (node) editor.chain().focus().updateAttributes(name, clean).run();
        else insertBlock(editor, { type: name, attrs: clean });
      });
      return true;
    };
}

function menuItem(name, icon, label, command) {
  return ({ buttons, menu }) => {
    menu.defineItem({
      name,
      groups: "nodes",
      command: (editor) => editor.chain().focus()[command]().run(),
      button: buttons.material(icon, label),
      active: (editor) => !!selected(editor, name),
    });
  };
}

// The media library's window (desk/picker.js) answers through CKEDITOR.tools.callFunction, as
// it answers the figure dialog: each wrapper passes on the numbers that are not its own.
const pickerCallbacks = new Map();
let pickerNumber = 1_000_000;

function pickFromLibrary(pickerUrl, input) {
  const tools = ((window.CKEDITOR ||= {}).tools ||= {});
  if (!tools.posterPicker) {
    const previous = tools.callFunction;
    tools.callFunction = (number, ...args) => {
      const callback = pickerCallbacks.get(+number);
      if (!callback) return previous?.call(tools, number, ...args);
      pickerCallbacks.delete(+number);
      return callback(...args);
    };
    tools.posterPicker = true;
  }
  const number = ++pickerNumber;
  pickerCallbacks.set(number, (url) => {
    input.value = url;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  const joiner = pickerUrl.includes("?") ? "&" : "?";
  window.open(`${pickerUrl}${joiner}CKEditorFuncNum=${number}`, "_blank", "width=800,height=600");
}

export const VideoEmbed = Node.create({
  name: "videoEmbed",
  group: "block",
  atom: true,
  draggable: true,

  addOptions() {
    return { pickerUrl: null };
  },

  // The poster: a library image's address, stored as an <img> inside the video's link; the
  // page shows it through the image's renditions (news.blocks), feeds as a linked picture.
  addAttributes() {
    return { url: { default: "" }, title: { default: "" }, poster: { default: "" } };
  },

  parseHTML() {
    return [
      {
        tag: "figure.video-embed",
        priority: 100, // before the image figure's rule
        getAttrs: (figure) => {
          const link = figure.querySelector("a[href]");
          if (!link) return false;
          const poster = link.querySelector("img[src]")?.getAttribute("src") || "";
          return { url: link.getAttribute("href"), title: link.textContent.trim(), poster };
        },
      },
    ];
  },

  // In the editor the video is shown, not linked: a click selects it (a link there left the
  // desk for YouTube or Vimeo, unsaved words and all). The poster shows small beside it.
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "video-embed";
      const show = ({ attrs }) => {
        const label = document.createElement("span");
        label.textContent = attrs.title || attrs.url;
        label.title = attrs.url;
        const poster = document.createElement("img");
        Object.assign(poster, { src: attrs.poster, alt: "", className: "video-poster-thumb" });
        dom.replaceChildren(...(attrs.poster ? [poster, label] : [label]));
      };
      show(node);
      return { dom, update: (updated) => updated.type.name === this.name && (show(updated), true) };
    };
  },

  renderHTML({ node }) {
    const { url, title, poster } = node.attrs;
    const link = poster ? ["a", { href: url }, ["img", { src: poster, alt: "" }], title || url] : ["a", { href: url }, title || url];
    return ["figure", { class: "video-embed" }, link];
  },

  addCommands() {
    const edit = editCommand(
      this.name,
      {
        url: {
          type: "string",
          title: gettext("Video address (YouTube or Vimeo)"),
          description: gettext(
            "Readers see a poster with a play button; nothing loads from YouTube or Vimeo until they press it.",
          ),
          required: true,
        },
        title: {
          type: "string",
          title: gettext("Title (names the video for readers and screen readers)"),
          required: true,
        },
        poster: {
          type: "string",
          title: gettext("Poster image from the media library (empty: the plain dark poster)"),
          picker: this.options.pickerUrl
            ? { label: gettext("Browse..."), handler: ({ input }) => pickFromLibrary(this.options.pickerUrl, input) }
            : null,
        },
      },
      { insert: gettext("Insert a video"), edit: gettext("Change the video") },
    );
    return { editVideo: edit };
  },

  addMenuItems: menuItem("videoEmbed", "ondemand_video", "video", "editVideo"),
});

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  atom: true,
  draggable: true,

  addAttributes() {
    return { text: { default: "" }, source: { default: "" } };
  },

  parseHTML() {
    return [
      {
        tag: "figure.pull-quote",
        priority: 100,
        getAttrs: (figure) => ({
          text: figure.querySelector("blockquote")?.textContent.trim() || "",
          source: figure.querySelector("figcaption")?.textContent.trim() || "",
        }),
      },
    ];
  },

  renderHTML({ node }) {
    const parts = [["blockquote", ["p", node.attrs.text]]];
    if (node.attrs.source) parts.push(["figcaption", node.attrs.source]);
    return ["figure", { class: "pull-quote" }, ...parts];
  },

  addCommands() {
    return {
      editPullQuote: editCommand(
        this.name,
        {
          text: { type: "string", format: "textarea", title: gettext("Quotation"), required: true },
          source: { type: "string", title: gettext("Who said it (name, role)") },
        },
        { insert: gettext("Insert a pull quote"), edit: gettext("Change the pull quote") },
      ),
    };
  },

  addMenuItems: menuItem("pullQuote", "record_voice_over", "pull quote", "editPullQuote"),
});

// A file chosen in the dialog is uploaded at once (news.services.attachments checks its
// bytes); the dialog then holds its address, and the link text starts as the file's name.
const ACCEPTED = [".pdf", ".docx", ".xlsx", ".pptx", "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation"].join(",");

function chooseFile(url, input) {
  const picker = document.createElement("input");
  picker.type = "file";
  picker.accept = ACCEPTED;
  picker.addEventListener("change", async () => {
    const file = picker.files[0];
    if (!file) return;
    const body = new FormData();
    body.set("upload", file, file.name);
    input.value = `${gettext("Uploading")} ${file.name}…`;
    const token = document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
    const answer = await fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": token } });
    const data = await answer.json().catch(() => ({ error: `The server answered ${answer.status}.` }));
    if (!answer.ok) {
      input.value = "";
      input.setCustomValidity(`${gettext("Not attached")}: ${data.error}`);
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    input.value = data.url;
    const text = input.closest("form").querySelector("input[name=text]");
    if (text && !text.value) text.value = data.title;
  });
  picker.click();
}

export const FileAttachment = Extension.create({
  name: "fileAttachment",

  addOptions() {
    return { uploadUrl: null };
  },

  addCommands() {
    const url = this.options.uploadUrl;
    return {
      attachFile:
        () =>
        ({ editor, dispatch }) => {
          if (!url) return false;
          if (!dispatch) return true;
          updateAttrsDialog(
            {
              href: {
                type: "string",
                title: gettext("File (PDF, Word, Excel or PowerPoint)"),
                description: gettext("Readers see its kind and size beside the link."),
                required: true,
                picker: { label: gettext("Choose a file…"), handler: ({ input }) => chooseFile(url, input) },
              },
              text: { type: "string", title: gettext("Link text (what the file is)"), required: true },
            },
            { title: gettext("Attach a file"), submitText: gettext("Insert") },
          )(editor, {}).then((attrs) => {
            if (!attrs?.href.trim() || !attrs.text.trim()) return;
            const link = { type: "link", attrs: { href: attrs.href.trim() } };
            const paragraph = { type: "paragraph", content: [{ type: "text", text: attrs.text.trim(), marks: [link] }] };
            insertBlock(editor, paragraph);
          });
          return true;
        },
    };
  },

  addMenuItems: menuItem("fileAttachment", "attach_file", "attach file", "attachFile"),
});

// The dialog's video address is checked as it is typed: only YouTube and Vimeo play.
document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || field.name !== "url") return;
  if (!field.closest("dialog.prose-editor-dialog")) return;
  field.setCustomValidity(
    VIDEO_ADDRESS.test(field.value.trim())
      ? ""
      : gettext("Give the address of a YouTube or Vimeo video (https://www.youtube.com/watch?v=… or https://vimeo.com/…)."),
  );
});
