"""What the user named on the command line, as import sources: files, folders, URLs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newscenter.importers.parsers.base import ImportParseError
from newscenter.importers.run import Source

URL_SCHEMES = ("http://", "https://")
# What a folder contributes: files that can hold articles. Images, stylesheets and the like
# in a site's content folder are left alone rather than reported as unreadable.
FOLDER_SUFFIXES = frozenset(
    {".md", ".markdown", ".mdown", ".txt", ".text", ".html", ".htm", ".xml", ".rss", ".atom"}
)
# Site generators' and tools' folders, and project files that are not news.
IGNORED_FOLDERS = frozenset(
    {"node_modules", "vendor", "themes", "public", "resources", "_site", "_layouts", "_includes"}
)
IGNORED_FILES = frozenset({"readme.md", "changelog.md", "license.md", "contributing.md"})


def sources_from(arguments: list[str]) -> Iterator[Source]:
    """Each argument as sources: a file, every visible file under a folder, or a fetched URL.

    Missing paths fail before anything is imported, so a typo never leaves half a run.
    """
    for argument in arguments:
        if not argument.startswith(URL_SCHEMES) and not Path(argument).exists():
            raise ImportParseError("no such file or folder", where=argument)
    for argument in arguments:
        yield from _sources(argument)


def _sources(argument: str) -> Iterator[Source]:
    if argument.startswith(URL_SCHEMES):
        yield _fetched(argument)
        return
    path = Path(argument)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if _wanted(child, path):
                yield Source(name=str(child), path=child)
    else:
        yield Source(name=argument, path=path)


def _wanted(child: Path, folder: Path) -> bool:
    parts = child.relative_to(folder).parts
    if any(part.startswith(".") for part in parts) or IGNORED_FOLDERS & set(parts[:-1]):
        return False
    name = child.name.lower().removesuffix(".gz")  # read decompressed: "page.html.gz" is a page
    if Path(name).suffix not in FOLDER_SUFFIXES or name in IGNORED_FILES:
        return False
    # A link may point anywhere on the server: only follow those that stay inside the folder.
    return child.is_file() and child.resolve().is_relative_to(folder.resolve())


def _fetched(url: str) -> Source:
    # Imported here: fetching is only needed, and only configured, for URLs.
    from newscenter.fetching import FetchError, fetch

    try:
        result = fetch(url)
    except FetchError as exc:
        raise ImportParseError(str(exc), where=url) from None
    return Source(name=url, data=result.body)
