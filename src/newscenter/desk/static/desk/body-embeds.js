// Blocks of the body beyond text and figures: a video (YouTube or Vimeo, shown to readers as
// a click-to-load poster) and a pull quote. Each is stored as markup the allow-list keeps
// (news.rendering, news.blocks) and edited through a dialog: select it, press its button.
import { Node, gettext, updateAttrsDialog } from "django-prose-editor/editor";

const VIDEO_ADDRESS =
  /^https?:\/\/(?:(?:www\.|m\.)?youtube(?:-nocookie)?\.com\/(?:watch\?(?:.*&)?v=|embed\/|shorts\/|live\/)[\w-]{11}|youtu\.be\/[\w-]{11}|(?:www\.|player\.)?vimeo\.com\/(?:video\/)?\d+)/;

function selected(editor, name) {
  const node = editor.state.selection.node;
  return node?.type.name === name ? node : null;
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
        // After a selected block, not in its place.
        else if (editor.state.selection.node) {
          editor.chain().focus().insertContentAt(editor.state.selection.to, { type: name, attrs: clean }).run();
        } else editor.chain().focus().insertContent({ type: name, attrs: clean }).run();
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

export const VideoEmbed = Node.create({
  name: "videoEmbed",
  group: "block",
  atom: true,
  draggable: true,

  addAttributes() {
    return { url: { default: "" }, title: { default: "" } };
  },

  parseHTML() {
    return [
      {
        tag: "figure.video-embed",
        priority: 100, // before the image figure's rule
        getAttrs: (figure) => {
          const link = figure.querySelector("a[href]");
          if (!link) return false;
          return { url: link.getAttribute("href"), title: link.textContent.trim() };
        },
      },
    ];
  },

  renderHTML({ node }) {
    return ["figure", { class: "video-embed" }, ["a", { href: node.attrs.url }, node.attrs.title || node.attrs.url]];
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
