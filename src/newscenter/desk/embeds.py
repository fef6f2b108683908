"""The embed builder: pick the options, see the widget, copy its snippet; and the list of sites
allowed to show it (``site.settings``: administrators), saved by ``site_settings_update``.

Every desk user may build a snippet (it shows only public news); the options are read by the
embeds' own parser (``embed.options``), so the builder never offers what an embed refuses.
Without JavaScript the form is a GET that renders the preview and snippets on the server;
desk/static/desk/embed-builder.js redoes them as the options change.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from newscenter.embed import snippets
from newscenter.embed.options import LAYOUTS, LIMIT_RANGE, THEMES, OptionError, Options, parse
from newscenter.news import policy
from newscenter.news.models import Author, Section, SiteSettings, Tag
from newscenter.news.services import site_settings_update


class BuilderForm(forms.Form):
    """The options as form fields; only for showing them (``embed.options`` reads them)."""

    section = forms.ChoiceField(required=False)
    tag = forms.ChoiceField(required=False)
    author = forms.ChoiceField(required=False)
    language = forms.CharField(required=False, max_length=35, help_text="e.g. en, de-ch")
    limit = forms.IntegerField(min_value=LIMIT_RANGE[0], max_value=LIMIT_RANGE[1])
    layout = forms.ChoiceField(choices=[(name, name.capitalize()) for name in LAYOUTS])
    theme = forms.ChoiceField(choices=[(name, name.capitalize()) for name in THEMES])
    images = forms.ChoiceField(choices=[("on", "Shown"), ("off", "Hidden")])
    accent = forms.CharField(
        required=False, max_length=7, help_text="Link colour in hex, e.g. 0a5c8f (iframe only)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model, everything in (
            ("section", Section, "All sections"),
            ("tag", Tag, "All tags"),
            ("author", Author, "All authors"),
        ):
            rows = model.objects.order_by("name").values_list("slug", "name")
            self.fields[name].choices = [("", everything), *rows]  # type: ignore[attr-defined]


class OriginsForm(forms.Form):
    origins = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="One a line, as https://www.example.com. None: any site may show the widget.",
    )

    def origin_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["origins"].splitlines() if line.strip()]


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(lambda request: builder_view(model_admin, request))
    return [path("embed/", view, name="news_sitesettings_embed")]


def builder_view(model_admin, request):
    site = SiteSettings.load()
    may_manage = policy.can(request.user, "site.settings")
    origins_form = OriginsForm(initial={"origins": "\n".join(site.embed_origins)})
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only administrators list the sites that may show the widget.")
        origins_form = OriginsForm(request.POST)
        if origins_form.is_valid() and _save_origins(request, origins_form):
            return redirect(request.get_full_path())
    try:
        options, problem = parse(request.GET), ""
    except OptionError as error:
        options, problem = Options(), str(error)
    query = options.query()
    link_text = f"Latest news from {site.site_name}"
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Embed the latest news",
        "form": BuilderForm(initial=_initial(options)),
        "problem": problem,
        "preview_url": reverse("embed:latest") + _query_string(query),
        "iframe": snippets.iframe(query, title=link_text),
        "element": snippets.element(query, link_text=link_text),
        "link_text": link_text,
        "addresses": {
            "latest": snippets.address("embed:latest"),
            "fragment": snippets.address("embed:latest-html"),
            "json": snippets.address("embed:latest-json"),
            "script": snippets.address("embed:latest-js"),
            "home": snippets.address("news:index"),
        },
        "fragment_url": snippets.address("embed:latest-html", query),
        "json_url": snippets.address("embed:latest-json", query),
        "origins_form": origins_form,
        "may_manage": may_manage,
        "origins": site.embed_origins,
    }
    response = TemplateResponse(request, "admin/news/sitesettings/embed.html", context)
    # The preview is this site's own embed page, in a frame.
    response._csp_update = {"frame-src": ["'self'"]}  # type: ignore[attr-defined]
    return response


def _save_origins(request, form: OriginsForm) -> bool:
    try:
        site_settings_update(acting_user=request.user, embed_origins=form.origin_list())
    except ValidationError as error:
        for message in error.messages:
            form.add_error("origins", message)
        return False
    messages.success(request, "The list of sites that may show the widget was saved.")
    return True


def _initial(options: Options) -> dict:
    return {
        "section": options.section.slug if options.section else "",
        "tag": options.tag.slug if options.tag else "",
        "author": options.author.slug if options.author else "",
        "language": options.language,
        "limit": options.limit,
        "layout": options.layout,
        "theme": options.theme,
        "images": "on" if options.images else "off",
        "accent": options.accent,
    }


def _query_string(query: dict[str, str]) -> str:
    return f"?{urlencode(query)}" if query else ""
