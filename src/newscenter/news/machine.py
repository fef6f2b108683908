"""A machine translation service, when the operator names one: texts in, texts out.

Off unless ``NEWSCENTER_MACHINE_TRANSLATION_URL`` is set (docs/languages.md). The service is
POSTed JSON, ``{"source": "en", "target": "de", "format": "html", "texts": [...]}``, and
answers ``{"texts": [...]}``, one translation per text in the same order: a small adapter in
front of any provider (LibreTranslate, DeepL, a model of one's own) speaks it. The call goes
through ``fetching.post``: a public address only (unless the operator allows private ones),
one deadline, a capped answer. What comes back is only ever a draft's text
(``services.translation_machine_draft``), and its HTML passes the allow-list.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError

from newscenter import fetching

TIMEOUT = 60.0  # a long article takes a provider a while
MAX_ANSWER = 5_000_000


def configured() -> bool:
    return bool(getattr(settings, "NEWSCENTER_MACHINE_TRANSLATION_URL", ""))


def translate(texts: list[str], *, source: str, target: str) -> list[str]:
    """``texts`` in ``target``; ValidationError saying what went wrong with the service."""
    url = getattr(settings, "NEWSCENTER_MACHINE_TRANSLATION_URL", "")
    if not url:
        raise ValidationError("No machine translation service is configured.")
    body = json.dumps(
        {"source": source, "target": target, "format": "html", "texts": texts}
    ).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    try:
        answer = fetching.post(url, body, headers, timeout=TIMEOUT, answer_bytes=MAX_ANSWER)
    except fetching.FetchError as error:
        raise ValidationError(f"The machine translation service did not answer: {error}") from None
    if answer.status != 200:
        raise ValidationError(f"The machine translation service answered {answer.status}.")
    try:
        found = json.loads(answer.head)["texts"]
    except (ValueError, KeyError, TypeError):
        raise ValidationError(
            'The machine translation service answered something else than {"texts": [...]}.'
        ) from None
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found):
        raise ValidationError("The machine translation service sent back no list of texts.")
    if len(found) != len(texts):
        raise ValidationError(
            f"The machine translation service sent back {len(found)} texts for {len(texts)}."
        )
    return found
