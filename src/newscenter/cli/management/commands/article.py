"""``newscenter article``: list articles by state, and move them through the workflow.

    newscenter article list [--status STATE]
    newscenter article publish 42 --user alice --note "legal approved"
    newscenter article embargo 42 --until "in 2 hours" --user alice

Every move is news.services.workflow's service under ``--user``'s role, so a refusal here is the
refusal the admin gives; it is printed as an error (exit status 1), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet
from django.utils import timezone

from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.news import publishing
from newscenter.news.models import Article, SiteSettings
from newscenter.news.policy import PolicyDenied
from newscenter.news.services import workflow

LIST_LIMIT = 200
_RELATIVE = re.compile(r"^in\s+(\d{1,6})\s+(minute|hour|day|week)s?$", re.IGNORECASE)


class Command(BaseCommand):
    help = "List articles by state, or move one through the workflow (submit, publish ...)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
        listing = commands.add_parser("list", help="Articles, newest first, with their state.")
        listing.add_argument(
            "--status", choices=Article.Status.values, help="Only articles in this state now."
        )
        listing.add_argument("--limit", type=int, default=LIST_LIMIT)
        for verb, move in publishing.TRANSITIONS.items():
            sub = commands.add_parser(verb, help=f"{move.label} (from: {_sources(verb)}).")
            sub.add_argument("id", metavar="ID", help="The article's number (see `list`).")
            if verb in publishing.DATED or verb == "publish":
                # Not "required" for argparse: the service says what is missing, and
                # call_command(..., when=...) works for every transition alike.
                needed = "required: " if verb in publishing.DATED else "optional, back-dates: "
                sub.add_argument(
                    f"--{publishing.DATED.get(verb, 'at')}",
                    dest="when",
                    metavar="WHEN",
                    help=needed + 'ISO 8601 ("2026-03-02T09:30", site time zone unless '
                    'given) or "in 2 hours"',
                )
            sub.add_argument("--note", default="", help="Why: kept with the audit entry.")
            add_user_argument(sub)

    def handle(self, *args, **options):
        require_migrated()
        # Dates shown and typed without an offset are the site's, as readers see them.
        timezone.activate(_site_zone())
        if options["verb"] == "list":
            return self._list(options["status"], options["limit"])
        user = acting_user(options)
        article = _article(options["id"])
        when = _moment(options["when"]) if options.get("when") else None
        try:
            workflow.article_transition(
                verb=options["verb"],
                article=article,
                acting_user=user,
                note=options["note"],
                when=when,
            )
        except PolicyDenied as exc:
            raise CommandError(f"refused: {exc}") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{article.pk}: {article.headline} is now {_state(article)}.")

    def _list(self, status: str | None, limit: int) -> None:
        articles: QuerySet[Article] = Article.objects.order_by("-pub_date", "-id")
        if status:
            articles = workflow.in_state(articles, status)
        for article in articles[: max(limit, 1)]:
            date = _local(article.pub_date) if article.pub_date else "-"
            state = publishing.state(article)
            self.stdout.write(f"{article.pk:>6}  {state:<11}  {date:<16}  {article.headline}")


def _article(raw: str) -> Article:
    # A strict integer: "42abc" or "1e3" is a mistake to report, not an id to guess at.
    if not raw.isdigit():
        raise CommandError(f"{raw!r} is not an article number (see `newscenter article list`)")
    article = Article.objects.filter(pk=int(raw)).first()
    if article is None:
        raise CommandError(f"there is no article {raw}")
    return article


def _moment(raw: str | dt.datetime) -> dt.datetime:
    """An aware datetime from ISO 8601 or "in N minutes/hours/days/weeks"."""
    if isinstance(raw, dt.datetime):  # call_command(..., when=a_datetime)
        return raw if timezone.is_aware(raw) else timezone.make_aware(raw)
    text = raw.strip()
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return timezone.now() + dt.timedelta(**{f"{unit}s": amount})
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f'{raw!r} is not a date: use ISO 8601 ("2026-03-02T09:30+01:00") or "in 2 hours"'
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the site's zone, activated by handle()
    return moment


def _site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(SiteSettings.load().time_zone)


def _sources(verb: str) -> str:
    return ", ".join(sorted(publishing.TRANSITIONS[verb].sources))


def _state(article: Article) -> str:
    current = publishing.state(article)
    if current in (Article.Status.SCHEDULED, Article.Status.EMBARGOED) and article.pub_date:
        joiner = "for" if current == Article.Status.SCHEDULED else "until"
        return (
            f"{current} {joiner} {_local(article.pub_date)} {timezone.get_current_timezone_name()}"
        )
    return current


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
