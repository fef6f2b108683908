"""{% chrome %}: the header's and footer's markup, kept per edition and values by the export."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.test import RequestFactory

ENGINE = Engine(libraries={"news_site": "newscenter.web.templatetags.news_site"})
TEMPLATE = ENGINE.from_string(
    "{% load news_site %}{% chrome section %}{{ section }}/{{ counter.next }}{% endchrome %}"
)


class Counter:
    """Counts the renders of what is inside the chrome."""

    def __init__(self):
        self.count = 0

    def next(self):
        self.count += 1
        return self.count


def render(request, section, counter):
    return TEMPLATE.render(Context({"request": request, "section": section, "counter": counter}))


def test_a_page_of_the_running_site_renders_the_chrome_each_time():
    request, counter = RequestFactory().get("/news/"), Counter()
    assert [render(request, "a", counter) for _ in range(3)] == ["a/1", "a/2", "a/3"]


def test_the_export_renders_it_once_per_value_and_reuses_it():
    counter, kept = Counter(), {}
    pages = []
    for section in ["a", "b", "a", "b", "a"]:
        request = RequestFactory().get("/news/")
        request.edition_chrome = kept
        pages.append(render(request, section, counter))
    assert pages == ["a/1", "b/2", "a/1", "b/2", "a/1"]


def test_a_block_inside_the_chrome_is_refused():
    with pytest.raises(TemplateSyntaxError, match="block"):
        ENGINE.from_string(
            "{% load news_site %}{% chrome %}{% block x %}{% endblock %}{% endchrome %}"
        )
