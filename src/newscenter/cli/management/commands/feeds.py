"""`newscenter feeds add|list|poll|remove`: feed subscriptions whose entries become articles."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newscenter.cli.database import require_migrated
from newscenter.cli.options import acting_user, add_user_argument
from newscenter.importers.subscriptions import (
    PollResult,
    feed_subscribe,
    feed_unsubscribe,
    feeds_poll,
)
from newscenter.news.models import FeedSubscription
from newscenter.news.policy import PolicyDenied


class Command(BaseCommand):
    help = "Subscribe to RSS and Atom feeds and import their new entries as articles."

    def add_arguments(self, parser):
        # CommandParser.add_subparsers hands its own class to the subcommands, so a mistake in
        # a subcommand's arguments raises CommandError under call_command, as at the top level.
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("add", help="Subscribe to a feed.")
        add.add_argument("url", metavar="URL")
        add_user_argument(add)
        add.add_argument("--section", default="", help="Put its articles in this section.")
        add.add_argument("--title", default="", help="A name for the feed in `feeds list`.")
        add.add_argument(
            "--publish",
            action="store_true",
            help="Publish new entries at once (default: save them as drafts).",
        )
        actions.add_parser("list", help="Show the subscriptions and how their last poll went.")
        poll = actions.add_parser("poll", help="Fetch every active feed and import new entries.")
        poll.add_argument("--json", action="store_true", help="Print the results as JSON.")
        add_user_argument(poll)
        remove = actions.add_parser("remove", help="Unsubscribe; imported articles stay.")
        remove.add_argument("url", metavar="URL")
        add_user_argument(remove)

    def handle(self, *args, **options):
        require_migrated()
        getattr(self, f"_{options['action']}")(options)

    def _add(self, options) -> None:
        try:
            subscription = feed_subscribe(
                url=options["url"],
                acting_user=acting_user(options),
                section_name=options["section"],
                publish=options["publish"],
                title=options["title"],
            )
        except ValidationError as exc:
            raise CommandError(_message(exc)) from None
        except PolicyDenied as exc:
            raise CommandError(f"refused: {exc}") from None
        mode = "published at once" if subscription.publish else "saved as drafts"
        self.stdout.write(f"subscribed to {subscription.url}; new entries will be {mode}")

    def _list(self, options) -> None:
        rows = [
            (
                feed.url,
                feed.section.name if feed.section else "-",
                "publish" if feed.publish else "draft",
                feed.last_polled.strftime("%Y-%m-%d %H:%M") if feed.last_polled else "never",
                (feed.last_status or "-") if feed.active else "inactive",
            )
            for feed in FeedSubscription.objects.select_related("section")
        ]
        if not rows:
            self.stdout.write("no feeds; add one with `newscenter feeds add URL`")
            return
        header = ("URL", "SECTION", "MODE", "LAST POLLED", "LAST STATUS")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[4]]))

    def _poll(self, options) -> None:
        results = feeds_poll(acting_user=acting_user(options))
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False))
        else:
            for result in results:
                self.stdout.write(_line(result))
        failed = [result for result in results if not result.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} feed(s) failed")

    def _remove(self, options) -> None:
        try:
            feed_unsubscribe(url=options["url"], acting_user=acting_user(options))
        except FeedSubscription.DoesNotExist:
            raise CommandError(f"no subscription to {options['url']}") from None
        self.stdout.write(f"unsubscribed from {options['url']}; its articles stay")


def _line(result: PollResult) -> str:
    if result.ok:
        return f"ok  {result.url}: {result.status}"
    return f"FAILED  {result.url}: {result.status.removeprefix('failed: ')}"


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
