"""``newscenter review-link``: make a review link for an article, or revoke one.

The file name has a hyphen so that the command is spelled as documented; Django finds
commands by file name and never imports this module by a Python ``import`` statement.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import Resolver404, resolve

from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.news import policy
from newscenter.news.models import Article
from newscenter.news.services import review_links

LENGTH = re.compile(r"^\s*(\d{1,6})\s*([mhd])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class Command(BaseCommand):
    help = (
        "Print the address of a new review link for ARTICLE (an id or its public path), "
        "or revoke a link with --revoke."
    )

    def add_arguments(self, parser):
        parser.add_argument("article", nargs="?", help="The article's id or public path.")
        parser.add_argument(
            "--expires", help="How long the link works: 30m, 48h or 7d (1 minute to 30 days)."
        )
        parser.add_argument("--label", default="", help="Who the link is for.")
        parser.add_argument(
            "--revoke", metavar="KEY_OR_URL", help="Revoke the link with this key or address."
        )
        add_user_argument(parser)

    def handle(self, *args, **options):
        require_migrated()
        user = acting_user(options)
        try:
            if options["revoke"]:
                return self._revoke(options, user)
            return self._create(options, user)
        except policy.PolicyDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except review_links.ReviewLinkError as exc:
            raise CommandError(str(exc)) from None

    def _create(self, options, user) -> None:
        if not options["article"]:
            raise CommandError("Name the article (its id or public path), or use --revoke.")
        if not options["expires"]:
            raise CommandError("Say how long the link works with --expires, e.g. 48h.")
        article = find_article(options["article"])
        _, token = review_links.review_link_create(
            article=article,
            acting_user=user,
            expires=parse_length(options["expires"]),
            label=options["label"],
        )
        # Only the address on stdout, so that scripts can take it as it is.
        self.stdout.write(review_links.review_link_url(token))

    def _revoke(self, options, user) -> None:
        if options["article"]:
            raise CommandError("--revoke takes the link's key or address, not an article.")
        link = review_links.review_link_find(options["revoke"])
        review_links.review_link_revoke(link=link, acting_user=user)
        label = f" “{link.label}”" if link.label else ""
        self.stdout.write(f"Revoked review link{label} of article {link.article_id}.")


def parse_length(text: str) -> dt.timedelta:
    match = LENGTH.match(text)
    if match is None:
        raise CommandError(f"--expires {text!r}: write a number and m, h or d, e.g. 30m, 48h, 7d.")
    return dt.timedelta(**{UNITS[match[2]]: int(match[1])})


def find_article(value: str) -> Article:
    """An article by id, or by the path (or address) of its public or preview page."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        article = Article.objects.filter(pk=int(value)).first() if len(value) <= 18 else None
        if article is None:
            raise CommandError(f"No article has the id {value}.")
        return article
    path = unquote(urlsplit(value).path) or "/"
    try:
        match = resolve(path if path.startswith("/") else f"/{path}")
    except Resolver404:
        raise CommandError(f"{value!r} is neither an article id nor an article's path.") from None
    if match.view_name == "news:preview":
        lookup = {"pk": match.kwargs["pk"] if match.kwargs["pk"] < 2**63 else 0}
    elif match.view_name == "news:article":
        kwargs = match.kwargs
        try:
            day = dt.date(kwargs["year"], kwargs["month"], kwargs["day"])
        except ValueError:
            raise CommandError(f"{value!r} names a day that does not exist.") from None
        lookup = {"pub_day": day, "slug": kwargs["slug"]}
    else:
        raise CommandError(f"{value!r} is the path of a listing, not of an article.")
    article = Article.objects.filter(**lookup).first()
    if article is None:
        raise CommandError(f"No article is at {value!r}.")
    return article
