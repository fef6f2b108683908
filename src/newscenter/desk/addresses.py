"""Lists of web addresses typed one a line (an author's profiles, the company's social
profiles), stored as JSON lists of ``http(s)`` URLs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_ADDRESSES = 20

_URL = URLValidator(schemes=["http", "https"])


class AddressLinesField(forms.CharField):
    """A textarea of addresses, one a line; each must be a full http(s) URL."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        lines = [line.strip() for line in str(text).splitlines() if line.strip()]
        if len(lines) > MAX_ADDRESSES:
            raise ValidationError(f"At most {MAX_ADDRESSES} addresses, one a line.")
        for number, line in enumerate(lines, start=1):
            try:
                _URL(line)
            except ValidationError:
                raise ValidationError(
                    f"Line {number}, {line[:80]!r}, is not a web address: write it in full, "
                    "as https://www.linkedin.com/company/example"
                ) from None
        return lines
