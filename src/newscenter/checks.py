"""System checks with stable ids (``newscenter.E001`` ...), run by ``newscenter check``."""

from __future__ import annotations

import os
from importlib import import_module

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_data_dir(app_configs=None, **kwargs):
    problems = []
    for name in ("DATA_DIR", "MEDIA_ROOT"):
        path = getattr(settings, name)
        if not os.access(path, os.W_OK) and not (not os.path.exists(path) and name == "MEDIA_ROOT"):
            problems.append(
                Error(
                    f"{name} ({path}) is not writable.",
                    hint="Point NEWSCENTER_DATA_DIR (or DJANGO_MEDIA_ROOT) at a writable folder.",
                    id="newscenter.E001",
                )
            )
    return problems


@register()
def check_import_formats(app_configs=None, **kwargs):
    from newscenter.importers import formats

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
