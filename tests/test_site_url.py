"""conf.site_url: every address a page gives, exactly as urljoin makes it from the base URL."""

from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from newscenter.conf import site_url, site_urls

BASES = [
    "http://localhost:8000",
    "https://news.example.com",
    "https://example.com/newsroom",  # a path in the base: an absolute path replaces it
    "HTTPS://Example.COM",
    "https://[2001:db8::1]:8443",
]
PATHS = [
    "/",
    "/news/",
    "/news/2026/12/08/a-headline/",
    "/media/images/photo%20one.jpg",
    "/news/ü-umlaut/",
    "/news/./x/",
    "/news/../x/",
    "/news/.well-known",
    "/news/x/..",
    "//cdn.example.net/x.css",
    "/x?q=1",
    "/x?",
    "/x#",
    "/x;params",
    "/x;",
    "/x ",
    "/x\t/y",
    "/x\\y",
    "/x\x00",
    "",
    "relative/path",
    "https://cdn.example.net/media/x.jpg",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("path", PATHS)
def test_site_url_is_urljoin(base, path, settings):
    settings.NEWSCENTER_BASE_URL = base
    assert site_url(path) == urljoin(base + "/", path)
    assert site_urls()(path) == urljoin(base + "/", path)  # the many addresses of one answer


@examples(max_examples=300, deadline=None)
@given(
    path=st.text(alphabet=st.sampled_from("/.a-_%?#;\\ \t\x00é:"), max_size=12).map(
        lambda text: "/" + text
    )
)
def test_any_absolute_path_is_urljoin(path):
    base = django_settings.NEWSCENTER_BASE_URL
    assert site_url(path) == urljoin(base + "/", path)
