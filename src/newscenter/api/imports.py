"""``/api/v1/imports``: the import pipeline of the desk and `newscenter import`, and its report."""

from __future__ import annotations

from ninja import Router

from newscenter.api.auth import Caller, TokenAuth
from newscenter.api.schemas import ImportIn, ImportReport
from newscenter.importers.run import ImportOptions, Source, as_json, import_sources

router = Router(tags=["imports"])


@router.post(
    "/imports",
    response=ImportReport,
    auth=TokenAuth(),
    summary="Import articles from text (pasted pages, HTML, Markdown, feeds, WXR)",
)
def import_run(request, data: ImportIn):
    """New articles are drafts unless ``status`` says otherwise (and the role allows it); a
    second run of the same input updates or skips rather than duplicates. With ``dry_run``
    nothing is saved and ``articles`` shows what would be."""
    caller: Caller = request.auth
    caller.require("imports:run")
    report = import_sources(
        [Source(name=data.name, data=data.text.encode())],
        options=ImportOptions(
            format=data.format, status=data.status, section=data.section, dry_run=data.dry_run
        ),
        acting_user=caller.user,
    )
    return as_json(report)
