from django.utils.translation import gettext_noop

from newscenter.news import languages
from newscenter.news.models import SiteSettings

# The section title a site keeps until it names its own: shown in each page's language
# (news.models.SiteSettings.text_in); marked here so that makemessages finds it.
gettext_noop("News center")


def site(request):
    """The site's chrome (banner, section title, tagline) and the page's language for every
    template: ``page_language`` (BCP 47) and ``page_direction`` ("ltr" or "rtl")."""
    site_settings = getattr(request, "site_settings", None) or SiteSettings.load()
    language = getattr(request, "language_tag", "") or languages.canonical_tag(
        site_settings.language or "en"
    )
    site: SiteSettings | LocalSite = site_settings
    if language != languages.canonical_tag(site_settings.language or "en"):
        site = LocalSite(site_settings, language)
    return {
        "site": site,
        "page_language": language,
        "page_direction": languages.direction(language),
    }


class LocalSite:
    """The site settings as a page in another language shows them: its site name, tagline
    and section title where the settings give them in that language (``texts``)."""

    def __init__(self, settings: SiteSettings, language: str):
        self._settings = settings
        self._language = language

    def __getattr__(self, name: str):
        if name in languages.SITE_TEXTS:
            return self._settings.text_in(name, self._language)
        return getattr(self._settings, name)
