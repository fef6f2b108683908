"""Plain builders for tests: real objects through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article

_counter = itertools.count(1)


def make_article(**fields) -> Article:
    """An article through the real service, published an hour ago unless told otherwise."""
    n = next(_counter)
    defaults = {
        "headline": f"Plant {n} opens its doors",
        "standfirst": f"Standfirst number {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "pub_date": timezone.now() - dt.timedelta(hours=1),
    }
    return services.article_create(acting_user=None, **(defaults | fields))
