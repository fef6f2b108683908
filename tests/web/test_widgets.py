"""The widgets written in Python (web.widgets) give what Django's widget templates give."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils.safestring import mark_safe

from newscenter.news import services
from newscenter.news.models import Section
from newscenter.news.policy import SYSTEM
from newscenter.web.search import SearchForm
from newscenter.web.widgets import WIDGETS_WRITTEN

pytestmark = pytest.mark.django_db


class _Every(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput({"placeholder": 'a "b" <c>'}))
    number = forms.IntegerField(required=False, min_value=1)
    hidden = forms.IntegerField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))
    mail = forms.EmailField(required=False, widget=forms.EmailInput({"required": True}))
    flag = forms.CharField(required=False, widget=forms.TextInput({"disabled": False}))
    safe = forms.CharField(required=False, initial=mark_safe("<b>kept</b>"))
    choice = forms.ChoiceField(
        required=False,
        choices=[("", "None"), ("a", "A & B"), ("Group <1>", [("g1", "G1"), ("g2", "<G2>")])],
    )
    section = forms.ModelChoiceField(
        Section.objects.all(), to_field_name="slug", required=False, empty_label="All"
    )


def _rendered(form: forms.Form) -> list[str]:
    return [str(field) for field in form]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"text": '"quoted" & <tagged>', "number": "0", "hidden": "x", "day": "2026-02-30",
         "mail": "nope", "choice": "g2", "section": "plants"},
        {"text": "", "number": "", "day": "", "choice": "zz", "section": "nope"},
        {"number": "7", "day": "2026-03-02", "choice": "a", "section": "fairs & <shows>"},
    ],
)  # fmt: skip
def test_written_widgets_are_the_templates_html(data):
    services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    services.section_get_or_create(name="Fairs & <shows>", acting_user=SYSTEM)
    templated = _Every(data, initial={"day": dt.date(2026, 3, 2)}, renderer=get_default_renderer())
    written = _Every(data, initial={"day": dt.date(2026, 3, 2)}, renderer=WIDGETS_WRITTEN)
    if data is not None:
        assert templated.is_valid() == written.is_valid()
    assert _rendered(written) == _rendered(templated)
    assert str(written.errors) == str(templated.errors)  # the error list's own template


def test_the_search_form_writes_its_widgets():
    services.section_get_or_create(name="Plants", acting_user=SYSTEM)
    data = {"q": "valve", "section": "plants", "date_from": "2026-01-01", "date_to": "bad",
            "sort": "date"}  # fmt: skip
    form = SearchForm(data)
    assert form.renderer is WIDGETS_WRITTEN
    assert _rendered(form) == _rendered(SearchForm(data, renderer=get_default_renderer()))
    select = str(form["section"])
    assert '<option value="plants" selected>Plants</option>' in select
