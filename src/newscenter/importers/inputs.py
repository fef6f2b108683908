"""What the user named on the command line, as import sources: files, folders, URLs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newscenter.importers.base import ImportParseError
from newscenter.importers.run import Source

URL_SCHEMES = ("http://", "https://")


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
            relative = child.relative_to(path).parts
            if child.is_file() and not any(part.startswith(".") for part in relative):
                yield Source(name=str(child), path=child)
    else:
        yield Source(name=argument, path=path)


def _fetched(url: str) -> Source:
    # Imported here: fetching is only needed, and only configured, for URLs.
    from newscenter.fetching import FetchError, fetch

    try:
        result = fetch(url)
    except FetchError as exc:
        raise ImportParseError(str(exc), where=url) from None
    return Source(name=url, data=result.body)
