"""The desk's articles: the writing form, the change list, and actions, through the services."""

from __future__ import annotations

import math
from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import display_for_field
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import FilteredRelation, Q
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

from newscenter.desk import (
    autosave,
    body_check,
    dashboard,
    imports,
    listing,
    media,
    publish_panel,
    review_links,
    revisions,
)
from newscenter.desk import translations as translation_pages
from newscenter.desk import workflow as workflow_pages
from newscenter.desk.choices import ArticleLanguageField
from newscenter.desk.valid_html import ValidHtmlAdmin
from newscenter.news import policy, publishing, services
from newscenter.news.models import Article, Author, ListedArticle, Tag
from newscenter.news.policy import PolicyDenied
from newscenter.news.rendering import sanitise_html
from newscenter.news.services import desk as desk_state
from newscenter.news.services import workflow
from newscenter.search import substrings

# What the toolbar offers; everything it can produce is inside news.rendering's allow-list,
# and the server sanitises again whatever the browser sends.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    # Images in the body: a figure (picture and caption) chosen from the media library, or a
    # bare <img> pasted in the HTML view. Without these two the editor dropped both silently.
    "Figure": {"pickerUrl": reverse_lazy("admin:news_image_pick")},
    "Image": True,
    "Caption": True,
    # An image file pasted or dropped: uploaded to the library (alt text asked), then a figure.
    "PastedImages": {"uploadUrl": reverse_lazy("admin:news_image_upload")},
    # The HTML view and a formatted paste name what the allow-list would drop (body_check).
    "DiscardNotice": {"checkUrl": reverse_lazy("admin:news_article_discarded")},
    # Blocks (news.blocks): a click-to-load video (its poster chosen from the media library, or
    # none) and a pull quote, each a figure by class.
    "VideoEmbed": {"pickerUrl": reverse_lazy("admin:news_image_pick")},
    "PullQuote": True,
    # A PDF uploaded (news.services.attachments) and linked; readers see its kind and size.
    "FileAttachment": {"uploadUrl": reverse_lazy("admin:news_attachment_upload")},
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "HTML": True,
    "SpecialCharacters": True,
}


class ArticleAdminForm(forms.ModelForm):
    # Django 6's default already: "example.com/page" typed by an editor means https.
    source_url = forms.URLField(assume_scheme="https", required=False, max_length=1000)
    canonical_url = forms.URLField(assume_scheme="https", required=False, max_length=1000)

    body = ProseEditorFormField(
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitise_html,
        widget=AdminProseEditorWidget,
        required=False,
    )

    class Meta:
        model = Article
        # No "status": it moves only through the workflow page (news.services.workflow).
        fields = (
            "headline", "slug", "standfirst", "body", "pub_date", "section", "tags",
            "authors", "lead_image", "lead_image_alt", "source_name", "source_url",
            "canonical_url", "language",
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            self.fields["language"] = ArticleLanguageField(current=self.instance.language or "")
        zone = timezone.get_current_timezone_name()
        if "pub_date" in self.fields:
            self.fields["pub_date"].label = f"Publication date ({zone})"
            # Django draws the day and the time under one legend: each box gets its own name.
            day, time = self.fields["pub_date"].widget.widgets
            day.attrs["aria-label"] = f"Publication day ({zone})"
            time.attrs["aria-label"] = f"Publication time ({zone})"
            self.fields["pub_date"].help_text = (
                f"Day and time in {zone}, the site's time zone. It goes public only when "
                "published or scheduled (the publish panel)."
            )

    def clean_pub_date(self):
        # The service refuses this too; asked here it is a form error, not a server error.
        pub_date = self.cleaned_data.get("pub_date")
        if self.instance.pk:
            stored = Article.objects.get(pk=self.instance.pk)
            problem = publishing.date_move_problem(stored, pub_date)
            if problem:
                raise ValidationError(problem)
        return pub_date


class NonceMediaMixin(ValidHtmlAdmin):
    """Give the editor's import map the request's CSP nonce: the policy allows no inline script."""

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = Media.from_media(context["media"], nonce=str(request.csp_nonce))
        return super().render_change_form(request, context, *args, **kwargs)


class StateFilter(admin.SimpleListFilter):
    """By the state readers and editors see now, not the stored status (a scheduled article
    whose time has come is published)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.Status.choices

    def queryset(self, request, queryset):
        state = self.value()
        if state in Article.Status.values:
            return workflow.in_state(queryset, str(state))
        return queryset


class TagFilter(admin.SimpleListFilter):
    """By tag, as Django's filter of the field offered it (same parameter), along the tag's
    kept entries (``news.listed``: one per article, with its status and date): Django's joins
    the tags and so reads the list with DISTINCT, which sorted every matching row for a page
    (250 ms at 100,000 articles on PostgreSQL); a subquery of the links still read and
    sorted each of the tag's articles, for the page, its count and each date of the date
    hierarchy (93 ms for a tag of 4,500 at a million). In the list's own order the page is
    read by walking the entries' index (ArticleChangeList)."""

    title = "tags"
    parameter_name = "tags__id__exact"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name) for pk, name in Tag.objects.order_by("name").values_list("pk", "name")
        ]

    @classmethod
    def tag_in(cls, params) -> int | None:
        """The id of the tag a list's parameters filter by; None for none (or no id)."""
        value = str(params.get(cls.parameter_name, ""))
        return int(value) if value.isdigit() else None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tag = self.tag_in(self.used_parameters)
        if tag is None:
            raise IncorrectLookupParameters(f"no tag {self.value()!r}")  # the list says so
        entry = FilteredRelation(
            "listed", condition=Q(listed__kind=ListedArticle.Kind.TAG, listed__listing=tag)
        )
        return queryset.annotate(**{TAG_ENTRY: entry}).filter(**{f"{TAG_ENTRY}__listing": tag})


@admin.register(Article)
class ArticleAdmin(NonceMediaMixin):
    form = ArticleAdminForm
    list_display = ("headline", "state", "pub_date", "section", "updated")
    list_filter = (StateFilter, "section", ("pub_date", admin.DateFieldListFilter), TagFilter)
    list_select_related = ("section",)
    # No count of the whole table, and a count of the matches that stops (desk.listing).
    show_full_result_count = False
    paginator = listing.CappedPaginator
    search_fields = ("headline", "standfirst", "body", "source_name")
    date_hierarchy = "pub_date"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("section", "tags", "authors", "lead_image")
    readonly_fields = (
        "state", "public_url", "created", "updated", "formatted_body", "lead_image_preview"
    )  # fmt: skip
    actions = ("publish_now", "unpublish")
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body")}),
        ("Date, section and people", {"fields": ("pub_date", "section", "tags", "authors")}),
        ("Lead image", {"fields": ("lead_image", "lead_image_preview", "lead_image_alt")}),
        (
            "Source and language",
            {
                "fields": ("source_name", "source_url", "canonical_url", "language"),
                "description": "For items republished from another outlet: the page shows "
                "a “Source:” line linking the original.",
            },
        ),
        ("Record", {"fields": ("public_url", "created", "updated"), "classes": ("collapse",)}),
    )

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: imports.import_view(self, request))
        run = self.admin_site.admin_view(
            lambda request, run_id: imports.run_view(self, request, run_id)
        )
        return [
            path("import/", view, name="news_article_import"),
            path("import/<int:run_id>/", run, name="news_article_import_run"),
            *autosave.urls(self),
            *body_check.urls(self),
            *workflow_pages.urls(self),
            *revisions.urls(self),
            *review_links.urls(self),
            *translation_pages.urls(self),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        """Each word in one of the four columns (``search_fields``), as Django's own search
        asks; a word of three characters or more is looked up in a trigram index
        (search.substrings) instead of read from every row, shorter ones are matched with
        ``icontains`` among what the longer ones found."""
        terms = list(listing.search_terms(search_term))
        longer = [t for t in terms if substrings.indexed(t)]
        shorter = [t for t in terms if not substrings.indexed(t)]
        plain, newest = shorter, None
        # PostgreSQL: the share of a sample holding every word, short ones too (a word of
        # two letters is in most articles: counting 10,001 of its matches read 66-106 ms of
        # bodies at a million articles).
        sampled = substrings.sampled_share(terms) if terms else None
        many = sampled is not None and sampled[0] * sampled[1] > listing.COUNT_CAP
        common = many
        if longer and not many:
            found = substrings.matching_ids(longer, listing.COUNT_CAP + 1)
            common = len(found) > listing.COUNT_CAP
            if not common:
                queryset = queryset.filter(pk__in=found)
        if common:
            # Common words, in more than 10,000 articles: the list's own walk newest first
            # meets a page of them sooner than the index could list them all, and the list
            # says "more than 10,000" without counting them when nothing else narrows it
            # (the short words do not, when the sample held all the words together).
            plain = terms
            if (many or not shorter) and set(request.GET) <= {"q", "p", "o"}:
                listing.matches_uncounted(request)
                if sampled and "o" not in request.GET:
                    # Newest first only: in another order, the newest matches are not the
                    # first ones (and the pages sorted from them left matches out).
                    newest = sampled[0]
        rows = None if newest is None else self._newest_holding(request, queryset, plain, newest)
        if rows is not None:
            # Read once, the newest articles' matches are a list of ids, as the index's are.
            found = queryset.filter(pk__in=[pk for pk, _ in rows])
            dates = [pub_date for _, pub_date in rows if pub_date is not None]
            if dates and len(dates) == len(rows):
                # Their dates' range as well, which changes nothing found: the date
                # hierarchy's seek from the oldest end then starts at theirs (PostgreSQL
                # walked from the archive's first year to the newest articles: 96 ms).
                found = found.filter(pub_date__range=(min(dates), max(dates)))
            return found, False
        for term in plain:
            queryset = queryset.filter(
                Q.create([(f"{f}__icontains", term) for f in self.search_fields], Q.OR)
            )
        return queryset, False

    def list_rows(self, cl) -> Iterator[str] | None:
        """The list's rows as Django's change list writes them (desk.listing.result_list),
        for the columns of ``list_display``; None for any other columns."""
        columns = tuple(cl.list_display)
        checkbox = columns[:1] == ("action_checkbox",)
        if columns[checkbox:] != self.list_display or list(cl.list_display_links) != ["headline"]:
            return None
        url = listing.change_url(cl)
        empty = self.get_empty_value_display()
        pub_date, updated = Article._meta.get_field("pub_date"), Article._meta.get_field("updated")

        def row(article: Article) -> str:
            box = format_html(_CHECKBOX_CELL, self.action_checkbox(article)) if checkbox else ""
            return box + format_html(
                _ROW,
                url(article.pk),
                article.headline,
                self.state(article),
                display_for_field(article.pub_date, pub_date, empty),
                article.section if article.section_id else empty,
                display_for_field(article.updated, updated, empty),
            )

        return (row(article) for article in cl.result_list)

    def _newest_holding(self, request, queryset, terms: list[str], share: float):
        """PostgreSQL's planner, which has no statistics for words in long text, read every
        body for a common word (6 s at 100,000 articles; 33 s for a third page at a million):
        the search walks the newest articles until it holds the requested page's matches
        (ids and dates), within a window of three times what the sample's share says.

        Too few matches there (the sample overrated the words): the window grows by what it
        found until it holds them or the whole list, so that no page leaves out a match the
        next page starts after. None past :data:`NEWEST_READ_MAX` articles."""
        page = request.GET.get("p", "1")
        page = int(page) if page.isdigit() and 0 < int(page) <= 1000 else 1
        wanted = page * self.list_per_page
        window = math.ceil(wanted * 3 / max(share, 0.001))
        newest = queryset.order_by("-pub_date", "-id")
        while window <= NEWEST_READ_MAX:
            rows = substrings.newest_holding(newest[:window], terms, wanted)
            if len(rows) >= wanted or not newest[window : window + 1].exists():
                return rows
            window = max(2 * window, math.ceil(wanted * 3 * window / max(len(rows), 1)))
        return None  # a deep page of a word in few articles: the planner's way, as before

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        if not isinstance(paginator, listing.CappedPaginator):
            return paginator
        if listing.uncounted(request):
            paginator.more_than_cap()
        tag = TagFilter.tag_in(request.GET)
        if tag is not None and set(request.GET) <= {TagFilter.parameter_name, "p", "o"}:
            # Nothing but the tag narrows the list: its matches are its entries, one an
            # article, counted on their index without reading an article.
            entries = ListedArticle.objects.filter(kind=ListedArticle.Kind.TAG, listing=tag)
            paginator.count_rows(entries.values("article"))
        return paginator

    def action_checkbox(self, obj):
        # Django's renders a form widget through a template for each row: a third of the
        # list's time. The same element, written out.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as readers will see it, not its HTML source.
        (name, options), *rest = fieldsets
        fields = ["formatted_body" if f == "body" else f for f in options["fields"]]
        return [(name, {**options, "fields": fields}), *rest]

    def get_actions(self, request):
        # Offered only to those whose role allows them (the services refuse the others).
        actions = super().get_actions(request)
        for name, action in (
            ("publish_now", "article.publish"),
            ("unpublish", "article.unpublish"),
        ):
            if not policy.can(request.user, action):
                actions.pop(name, None)
        return actions

    def get_changeform_initial_data(self, request):
        # The signed-in writer's own byline first: they remove it for an article without one.
        initial = super().get_changeform_initial_data(request)
        own = Author.objects.filter(user=request.user).values_list("pk", flat=True).first()
        if own is not None and "authors" not in initial:
            initial["authors"] = [str(own)]
        return initial

    # The policy narrows the groups' model permissions: a contributor holds
    # change_article to reach their drafts, and may change only those.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and policy.can(request.user, "article.create")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:  # the change list: anyone who may edit some article
            return _role_rule(request.user, "article.edit") is not False
        return policy.can(request.user, "article.edit", article=obj)

    def has_delete_permission(self, request, obj=None):
        allowed = policy.can(request.user, "article.delete", article=obj)
        return super().has_delete_permission(request, obj) and allowed

    @admin.display(description="state", ordering="status")
    def state(self, obj: Article) -> str:
        return workflow_pages.state_text(obj) if obj.pk else "Draft"

    @admin.display(description="body")
    def formatted_body(self, obj: Article) -> str:
        # Safe: the one allow-list (news.rendering) again, as the public page does.
        return mark_safe(f'<div class="formatted-body">{sanitise_html(obj.body)}</div>')  # noqa: S308

    @admin.display(description="preview")
    def lead_image_preview(self, obj: Article) -> str:
        # writing.js swaps it for the chosen image's card (data-card: where to ask).
        return format_html(
            '<div id="lead-preview" data-card="{}">{}</div>',
            media.lead_card_url_template(),
            media.lead_card(obj.lead_image if obj.pk else None),
        )

    @admin.display(description="public address")
    def public_url(self, obj: Article) -> str:
        if not obj.pk:
            return "-"
        url = obj.get_absolute_url() if obj.is_public else reverse("news:preview", args=[obj.pk])
        label = "view on site" if obj.is_public else "preview (not public yet)"
        return format_html('<a href="{}">{}</a>', url, label)

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url() if obj.is_public else reverse("news:preview", args=[obj.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["panel"] = publish_panel.panel(request, obj)
        context["returned"] = dashboard.return_note(obj) if obj is not None else None
        context["can_review_links"] = policy.can(request.user, "review_link.create")
        if self.has_change_permission(request, obj) if obj else add:
            context["autosave"] = autosave.restorable(request, obj)
            context["autosave_url"] = (
                reverse("admin:news_article_autosave", args=[obj.pk])
                if obj
                else reverse("admin:news_article_autosave_new")
            )
            context["others_here"] = autosave.others_here(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if publish_panel.VERB in request.POST:
            return publish_panel.apply(self, request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if publish_panel.VERB in request.POST:
            return publish_panel.apply(self, request, obj)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        # The form has already applied its values to obj (files included): hand those over.
        data = {k: getattr(obj, k) for k in form.cleaned_data if k in services.ARTICLE_FIELDS}
        m2m = {
            "tags": form.cleaned_data.get("tags", []),
            "authors": form.cleaned_data.get("authors", []),
        }
        if change:
            services.article_update(article=obj, acting_user=request.user, **data, **m2m)
        else:
            if not m2m["authors"] and not Author.objects.filter(user=request.user).exists():
                # A writer's first article: their byline is made and credited.
                m2m["authors"] = [services.author_for_user(acting_user=request.user)]
            data.pop("headline")
            saved = services.article_create(
                acting_user=request.user, headline=obj.headline, **data, **m2m
            )
            obj.pk, obj.slug, obj.pub_day = saved.pk, saved.slug, saved.pub_day

    def log_change(self, request, obj, message):
        desk_state.autosave_discard(acting_user=request.user, article=obj)
        return super().log_change(request, obj, message)

    def log_addition(self, request, obj, message):
        desk_state.autosave_discard(acting_user=request.user, article=None)
        return super().log_addition(request, obj, message)

    def save_related(self, request, form, formsets, change):
        # Tags and authors were saved by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.article_delete(article=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, acting_user=request.user)

    @admin.action(description="Publish selected articles now")
    def publish_now(self, request, queryset):
        self._transition_each(request, queryset, "publish", "Published")

    @admin.action(description="Unpublish selected articles (their addresses answer 410 Gone)")
    def unpublish(self, request, queryset):
        self._transition_each(request, queryset, "unpublish", "Unpublished")

    def _transition_each(self, request, queryset, verb: str, done_label: str) -> None:
        """Each article on its own: one refusal (role, state, missing alt text) is a
        message naming the article, and the others still move."""
        done = 0
        for article in queryset:
            try:
                workflow.article_transition(verb=verb, article=article, acting_user=request.user)
            except PolicyDenied as exc:
                messages.error(request, f"“{article}”: refused, {exc}.")
            except ValidationError as exc:
                messages.error(request, f"“{article}”: {' '.join(exc.messages)}")
            else:
                done += 1
        if done:
            messages.success(request, f"{done_label} {done} article(s).")


# The most articles a search for a common word reads newest first on PostgreSQL (the
# planner's own way, past it, read and sorted every article: 33 s at a million).
NEWEST_READ_MAX = 250_000

# A row of the list as Django's change list writes one for list_display (desk.listing).
_CHECKBOX_CELL = '<td class="action-checkbox">{}</td>'
_ROW = (
    '<th class="field-headline"><a href="{}">{}</a></th><td class="field-state">{}</td>'
    '<td class="field-pub_date nowrap">{}</td><td class="field-section nowrap">{}</td>'
    '<td class="field-updated nowrap">{}</td>'
)


# The join of the filtered tag's entries (TagFilter).
TAG_ENTRY = "desk_tag_entry"


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # A page of the list shows no body: a hundred of them are most of the rows' bytes.
        articles = super().get_queryset(request, exclude_parameters).defer("body")
        if TagFilter.tag_in(self.params) is not None:
            # One tag's articles: newest first by the entries' copies of the date and id (the
            # same values), so that the page, its count and the date hierarchy's seeks walk
            # the entries' index instead of reading and sorting every article of the tag.
            self.date_seek_field = f"{TAG_ENTRY}__pub_date"
            if tuple(articles.query.order_by) in (("-pub_date", "-id"), ("-pub_date", "-pk")):
                articles = articles.order_by(f"-{TAG_ENTRY}__pub_date", f"-{TAG_ENTRY}__article_id")
        return articles


def _role_rule(user, action: str):
    role = policy.role_of(user)
    return False if role is None else policy.POLICY[action][role]
