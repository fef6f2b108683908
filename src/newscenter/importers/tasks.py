"""Import work done by ``newscenter worker``, away from the request that asked for it."""

from __future__ import annotations

import logging

from django_tasks import task

from newscenter.importers.images import lead_images_fetch
from newscenter.news.models import ImportRun
from newscenter.news.policy import SYSTEM
from newscenter.news.services.desk import import_run_images_finished

logger = logging.getLogger(__name__)


@task()
def import_run_images(run_id: int) -> dict[str, int]:
    """Fetch the lead images of one desk import's articles, then report back on the run
    (its page) and to the person who ran it (a notification in the desk)."""
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None:  # deleted since: nothing to report to
        return {"fetched": 0, "failed": 0}
    articles = list(run.articles.values_list("pk", flat=True))
    try:
        report = lead_images_fetch(acting_user=run.user or SYSTEM, articles=articles)
    except Exception as exc:
        logger.exception("lead images of import run %s", run_id)
        import_run_images_finished(
            run=run, fetched=[], failed=[], error=str(exc) or type(exc).__name__
        )
        return {"fetched": 0, "failed": len(articles)}
    import_run_images_finished(run=run, fetched=report.fetched, failed=report.failed)
    return {"fetched": len(report.fetched), "failed": len(report.failed)}
