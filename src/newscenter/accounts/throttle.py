"""Sign-in throttling for offices: an account locks after a few failures, an address only
after many (settings.AXES_HANDLER).

django-axes counts failures per username and per address and locks either at one limit
(``AXES_FAILURE_LIMIT``). A company's staff usually share one public address (an office NAT,
a VPN): at one limit, one person's typos would lock everyone out. Here the username locks at
``AXES_FAILURE_LIMIT`` (``NEWSCENTER_LOGIN_FAILURE_LIMIT``) and the address at
``NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT``, much larger: enough for an office's honest
mistakes, still a wall for someone trying many usernames from one machine.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


class OfficeAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Failures as axes compares them with the account limit: the username's own count,
        or the limit itself once the address has reached its larger limit.

        axes asks this in both places it decides (before a password is checked, and after a
        failure is recorded) and compares the answer with ``AXES_FAILURE_LIMIT``, so both
        agree on the two limits without copying either of them.
        """
        counts = dict.fromkeys(("username", "ip_address"), 0)
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            total = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            counts[str(parameter)] = total
        if counts["ip_address"] >= settings.NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(counts["username"], get_failure_limit(request, credentials))
        return counts["username"]
