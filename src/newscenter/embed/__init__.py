"""The latest news on the company's other sites: an iframe page, a custom element, a fragment
and JSON for server-side includes, and an oEmbed provider (docs/embed.md).

- ``options``: what an embed address may ask for (section, tag, limit, layout, theme ...);
- ``items``: the latest public articles that match, as plain items with absolute addresses;
- ``headers``: framing (CSP ``frame-ancestors``), CORS and caching, from the site settings'
  embed origins;
- ``views``: the embeds; ``oembed``: the oEmbed answers; ``assets/``: the stylesheet, the
  custom element and the iframe's auto-height script, written here with no framework.

The page cache (``web.pagecache``) keeps the embeds as it keeps pages, keyed by Origin, and
renews them on the same change signal.
"""
