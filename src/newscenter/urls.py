from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from newscenter.analytics import views as analytics
from newscenter.api.api import api, docs_view
from newscenter.embed.oembed import oembed
from newscenter.web import icons, robots, views
from newscenter.web.languages import site_language_patterns

# admin.site is desk.site.NewsroomAdminSite (titles, and the second factor).
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="news:index", permanent=False)),
    path("accounts/", include("newscenter.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/docs", docs_view, name="api-docs"),
    path("api/v1/", api.urls),
    path("embed/", include("newscenter.embed.urls")),
    path("oembed", oembed, name="oembed"),
    path("robots.txt", robots.robots_txt, name="robots"),
    path("favicon.ico", icons.favicon_ico, name="favicon"),
    path("apple-touch-icon.png", icons.touch_icon, name="touch-icon"),
    path("analytics/count", analytics.count, name="analytics-count"),
]
# /news/ in the site's default language, /de/news/, /zh-hans/news/ ... in the others.
urlpatterns += site_language_patterns(path("news/", include("newscenter.web.urls")))

if settings.MEDIA_URL.startswith("/"):
    # Media served by the app itself (one machine); with object storage MEDIA_URL is absolute.
    urlpatterns += [views.media_urlpattern()]

handler404 = "newscenter.web.views.page_not_found"
handler500 = "newscenter.web.views.server_error"
