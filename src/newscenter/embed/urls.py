from django.urls import path

from newscenter.embed import views

app_name = "embed"

urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("latest.html", views.latest_fragment, name="latest-html"),
    path("latest.json", views.latest_json, name="latest-json"),
    path("latest.js", views.latest_script, name="latest-js"),
    path("article/<int:pk>/", views.article_card, name="article"),
]
