"""Who may do what: the one policy the services enforce, so desk, CLI and imports cannot disagree.

Three roles, each a group made by a migration, each including the one below it:
contributor < editor < administrator. A superuser counts as an administrator. The
system itself (migrations, the demo, imports and feed polls an operator runs without
``--user``) acts as :data:`SYSTEM`, which is not checked; it is never the default: every
service takes ``acting_user`` as a required keyword, and ``None`` is refused, so that
forgetting to name the user can never mean every right. ``docs/roles.md`` holds the same
table in words; tests compare every surface with that document.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple, TypeAlias, Union

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from newscenter.news.models import Article

# Who acts: a signed-in user, a visitor (refused everything), or the system.
Actor: TypeAlias = Union["User", "AnonymousUser", "System"]


class Role(enum.IntEnum):
    CONTRIBUTOR = 1
    EDITOR = 2
    ADMINISTRATOR = 3

    @property
    def group_name(self) -> str:
        return self.name.capitalize()

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            known = ", ".join(r.name.lower() for r in cls)
            raise ValueError(f"unknown role {name!r} (known roles: {known})") from None


OWN_DRAFTS = "own drafts"  # a contributor acts on an article they created while it is a draft
UP_TO_OWN = "up to own role"


class Rule(NamedTuple):
    does: str  # completes "a contributor may ...": also the wording of refusals
    contributor: bool | str
    editor: bool | str
    administrator: bool | str


# Each cell is True, False, OWN_DRAFTS or UP_TO_OWN.
POLICY: dict[str, Rule] = {
    "article.create": Rule("write new drafts", True, True, True),
    "article.edit": Rule("edit articles", OWN_DRAFTS, True, True),
    "article.submit": Rule("submit articles for review", OWN_DRAFTS, True, True),
    "article.return": Rule("return articles in review to draft", False, True, True),
    "article.publish": Rule("publish articles", False, True, True),
    "article.schedule": Rule("schedule articles", False, True, True),
    "article.embargo": Rule("embargo articles", False, True, True),
    "article.unpublish": Rule("unpublish articles", False, True, True),
    "article.archive": Rule("archive articles", False, True, True),
    "article.reopen": Rule("reopen articles as drafts", False, True, True),
    "article.delete": Rule("delete articles", False, False, True),
    "revision.restore": Rule("restore revisions", OWN_DRAFTS, True, True),
    "review_link.create": Rule("create review links", False, True, True),
    "review_link.revoke": Rule("revoke review links", False, True, True),
    "image.upload": Rule("upload images and files (PDF) to the media library", True, True, True),
    "image.edit": Rule("edit or delete library images and files", False, True, True),
    "taxonomy.edit": Rule("edit sections, tags and authors", False, True, True),
    "site.settings": Rule("change the site settings", False, False, True),
    "user.manage": Rule("manage user accounts", False, False, True),
    "webhook.manage": Rule("manage webhooks", False, False, True),
    "analytics.view": Rule("read the analytics reports", False, True, True),
    "analytics.manage": Rule("switch analytics off and delete its raw events", False, False, True),
    "role.grant": Rule("grant roles", False, UP_TO_OWN, UP_TO_OWN),
}


class System:
    """The acting user of work nobody does by hand: may do anything, recorded as no one."""

    is_authenticated = False
    is_active = True
    is_superuser = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def get_username(self) -> str:
        return "system"


SYSTEM = System()


class PolicyDenied(PermissionDenied):
    """The acting user's role does not allow the action; the message says which and why."""


def role_of(user: Actor | None) -> Role | None:
    """The highest role the user holds, or None (anonymous, inactive, or no role at all)."""
    if user is None or isinstance(user, System) or not user.is_authenticated:
        return None
    if not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {g.name for g in user.groups.all()}
    held = [r for r in Role if r.group_name in names]
    return max(held) if held else None


def can(
    user: Actor | None, action: str, *, article: Article | None = None, role: Role | None = None
) -> bool:
    """Whether ``user`` may do ``action`` (to ``article``; granting ``role``).

    :data:`SYSTEM` may do anything; ``None`` is a mistake (TypeError), never the system.
    """
    return _refusal(user, action, article=article, role=role) is None


def require(
    user: Actor | None, action: str, *, article: Article | None = None, role: Role | None = None
) -> None:
    """Raise :class:`PolicyDenied` with a readable reason unless :func:`can` allows it."""
    reason = _refusal(user, action, article=article, role=role)
    if reason is not None:
        raise PolicyDenied(reason)


def _refusal(
    user: Actor | None, action: str, *, article: Article | None, role: Role | None
) -> str | None:
    if action not in POLICY:
        raise KeyError(f"no policy for {action!r}")
    if isinstance(user, System):
        return None
    if user is None:
        raise TypeError("acting_user is required: a user, or SYSTEM for the system itself")
    held = role_of(user)
    if held is None:
        return f"{_who(user)} has no newsroom role, so cannot {_verb(action)}"
    rule = POLICY[action][held]
    if rule is True:
        return None
    if rule == OWN_DRAFTS and article is not None and _own_draft(user, article):
        return None
    if rule == OWN_DRAFTS:
        return f"a {held.name.lower()} may {_verb(action)} only on their own drafts"
    if rule == UP_TO_OWN and role is not None and role <= held:
        return None
    if rule == UP_TO_OWN:
        return f"a {held.name.lower()} cannot grant a role above their own"
    return f"a {held.name.lower()} cannot {_verb(action)}"


def actor_of(user: Actor | None) -> User | None:
    """The user an audit entry or a revision names: None for the system (and anonymous)."""
    if user is None:
        raise TypeError("acting_user is required: a user, or SYSTEM for the system itself")
    if isinstance(user, System) or not user.is_authenticated:
        return None
    return user


def _own_draft(user: User | AnonymousUser, article: Article) -> bool:
    return article.status == article.Status.DRAFT and (
        article.pk is None or article.created_by_id == user.pk
    )


def _who(user: User | AnonymousUser) -> str:
    return f"user {user.get_username()!r}" if user.is_authenticated else "an anonymous visitor"


def _verb(action: str) -> str:
    return POLICY[action].does
