"""What the body's allow-list would drop from an editor's HTML, asked before it is dropped.

The HTML view (and a paste of formatted text) hands markup to the editor, and the server
keeps only what ``news.rendering.sanitise_html`` allows. ``static/desk/body-check.js`` asks
this endpoint first and names to the editor what would go ("<script> with its content,
onclick attributes"), so that nothing is lost silently.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path

from newscenter.news import policy
from newscenter.news.blocks import VIDEO_HOSTS
from newscenter.news.rendering import discarded, sanitise_html

# What the body editor writes by itself and the allow-list drops on purpose: not the
# editor's doing, so not worth naming (a figure's class, a table's column widths).
EDITOR_OWN = {
    "*": frozenset({"data-pm-slice"}),  # ProseMirror's mark on what it copies
    "figure": frozenset({"class"}),
    "figcaption": frozenset({"class"}),
    "img": frozenset({"data-file"}),
    "a": frozenset({"target"}),
    "ol": frozenset({"type", "data-type"}),
    "table": frozenset({"style"}),
    "colgroup": frozenset(),
    "col": frozenset(),
}
MAX_CHARS = 2_000_000  # a body far past any article's: answered, not parsed


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(discarded_view)
    return [path("discarded/", view, name="news_article_discarded")]


def discarded_view(request):
    """``{"removed": [...], "clean": ...}``: what saving ``html`` (POSTed) would remove, in
    words, and the markup the allow-list keeps of it."""
    if request.method != "POST":
        return JsonResponse({"error": "Send the HTML with POST."}, status=405)
    if not policy.can(request.user, "article.create"):
        return JsonResponse({"error": "Your role may not write articles."}, status=403)
    markup = request.POST.get("html", "")
    if len(markup) > MAX_CHARS:
        return JsonResponse({"error": f"More than {MAX_CHARS:,} characters."}, status=413)
    removed = [_with_hint(words) for words in discarded(markup, unreported=EDITOR_OWN)]
    return JsonResponse({"removed": removed, "clean": sanitise_html(markup)})


def _with_hint(words: str) -> str:
    """A player pasted from YouTube or Vimeo goes, but the video need not: say how."""
    if words.removeprefix("<iframe> from ") in VIDEO_HOSTS:
        return f"{words} (insert it with the video button: readers get it click-to-load)"
    return words
