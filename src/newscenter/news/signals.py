"""Signals the services send, so that packages around the domain follow it without the domain
knowing them (the search index listens here)."""

from django.dispatch import Signal

# Sent after the transaction that changed the articles commits, with ``article_ids``: a list of
# primary keys of articles created, edited, published or unpublished.
articles_changed = Signal()
