"""A form renderer that writes the commonest widgets' HTML in Python, byte for byte what
Django's own widget templates give.

The search page renders four widgets; through Django's templates (a select, its options and
their attributes, each an include) that was an eighth of the page's time. The widgets' own
``get_context`` still decides everything (value, attributes, which option is selected, the
``aria-invalid`` of a field with errors); only the templates below are written here, and any
other template (an error list, another widget) is rendered by the default renderer's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape

_WIDGETS = "django/forms/widgets/"


def _attrs(attrs: dict[str, Any]) -> str:
    # attrs.html: a False value leaves the attribute out, True writes its name alone.
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(_s(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def _s(value: Any) -> Any:
    # |stringformat:'s', which keeps a safe string safe (is_safe=True) and makes any other
    # value a str to be escaped.
    return value if hasattr(value, "__html__") else "%s" % (value,)  # noqa: UP031


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(_s(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(_s(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _WIDGETS + "select_option.html":
                return None  # an option of its own: its template renders the whole select
            # The include's template ends in a newline, which select.html keeps.
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# The templates written here, by name; each writer gets the context's "widget" and gives the
# HTML the template would give stripped, as renderers give it (or None: render the template).
_WRITERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    _WIDGETS + name: _input
    for name in ("input.html", "text.html", "date.html", "search.html", "hidden.html",
                 "number.html", "email.html")
} | {_WIDGETS + "select.html": _select}  # fmt: skip


class WrittenWidgets(BaseRenderer):
    """The default renderer (``FORM_RENDERER``), with the widgets of ``_WRITERS`` written in
    Python: a form's ``default_renderer`` (WIDGETS_WRITTEN: an instance, which a form uses as
    it is, where it would make one of a class for each form)."""

    @property
    def templates(self) -> BaseRenderer:
        return get_default_renderer()  # made once (lru_cache), after the settings are read

    def get_template(self, template_name: str) -> Any:
        return self.templates.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _WRITERS.get(template_name)
        written = write(context["widget"]) if write is not None and request is None else None
        if written is None:
            return self.templates.render(template_name, context, request=request)
        return written


WIDGETS_WRITTEN = WrittenWidgets()
