"""``newscenter export DIR``: the public site as static files for any static host or CDN.

Pages are rendered by the site's own templates, feeds and sitemaps (so they are byte for byte
what the running site serves), from data read in a few bulk queries. A manifest in DIR records
what each file was made from, so a second run renders only what changed and writes only files
whose bytes differ. docs/export.md describes the layout and how to serve it.
"""

from newscenter.export.run import ExportError, Summary, export_site

__all__ = ["ExportError", "Summary", "export_site"]
