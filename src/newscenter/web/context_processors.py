from newscenter.news import languages
from newscenter.news.models import SiteSettings


def site(request):
    """The site's chrome (banner, section title, tagline) and the page's language for every
    template: ``page_language`` (BCP 47) and ``page_direction`` ("ltr" or "rtl")."""
    site_settings = getattr(request, "site_settings", None) or SiteSettings.load()
    language = getattr(request, "language_tag", "") or languages.canonical_tag(
        site_settings.language or "en"
    )
    return {
        "site": site_settings,
        "page_language": language,
        "page_direction": languages.direction(language),
    }
