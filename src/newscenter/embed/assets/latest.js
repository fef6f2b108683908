// <news-latest>: the latest news of a newscenter site on any page (docs/embed.md).
// Written here, no framework. The element's own content (a plain link) shows until the news
// arrives, and again when JavaScript or the request fails. It also sizes the embed iframes
// marked data-newscenter to their content, trusting only messages from those frames.
const STYLE = __STYLE__;
const OPTIONS = ["section", "tag", "author", "lang", "language", "limit", "layout", "theme", "images"];
const BASE = new URL("./", import.meta.url);

const h = (tag, props, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name === "class" || name === "part") node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.filter((child) => child != null && child !== false));
  return node;
};

class NewsLatest extends HTMLElement {
  static observedAttributes = OPTIONS;

  connectedCallback() {
    if (!this.shadowRoot) this.attachShadow({ mode: "open" }).append(h("slot"));
    this.load();
  }

  attributeChangedCallback() {
    if (this.shadowRoot) this.load();
  }

  async load() {
    const url = new URL("latest.json", BASE);
    for (const name of OPTIONS) {
      const value = this.getAttribute(name);
      if (value !== null) url.searchParams.set(name, value);
    }
    const ticket = (this.ticket = {});
    let data;
    try {
      const response = await fetch(url, { credentials: "omit" });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      data = await response.json();
    } catch (error) {
      if (ticket === this.ticket) this.shadowRoot.replaceChildren(h("slot"));
      return;
    }
    if (ticket === this.ticket) this.render(data);
  }

  render(data) {
    const layout = this.getAttribute("layout") || "list";
    const box = h("div", { class: `nc ${layout} ${this.getAttribute("theme") || "auto"}`, part: "box" });
    if (data.items.length) {
      box.append(h("ul", { part: "list" }, ...data.items.map((item) => this.item(item, layout))));
    } else {
      box.append(h("p", {}, "No news yet."));
    }
    box.append(h("a", { class: "more", part: "more", href: data.home_page_url }, data.more));
    this.shadowRoot.replaceChildren(h("style", { textContent: STYLE }), box);
  }

  item(item, layout) {
    const picture = item.picture;
    return h(
      "li",
      { part: "item" },
      picture &&
        h("img", {
          part: "image", src: picture.src, width: picture.width, height: picture.height,
          alt: "", loading: "lazy", decoding: "async",
        }),
      h(
        "div",
        {},
        h("a", { part: "link", href: item.url }, item.headline),
        h("p", { class: "m", part: "date" }, h("time", { dateTime: item.published }, item.date)),
        layout !== "compact" && item.standfirst && h("p", { part: "standfirst" }, item.standfirst),
      ),
    );
  }
}

if (!customElements.get("news-latest")) customElements.define("news-latest", NewsLatest);

addEventListener("message", (event) => {
  const height = Number(event.data && event.data.newscenter === "height" && event.data.height);
  if (event.origin !== BASE.origin || !(height > 0 && height < 20000)) return;
  for (const frame of document.querySelectorAll("iframe[data-newscenter]")) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(height)}px`;
  }
});
