"""The desk's journeys before and after issue 13: clicks and page loads per task.

    .venv/bin/python bench/desk_journeys.py --before-checkout /work/wt/desk-before

``--before-checkout`` is a checkout of the tree before the new desk (``git worktree add
--detach DIR d708672^``, then ``make install`` in it): the stock Django admin with a prose
editor. Each tree is served as ``make run`` serves it (``newscenter setup``, ``newscenter
serve``) from its own .venv, on a data folder of its own, and Debian's chromium makes the same
tasks in each, through each desk's own screens, counted as the Playwright journeys count them
(tests/browser/journey.py): a click is one press of the mouse on a link, button or field (a
choice in a drop-down list counts one), typing is not counted, and a page load is a new
document in the tab (or a window the task opens). Each task ends by checking in the site's
database that it was done; a task the old desk could not do is "not possible", with what the
user hit and the clicks and loads spent up to there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.journey import Tally, wait_collapsed  # noqa: E402
from tests.browser.signin import code_from_secret  # noqa: E402

import loadgen  # noqa: E402

PASSWORD = "correct horse battery staple"  # noqa: S105 (the throwaway sites' people)
ZONE = "Europe/Berlin"
EDITABLE = ".ProseMirror[contenteditable=true]"
IMPORTED = 700
NOTE = "Which days? Add the weekend times."
# Run by `newscenter shell` in each tree: the people, one library image, the site's zone.
PREPARE = f"""
import io
from PIL import Image as Pillow
from newscenter.news.models import SiteSettings
from newscenter.news.policy import SYSTEM
from newscenter.news.services.images import image_create
buffer = io.BytesIO()
Pillow.new("RGB", (1200, 800), "steelblue").save(buffer, format="PNG")
image_create(file_or_bytes=buffer.getvalue(), alt="Hall four with the new press",
             caption="The press in hall four.", acting_user=SYSTEM)
SiteSettings.load()
SiteSettings.objects.update(time_zone="{ZONE}")
"""
TASKS = (
    "write with an inline image and a link (editor)",
    "schedule a new article, one past time refused, in Europe/Berlin (editor)",
    f"import {IMPORTED} items as drafts, one corrected (editor)",
    "write and submit for review (contributor)",
    "return with a note (editor)",
    "see the note and fix it (contributor)",
    "restore the words after a closed tab (editor)",
)


class NotPossible(Exception):
    """The desk could not do the task: what the user hit."""


def feed(count: int, words: str = "Plant news") -> str:
    where = f"https://firm.example/{words.replace(' ', '-').lower()}"
    items = "".join(
        f"<item><title>{words} {n}</title><guid>{where}/{n}</guid>"
        f"<link>{where}/{n}</link><pubDate>Mon, 02 Mar 2026 09:30:00 +0000"
        f"</pubDate><description>&lt;p&gt;Item {n}.&lt;/p&gt;</description></item>"
        for n in range(count)
    )
    channel = f"<channel><title>Firm</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


class Site:
    """One tree served on a data folder of its own, with an editor and a contributor."""

    def __init__(self, checkout: Path, scratch: Path, name: str) -> None:
        self.checkout, self.name = checkout, name
        self.data = scratch / name
        self.data.mkdir(parents=True)
        self.port = loadgen.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = loadgen.app_env(self.data, page_cache=False)
        self.env["PORT"] = str(self.port)
        self.command = str(checkout / ".venv" / "bin" / "newscenter")
        self.log = scratch / f"{name}.log"

    def run(self, *args: str, stdin: str = "") -> None:
        subprocess.run(
            [self.command, *args], env=self.env, input=stdin, text=True, check=True,
            cwd=self.checkout, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def prepare(self) -> None:
        self.run("setup")
        for role in ("editor", "contributor"):
            self.run("user", "create", "--role", role, "--password-stdin", role, stdin=PASSWORD)
        self.run("shell", "-c", PREPARE)

    def serve(self):
        return loadgen.running(
            [self.command, "serve", "--port", str(self.port), "--workers", "1", "--no-worker"],
            env=self.env, log=self.log, ready=f"{self.base}/news/", timeout=300,
        )  # fmt: skip

    def query(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.data / "newscenter.sqlite3") as db:
            return db.execute(sql, args).fetchall()

    def article(self, headline: str) -> tuple:
        rows = self.query(
            "SELECT id, status, pub_date, body FROM news_article WHERE headline = ?", headline
        )
        if len(rows) != 1:
            raise AssertionError(f"{self.name}: {len(rows)} articles called {headline!r}")
        return rows[0]


def signed_in(browser, site: Site, username: str):
    """A browser context signed in as ``username`` (enrolling the authenticator), on /admin/."""
    context = browser.new_context(base_url=site.base, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", code_from_secret(page.text_content(".secret")))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    kept = page.get_by_text("I have kept them: continue")  # recovery codes, after issue 13
    if kept.count():
        kept.click()
    page.wait_for_url("**/admin/")
    page.wait_for_load_state("networkidle")
    return page


def ended(tally: Tally) -> tuple[int, int]:
    tally.page.remove_listener("framenavigated", tally._navigated)
    return tally.clicks, tally.loads


def select_words(page, words: str) -> None:
    for _ in words:
        page.keyboard.press("Shift+ArrowLeft")


def link_words(tally: Tally) -> str:
    """The last words typed become a link, through the editor's link dialog; then a new
    paragraph. Says so when the linked words stayed selected (Enter would replace them)."""
    page = tally.page
    select_words(page, "press release")
    tally.click(".prose-menubar [title='insert link']")
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=href]").fill("https://example.com/release.pdf")
    tally.clicked(dialog.get_by_role("button", name="Update"))
    try:
        wait_collapsed(page)
    except AssertionError:
        page.keyboard.press("End")  # as a careful writer would, before Enter
        page.keyboard.press("Enter")
        return "the linked words stayed selected after Update (Enter would have replaced them)"
    page.keyboard.press("Enter")
    return ""


def future_moment() -> dt.datetime:
    return (
        (dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        .astimezone(zoneinfo.ZoneInfo(ZONE))
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )


def stored(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


# -- the desk before issue 13: the stock admin, its Workflow page, its Import page ------------


class Before:
    def __init__(self, site: Site, editor, contributor) -> None:
        self.site, self.editor, self.contributor = site, editor, contributor

    def new_article(self, tally: Tally, headline: str, words: str) -> None:
        tally.click("#content-main a[href='/admin/news/article/add/']")  # the "+ Add" of Articles
        tally.page.fill("#id_headline", headline)
        tally.click(EDITABLE)
        tally.page.keyboard.type(words)

    def workflow(self, tally: Tally, verb: str, **fields: str) -> None:
        form = tally.page.locator(f"#transition-{verb}")
        if not form.count():
            tally.click(".object-tools a:text-is('Workflow')")
            form = tally.page.locator(f"#transition-{verb}")
        for name, value in fields.items():
            form.locator(f"[name={name}]").fill(value)
        tally.clicked(form.locator("input[type=submit]"))

    def write(self, tally: Tally) -> str | None:
        page = tally.page
        self.new_article(tally, "The new press in hall four", "Read the press release")
        selected = link_words(tally)
        # The media library in a second tab: the image's page shows its markup to copy.
        library = page.context.new_page()
        library.goto("/admin/news/image/")
        tally.loads += 1
        tally.clicked(library.locator("#result_list a", has_text="Hall four with the new press"))
        tally.loads += 1
        tally.clicked(library.locator(".field-body_markup code"))  # selected, to copy
        snippet = library.text_content(".field-body_markup code").strip()
        library.close()
        tally.click(".prose-menubar [title='edit HTML']")
        dialog = page.locator("dialog[open]")
        html = dialog.locator("textarea")
        html.fill(html.input_value() + snippet)
        tally.clicked(dialog.locator("button[type=submit]"))
        tally.click("input[name=_continue]")
        page.wait_for_url("**/change/")
        body = self.site.article("The new press in hall four")[3]
        if "press release</a>" not in body:
            raise AssertionError(f"before: the link is not in the body: {body}")
        if "<img" not in body:
            raise NotPossible(
                "no image action in the editor; the library's <img> markup pasted into the "
                "HTML view was dropped without a word (saved body has no image)"
                + (f"; {selected}" if selected else "")
            )

    def schedule(self, tally: Tally) -> str:
        page = tally.page
        tally.click("input[name=_continue]")  # the Workflow page needs a saved article
        self.workflow(tally, "schedule", when="2020-05-04T10:00")
        refused = page.text_content(".messagelist .error")
        kept = page.input_value("#transition-schedule [name=when]")
        moment = future_moment()
        self.workflow(tally, "schedule", when=f"{moment:%Y-%m-%dT%H:%M}")
        status, pub_date = self.site.article("Open day at the Ebersfurt plant")[1:3]
        if status != "scheduled":
            raise AssertionError(f"before: not scheduled but {status}")
        said = f"refusal: “{refused.strip()}”; the date field after it: {kept or 'emptied'}"
        if stored(pub_date) != moment:
            said += f"; stored {pub_date} UTC for {moment:%H:%M} {ZONE}"
        return said

    def import_drafts(self, tally: Tally) -> str:
        answer, drafts = self.imported(tally, IMPORTED, "Plant news")
        if answer.status >= 400 or drafts != IMPORTED - 1:
            shown = " ".join(tally.page.text_content("body").split())[:80]
            # The same with a few items, to show what the old desk asked when it could.
            spent = tally.clicks, tally.loads
            tally.page.goto("/admin/news/article/import/")
            few = Tally(tally.page, "few")
            status, made = self.imported(few, 10, "Small batch")
            clicks, loads = ended(few)
            tally.clicks, tally.loads = spent
            raise NotPossible(
                f"the confirmation answered {answer.status} “{shown}”; {drafts} of "
                f"{IMPORTED} imported. With 10 items (answered {status.status}, {made} of 9 "
                f"uncorrected saved as drafts): {clicks} clicks, {loads} loads, the status "
                "chosen by hand (the default, “As in the source”, publishes dated items)"
            )
        return "the status chosen by hand: the default, “As in the source”, publishes dated items"

    def imported(self, tally: Tally, count: int, words: str):
        """A feed of ``count`` items pasted, previewed as drafts, one headline corrected and
        confirmed: the confirmation's answer and the drafts saved uncorrected."""
        page = tally.page
        page.fill("textarea[name=text]", feed(count, words))
        page.select_option("select[name=status]", "draft")  # the default publishes
        tally.clicks += 1
        tally.click("input[type=submit][value=Preview]")
        page.fill("#id_form-3-headline", "Item three, corrected")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            tally.click("input[name=confirm]")
        page.wait_for_load_state()
        drafts = self.site.query(
            "SELECT count(*) FROM news_article WHERE status = 'draft' AND headline LIKE ?",
            f"%{words}%",
        )[0][0]
        return answer.value, drafts

    def submit(self, tally: Tally) -> None:
        self.new_article(tally, "Canteen opens at seven", "Breakfast from seven from Monday on.")
        tally.click("input[name=_continue]")
        self.workflow(tally, "submit")
        assert "is now in review" in tally.page.text_content(".messagelist .success").lower()

    def open_from_list(self, tally: Tally, headline: str) -> None:
        tally.click("#content-main a[href='/admin/news/article/']")
        tally.clicked(tally.page.locator("#result_list").get_by_role("link", name=headline))

    def return_note(self, tally: Tally) -> None:
        self.open_from_list(tally, "Canteen opens at seven")
        self.workflow(tally, "return", note=NOTE)
        assert self.site.article("Canteen opens at seven")[1] == "draft"

    def fix(self, tally: Tally) -> str:
        page = tally.page
        page.goto("/admin/")
        dashboard = page.text_content("#content")
        self.open_from_list(tally, "Canteen opens at seven")
        if NOTE in page.text_content("#content"):
            raise AssertionError("before: the note is on the article after all")
        tally.click(".object-tools a:text-is('Workflow')")
        if NOTE not in page.text_content("#content"):
            raise NotPossible("the return note is shown nowhere to the contributor")
        tally.clicked(page.get_by_role("link", name="Back to the article"))
        tally.click(EDITABLE)
        page.keyboard.press("End")
        page.keyboard.type(" Weekends from nine.")
        tally.click("input[name=_continue]")
        self.workflow(tally, "submit")
        assert self.site.article("Canteen opens at seven")[1] == "review"
        told = "" if NOTE in dashboard else "; nothing on the dashboard or the article said so"
        return f"the note found in the Workflow page's “Recent moves”{told}"

    def restore(self, tally: Tally, change: str) -> None:
        lost_words(tally, change, "restored")


def lost_words(tally: Tally, change: str, offer: str) -> None:
    """Types into an article, closes the tab, and opens the article again in a new tab."""
    context = tally.page.context
    page = context.new_page()
    page.goto(change)
    page.fill("#id_headline", "The new press in hall four, running")
    if offer == "offered":
        page.locator("#autosave-status", has_text="Draft kept").wait_for()
    else:
        page.wait_for_timeout(10_000)  # time enough for an autosave, had there been one
    page.close(run_before_unload=False)
    again = context.new_page()
    tally.page = again
    again.on("framenavigated", tally._navigated)
    again.goto(change)
    if offer == "restored" and "running" not in again.input_value("#id_headline"):
        raise NotPossible("no autosave: the words typed before the tab closed are gone")


# -- the desk after issue 13: the writing screen, its publish panel, the dashboard ------------


class After(Before):
    def new_article(self, tally: Tally, headline: str, words: str) -> None:
        tally.clicked(tally.page.get_by_role("link", name="New article"))
        tally.page.fill("#id_headline", headline)
        tally.click(EDITABLE)
        tally.page.keyboard.type(words)

    def write(self, tally: Tally) -> str | None:
        page = tally.page
        self.new_article(tally, "The new press in hall four", "Read the press release")
        selected = link_words(tally)
        tally.click(".prose-menubar [title=figure]")
        dialog = page.locator("dialog[open]")
        with page.expect_popup() as opened:
            tally.clicked(dialog.get_by_text("Browse..."))
        tally.loads += 1
        window = opened.value  # the media library's window
        tally.clicked(window.locator(".picker-choose[data-alt='Hall four with the new press']"))
        tally.clicked(dialog.locator("button[type=submit]"))
        tally.click("input[name=_continue]")
        page.wait_for_url("**/change/")
        body = self.site.article("The new press in hall four")[3]
        assert "press release</a>" in body, body
        assert "<figure><img" in body, body
        return selected

    def schedule(self, tally: Tally) -> str:
        page = tally.page
        tally.click("#panel-schedule summary")
        page.fill("#id_panel_when", "2020-05-04T10:00")
        tally.click("#panel-schedule button")
        refused = " ".join(page.text_content(".messagelist .error").split())
        kept = page.input_value("#id_panel_when")
        moment = future_moment()
        page.fill("#id_panel_when", f"{moment:%Y-%m-%dT%H:%M}")
        tally.click("#panel-schedule button")
        status, pub_date = self.site.article("Open day at the Ebersfurt plant")[1:3]
        assert (status, stored(pub_date)) == ("scheduled", moment), (status, pub_date)
        return f"refusal: “{refused}”; the date field after it: {kept}"

    def import_drafts(self, tally: Tally) -> str:
        page = tally.page
        page.fill("textarea[name=text]", feed(IMPORTED))
        tally.click("input[type=submit][value=Preview]")
        page.fill("#headline-3", "Item three, corrected")
        tally.click("input[name=confirm]")
        page.wait_for_selector(".import-counts")
        drafts = self.site.query(
            "SELECT count(*) FROM news_article WHERE status = 'draft' AND headline LIKE ?",
            "%Plant news%",
        )[0][0]
        assert drafts == IMPORTED - 1, drafts
        return "drafts by default"

    def submit(self, tally: Tally) -> None:
        self.new_article(tally, "Canteen opens at seven", "Breakfast from seven from Monday on.")
        tally.click("button.panel-primary")
        assert "is now in review" in tally.page.text_content(".messagelist .success").lower()

    def return_note(self, tally: Tally) -> None:
        page = tally.page
        tally.clicked(page.locator("#in-review").get_by_role("link", name="Canteen opens"))
        tally.click("#panel-return summary")
        page.fill("#id_panel_note", NOTE)
        tally.click("#panel-return button")
        assert self.site.article("Canteen opens at seven")[1] == "draft"

    def fix(self, tally: Tally) -> str:
        page = tally.page
        page.goto("/admin/")
        assert NOTE in page.text_content("#returned")
        tally.clicked(page.locator("#returned").get_by_role("link", name="Canteen opens"))
        assert NOTE in page.text_content("#return-note")
        tally.click(EDITABLE)
        page.keyboard.press("End")
        page.keyboard.type(" Weekends from nine.")
        tally.click("button.panel-primary")
        assert self.site.article("Canteen opens at seven")[1] == "review"
        return "the note on the dashboard and as a banner on the article"

    def restore(self, tally: Tally, change: str) -> None:
        lost_words(tally, change, "offered")
        page = tally.page
        tally.clicked(page.get_by_role("button", name="Restore them"))
        tally.clicked(page.locator("input[name=_continue]").first)
        page.wait_for_url(f"**{change}")
        assert "running" in page.input_value("#id_headline")


def journeys(site: Site, desk_class, browser) -> dict[str, tuple]:
    """Each task in order on one served tree: (clicks, loads, remark) or (None, None, why)."""
    editor = signed_in(browser, site, "editor")
    contributor = signed_in(browser, site, "contributor")
    desk = desk_class(site, editor, contributor)
    results: dict[str, tuple] = {}

    def attempt(task: str, page, step, *args) -> None:
        tally = Tally(page, task)
        try:
            remark = step(tally, *args) or ""
        except NotPossible as hit:
            clicks, loads = ended(tally)
            results[task] = (None, None, f"{hit} ({clicks} clicks, {loads} loads spent)")
        else:
            results[task] = (*ended(tally), remark)

    write, schedule, imports, submit, give_back, fix, restore = TASKS
    attempt(write, editor, desk.write)
    change = f"/admin/news/article/{site.article('The new press in hall four')[0]}/change/"
    editor.goto("/admin/news/article/add/")
    editor.fill("#id_headline", "Open day at the Ebersfurt plant")
    editor.click(EDITABLE)
    editor.keyboard.type("Families can tour the halls on Saturday.")
    attempt(schedule, editor, desk.schedule)
    editor.goto("/admin/news/article/import/")
    attempt(imports, editor, desk.import_drafts)
    contributor.goto("/admin/")
    attempt(submit, contributor, desk.submit)
    editor.goto("/admin/")
    attempt(give_back, editor, desk.return_note)
    attempt(fix, contributor, desk.fix)
    attempt(restore, editor, desk.restore, change)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-checkout", type=Path, required=True)
    parser.add_argument("--only", choices=("before", "after"), help="run one tree's journeys")
    args = parser.parse_args()
    before = args.before_checkout.resolve()
    if not (before / ".venv" / "bin" / "newscenter").exists():
        raise SystemExit(f"{before}: no .venv/bin/newscenter; run `make install` there first")
    from playwright.sync_api import sync_playwright

    scratch = Path(tempfile.mkdtemp(prefix="newscenter-desk-journeys-"))
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, checkout, desk_class in (("before", before, Before), ("after", REPO, After)):
            if args.only not in (None, name):
                continue
            site = Site(checkout, scratch, name)
            site.prepare()
            with site.serve():
                figures[name] = journeys(site, desk_class, browser)
        browser.close()
    print(table(figures))
    print(f"\nServer logs and data folders: {scratch}")


def table(figures: dict) -> str:
    def cell(clicks, loads) -> str:
        return "not possible" if clicks is None else f"{clicks} clicks, {loads} loads"

    names = list(figures)
    lines = [f"| task | {' | '.join(names)} |", "|---" * (len(names) + 1) + "|"]
    for task in TASKS:
        cells = " | ".join(cell(*figures[name][task][:2]) for name in names)
        lines.append(f"| {task} | {cells} |")
    lines.append("")
    for task in TASKS:
        for name in names:
            if figures[name][task][2]:
                lines.append(f"- {task}, {name}: {figures[name][task][2]}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
