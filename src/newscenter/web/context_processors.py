from newscenter.news.models import SiteSettings


def site(request):
    """The site's chrome (banner, section title, tagline) for every template."""
    site_settings = getattr(request, "site_settings", None) or SiteSettings.load()
    return {"site": site_settings}
