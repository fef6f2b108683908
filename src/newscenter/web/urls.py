from django.urls import path, register_converter

from newscenter.web import converters, views

register_converter(converters.FourDigitConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "nn")

app_name = "news"

urlpatterns = [
    path("", views.ArticleIndexView.as_view(), name="index"),
    path("section/<str:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<str:slug>/", views.AuthorView.as_view(), name="author"),
    path("<yyyy:year>/<nn:month>/<nn:day>/<str:slug>/", views.article_detail, name="article"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
]
