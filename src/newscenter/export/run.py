"""One export run: read, decide what changed, render (on every core), write, tidy up."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from newscenter.export import assets, files, snapshot
from newscenter.export.manifest import Manifest
from newscenter.export.pages import Page, plan
from newscenter.export.render import (
    Renderer,
    media_names,
    remembered_addresses,
)
from newscenter.search import related
from newscenter.web.pagecache.generation import generation, next_publication

# Below this many pages to render, forking workers costs more than it saves.
PARALLEL_FROM = 200
_CHUNK = 100  # pages a worker renders (and fetches the articles of) between two progress reports
Progress = Callable[[int, int], None]  # (pages just done, pages to do)


class ExportError(Exception):
    """The export cannot run (a bad DIR): the message says why."""


@dataclass(frozen=True)
class Summary:
    pages: int
    written: int
    unchanged: int
    removed: int
    bytes_written: int
    total_bytes: int
    files_copied: int
    seconds: float


def export_site(
    root: Path | str,
    *,
    full: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Summary:
    started = time.perf_counter()
    root = check_directory(Path(root))
    assets.ensure_collected()
    previous = Manifest.load(root)  # with --full too: files whose bytes match stay as they are
    now = timezone.now()
    data = snapshot.take(now)
    site_settings_tz = zoneinfo.ZoneInfo(data.site.time_zone)
    with timezone.override(site_settings_tz):  # as SiteTimezoneMiddleware does per request
        workers = workers or os.cpu_count() or 1
        ranked = related.public_lists(at=now)
        pages = plan(data, ranked, site_fingerprint(data))
        todo = [page for page in pages if full or _stale(page, previous, root)]
        results = _render(root, data, todo, previous, workers, progress)
    manifest = Manifest()
    for page in pages:
        record = results.get(page.path)
        manifest.pages[page.path] = record[:4] if record else previous.pages[page.path]
    removed = sorted(set(previous.pages) - set(manifest.pages))
    for path in removed:
        files.remove(root, path)
    media = {name for record in manifest.pages.values() for name in record[3]}
    static = assets.static_sources()
    manifest.files, copied = assets.sync(root, static, assets.media_targets(media), previous.files)
    for path in set(previous.files) - set(manifest.files) - set(manifest.pages):
        files.remove(root, path)
    manifest.save(root)
    written = [r for r in results.values() if r[4]]
    return Summary(
        pages=len(pages),
        written=len(written),
        unchanged=len(pages) - len(written),
        removed=len(removed),
        bytes_written=sum(r[2] for r in written),
        total_bytes=sum(r[2] for r in manifest.pages.values())
        + sum(r[0] for r in manifest.files.values()),
        files_copied=copied,
        seconds=time.perf_counter() - started,
    )


def watch(
    root: Path | str,
    *,
    report: Callable[[Summary], None],
    workers: int | None = None,
    interval: float = 0.5,
    until: Callable[[], bool] = lambda: False,
) -> None:
    """Export, then export again after each change, in this one process, until ``until()``.

    A run started afresh pays Python's and Django's set-up, the URL resolver and the
    templates' compilation before it renders a page (about a second, half of what one edit
    costs at 10,000 articles); a resident process pays them once. A change is seen through
    what renews the page cache: the pages' generation, which the change signal renews after
    every committed change, and the next scheduled publication (an article that becomes
    public with no change). Checked every ``interval`` seconds: a stat of a file, or one
    cache read with Redis.
    """
    seen = None
    while not until():
        if not connection.in_atomic_block:  # a transaction (a test's) keeps its connection
            close_old_connections()  # one the database dropped meanwhile is opened again
        state = (generation(), next_publication())  # before the run: a change meanwhile counts
        if state == seen:
            time.sleep(interval)
            continue
        seen = state
        report(export_site(root, workers=workers))


def check_directory(root: Path) -> Path:
    """DIR as an absolute path, created if need be; ExportError when it cannot be the export."""
    root = root.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is a file, not a folder.")
    static = Path(settings.STATIC_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    data = Path(settings.DATA_DIR).resolve()
    for name, folder in (("STATIC_ROOT", static), ("MEDIA_ROOT", media)):
        if root == folder or folder in root.parents:
            raise ExportError(
                f"{root} is inside the site's own files ({name}): choose a folder of its own."
            )
    for name, folder in (("STATIC_ROOT", static), ("MEDIA_ROOT", media), ("data", data)):
        if root == folder or root in folder.parents:
            # Publishing DIR would publish the database and the secret key with it.
            raise ExportError(
                f"{root} holds the site's own {name} folder: choose a folder of its own."
            )
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".newscenter-export-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ExportError(f"Cannot write to {root}: {error.strerror or error}.") from None
    return root


def site_fingerprint(data: snapshot.Snapshot) -> str:
    """What every page shows: settings, the site's chrome, templates and code, the year."""
    site = data.site
    fields = [getattr(site, f.attname) for f in site._meta.concrete_fields]
    banner = site.banner_image
    banner_parts = None
    if banner is not None:
        renditions = sorted((r.width, r.format, r.file.name) for r in banner.renditions.all())
        banner_parts = (banner.file.name, banner.width, banner.height, banner.alt, renditions)
    manifest = Path(settings.STATIC_ROOT, "staticfiles.json")
    return snapshot.fingerprint(
        settings.NEWSCENTER_BASE_URL,
        settings.STATIC_URL,
        settings.MEDIA_URL,
        settings.LANGUAGE_CODE,
        [str(value) for value in fields],
        banner_parts,
        _source_digest(),
        manifest.read_bytes() if manifest.is_file() else b"",
        timezone.localtime(data.now).year,  # the footer's copyright year
    )


@functools.cache
def _source_digest() -> str:
    """The package's code and templates: an upgrade may change any page. Read once per
    process: a resident export (``watch``) goes on with the code it loaded."""
    package = Path(__file__).resolve().parents[1]
    parts = []
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".html", ".txt", ".xml", ".js"} and path.is_file():
            parts.append((path.relative_to(package).as_posix(), files.digest(path.read_bytes())))
    return snapshot.fingerprint(parts)


def _stale(page: Page, previous: Manifest, root: Path) -> bool:
    record = previous.pages.get(page.path)
    if record is None or record[0] != page.fingerprint:
        return True
    # os.path, not pathlib: making 11,000 Path objects was most of what this check cost.
    return not os.path.isfile(os.path.join(root, page.path))


# --- rendering, in this process or in forked workers ---------------------------------------

_job: dict = {}  # what forked workers inherit: set just before the fork


def _render(root, data, todo: list[Page], previous: Manifest, workers, progress) -> dict:
    # Sitemaps and the search index are the slowest files: each starts at once, on its own.
    todo = sorted(todo, key=lambda page: page.kind not in ("view", "search-index"))
    files.make_folders(root, [page.path for page in todo])  # once, before any worker writes
    _job.update(
        root=root,
        pages=todo,
        previous=previous.pages,
        renderer=Renderer(data),
    )
    if progress:
        progress(0, len(todo))
    heavy = sum(1 for page in todo if page.kind in ("view", "search-index"))
    chunks = [range(i, i + 1) for i in range(heavy)]
    chunks += [range(i, min(i + _CHUNK, len(todo))) for i in range(heavy, len(todo), _CHUNK)]
    results: dict[str, list] = {}
    try:
        with remembered_addresses():
            for done in _map(_render_chunk, chunks, workers, len(todo)):
                for path, *record in done:
                    results[path] = record
                if progress:
                    progress(len(done), 0)
    finally:
        _job.clear()
    return results


def _map(function, chunks: list, workers: int, size: int):
    """``function`` over ``chunks``, in forked workers when there is enough to do.

    Workers inherit ``_job`` (set before the fork) and open their own database connections.
    Inside a transaction (tests) another connection would not see its rows: no workers then.
    """
    if workers > 1 and size >= PARALLEL_FROM and not connection.in_atomic_block:
        _close_connections()
        # What the workers inherit is set aside from their garbage collector: a collection
        # walking it writes to (and so copies) the parent's heap. One resident edit at 10,000
        # articles: 2.4 -> 1.9 and 2.9 -> 2.6 s of CPU, workers included.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                yield from pool.imap_unordered(function, chunks)
        finally:
            gc.unfreeze()
    else:
        for chunk in chunks:
            yield function(chunk)


def _render_chunk(indexes: range) -> list:
    root, previous, renderer = _job["root"], _job["previous"], _job["renderer"]
    done = []
    renderer.fetch([_job["pages"][index] for index in indexes])
    for index in indexes:
        page = _job["pages"][index]
        content = renderer.render(page)
        digest = files.digest(content)
        before = previous.get(page.path)
        changed = (
            before is None
            or before[1] != digest
            or not os.path.isfile(os.path.join(root, page.path))
        )
        if changed:
            files.write_atomic(root, page.path, content)
        media = sorted(media_names(content)) if page.kind != "search-index" else []
        done.append((page.path, page.fingerprint, digest, len(content), media, changed))
    return done


def _close_connections() -> None:
    for alias in connections:
        conn = connections[alias]
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None and getattr(conn, "pool", None) is not None:
            close_pool()  # a pool's sockets and threads must not be shared across a fork
