from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from newscenter.feeds import syndication as feeds
from newscenter.web import converters, icons, review, search, sitemaps, views

register_converter(converters.FourDigitConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "nn")
register_converter(feeds.FormatConverter, "feed_format")

app_name = "news"

urlpatterns = [
    path("", views.ArticleIndexView.as_view(), name="index"),
    path("older/<int:after>/", views.ArticleIndexView.as_view(), name="index-older"),
    path("section/<str:slug>/", views.SectionView.as_view(), name="section"),
    path(
        "section/<str:slug>/older/<int:after>/", views.SectionView.as_view(), name="section-older"
    ),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<str:slug>/older/<int:after>/", views.TagView.as_view(), name="tag-older"),
    path("author/<str:slug>/", views.AuthorView.as_view(), name="author"),
    path("author/<str:slug>/older/<int:after>/", views.AuthorView.as_view(), name="author-older"),
    path("<yyyy:year>/<nn:month>/<nn:day>/<str:slug>/", views.article_detail, name="article"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("review/<str:token>/", review.review_article, name="review"),
    path("search/", search.search_page, name="search"),
    path("manifest.webmanifest", icons.web_manifest, name="manifest"),
    path("print.css", icons.print_stylesheet, name="print-css"),
    path("icons/<int:size>.png", icons.icon_png, name="icon"),
    path("search.json", search.search_json, name="search-json"),
    path("feed/<feed_format:format>/", feeds.article_feed, name="feed"),
    path(
        "section/<str:slug>/feed/<feed_format:format>/",
        feeds.article_feed,
        {"kind": "section"},
        name="section-feed",
    ),
    path(
        "tag/<str:slug>/feed/<feed_format:format>/",
        feeds.article_feed,
        {"kind": "tag"},
        name="tag-feed",
    ),
    path(
        "author/<str:slug>/feed/<feed_format:format>/",
        feeds.article_feed,
        {"kind": "author"},
        name="author-feed",
    ),
    path(
        "sitemap.xml",
        sitemaps.sitemap_index,
        {
            "sitemaps": sitemaps.SITEMAPS,
            "sitemap_url_name": "news:sitemap-section",
            "template_name": "web/sitemaps/index.xml",
        },
        name="sitemap-index",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.NEWS_SITEMAPS, "template_name": "web/sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "web/sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
]
