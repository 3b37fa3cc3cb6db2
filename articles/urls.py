from django.urls import path

from articles import feeds, views

app_name = "articles"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    # A slug after the id is for people reading the link; the id alone finds the story.
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article-detail-slug"),
    path("search/", views.search, name="search"),
    path("feeds/rss/", feeds.LatestStoriesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path("feeds/tags/<str:slug>/rss/", feeds.TagFeed(), name="tag-feed-rss"),
    path("feeds/tags/<str:slug>/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
]
