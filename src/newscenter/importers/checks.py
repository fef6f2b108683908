"""The import formats' system check (``newscenter.E002``, ``E003``): every registered format
names a module with a usable ``parser``, run by ``newscenter check`` and at server start."""

from __future__ import annotations

from importlib import import_module

from django.core.checks import Error, register

from newscenter.importers import formats


@register()
def check_import_formats(app_configs=None, **kwargs):
    problems = []
    for name, module in formats().items():
        try:
            parser = import_module(module).parser
        except (ImportError, AttributeError) as exc:
            problems.append(
                Error(
                    f"Import format {name!r}: {module} has no usable `parser` ({exc}).",
                    hint="Fix NEWSCENTER_IMPORT_FORMATS.",
                    id="newscenter.E002",
                )
            )
            continue
        if getattr(parser, "name", None) != name:
            problems.append(
                Error(
                    f"Import format {name!r}: its parser calls itself {parser.name!r}.",
                    id="newscenter.E003",
                )
            )
    return problems
