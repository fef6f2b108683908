"""Clicks and page loads per task, for the closing note's table (artifacts/journeys.tsv).

A journey test clicks through :meth:`Tally.click`; every page load of the tab is counted
as it happens. Nothing is asserted on the figures: they are a record, not a threshold.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import ARTIFACTS

TABLE = ARTIFACTS / "journeys.tsv"


class Tally:
    def __init__(self, page, task: str) -> None:
        self.page, self.task = page, task
        self.clicks = self.loads = 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        # A new document in the tab (counted when it commits, not when its images are in).
        if frame == self.page.main_frame:
            self.loads += 1

    def click(self, selector: str, **kwargs) -> None:
        self.clicks += 1
        self.page.click(selector, **kwargs)

    def clicked(self, locator) -> None:
        """A click on a Playwright locator, counted."""
        self.clicks += 1
        locator.click()

    def chose(self, locator) -> None:
        """A click on a choice that closes its own window (the media library's), counted."""
        self.clicks += 1
        choose_and_close(locator)

    def record(self) -> None:
        self.page.remove_listener("framenavigated", self._navigated)
        _append(TABLE, f"{self.task}\t{self.clicks}\t{self.loads}\n")


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    kept = [row for row in kept if not row.startswith(line.split("\t", 1)[0] + "\t")]
    path.write_text("".join([*kept, line]), encoding="utf-8")


def choose_and_close(locator) -> None:
    """Click a button whose handler closes its window, and wait until the window is gone.

    The window may close while Playwright is still confirming the click, which it reports
    as an error about a closed target: that is the behaviour under test, so it is waited
    for as the window's "close" event and asserted, not taken as a failure."""
    window = locator.page
    # The window's buttons get their handlers from a module script, which runs before
    # DOMContentLoaded: a click before then lands on a button that does nothing yet (seen
    # once on a loaded machine, as a 30 s wait for a close that never came).
    window.wait_for_load_state("domcontentloaded")
    with window.expect_event("close"):
        try:
            locator.click()
        except PlaywrightError:
            if not window.is_closed():
                raise
    assert window.is_closed()


CARET_IN_EDITOR = "!!document.activeElement?.closest('.ProseMirror') && getSelection().isCollapsed"


def wait_collapsed(page) -> None:
    """Until the editor has the focus back with a caret, not a selection (the link dialog's
    Update collapses it on the next tick). Twice in a row, 100 ms apart: while the editor
    takes the focus back from the dialog the selection is briefly a caret before it is the
    linked words again. Polled from here: wait_for_function would evaluate a string, which
    the desk's CSP refuses."""
    streak = 0
    for _ in range(50):
        streak = streak + 1 if page.evaluate(CARET_IN_EDITOR) else 0
        if streak == 2:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the linked words are still selected")
