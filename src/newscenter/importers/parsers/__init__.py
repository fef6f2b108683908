"""Pure parsers, one module per import format: bytes in, unsaved ``ImportedArticle`` out.

Nothing here touches the database or the network (``importers.run`` persists, ``fetching``
fetches); each format module exposes ``parser`` and is named in ``importers.BUILTIN_FORMATS``.
"""
