"""What analytics stores: events for 30 days, daily totals for good, and the daily secret.

No column holds an address or a user agent (tests/analytics/test_schema.py reads the schema):
a visitor is an HMAC of them under a secret that lives one day (:class:`DailySecret`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Switch(models.Model):
    """One row: whether the site counts at all (an administrator turns it off in the desk)."""

    counting = models.BooleanField(default=True)
    changed = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "analytics switch"

    def __str__(self) -> str:
        return "counting" if self.counting else "not counting"


class DailySecret(models.Model):
    """The key of one UTC day's visitor hashes; deleted once the day is over, after which
    nobody (not the site either) can tell whether two days' visitors were the same person."""

    day = models.DateField(unique=True)
    secret = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class Event(models.Model):
    """One counted view (or one feed reader's poll, with its subscribers), as written by the
    buffer. Kept ``NEWSCENTER_ANALYTICS_RAW_DAYS`` days, then only its day's totals remain."""

    class Kind(models.TextChoices):
        ARTICLE = "article"
        INDEX = "index"
        SECTION = "section"
        TAG = "tag"
        AUTHOR = "author"
        SEARCH = "search"
        FEED = "feed"  # a person's feed reader, or an aggregator's poll (subscribers)
        EMBED = "embed"  # a widget or oEmbed view, on the site that embeds it

    class Channel(models.TextChoices):
        DIRECT = "direct"
        SEARCH = "search"
        SOCIAL = "social"
        SITE = "site"  # another web site
        INTERNAL = "internal"  # a link on this site

    at = models.DateTimeField()
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    path = models.CharField(max_length=500)
    article_id = models.BigIntegerField(null=True, blank=True)
    section_id = models.BigIntegerField(null=True, blank=True)
    # HMAC-SHA256(daily secret, site + truncated address + user agent), hex, first 128 bits.
    visitor = models.CharField(max_length=32, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.DIRECT)
    referrer = models.CharField(max_length=255, blank=True)  # a host name, never a full URL
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=10, blank=True)
    browser = models.CharField(max_length=50, blank=True)
    os = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, blank=True)
    query = models.CharField(max_length=200, blank=True)
    results = models.IntegerField(null=True, blank=True)
    # A feed aggregator's poll: how many subscribers it says it has for this feed.
    subscribers = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["at"]),
            models.Index(fields=["article_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.path} at {self.at:%Y-%m-%d %H:%M:%S}"


class Total(models.Model):
    """Views and visitors for one value of one dimension (``dimension="all"`` is the whole
    site) over a day or a month."""

    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=500, blank=True)
    views = models.BigIntegerField(default=0)
    visitors = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DailyTotal(Total):
    """A day's totals: written by the rollup, kept for good, what the reports read."""

    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "day", "value"], name="one_total_each")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.views}"


class MonthlyTotal(Total):
    """A month's totals: the sum of its days' :class:`DailyTotal` rows, kept equal to it by the
    rollup (``rollup.roll_month``), so that a year's report reads a dozen months instead of
    365 days of long tails."""

    month = models.DateField()  # its first day

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "month", "value"], name="one_month_each")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.views}"


class RolledDay(models.Model):
    """A day whose events are totalled in :class:`DailyTotal`: reports read its totals, and
    its raw events may be deleted once past the retention."""

    day = models.DateField(unique=True)
    rolled = models.DateTimeField(default=timezone.now)
    events = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.day)


class Report(DailyTotal):
    """The desk's Analytics page (desk/analytics.py), as an entry of the admin's index."""

    class Meta:
        proxy = True
        verbose_name = "analytics"
        verbose_name_plural = "analytics"
