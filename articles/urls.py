from django.conf import settings
from django.urls import path

from articles import feeds, views
from newsroom.cache import cache_public

app_name = "articles"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    # A slug after the id is for people reading the link; the id alone finds the story.
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="article-detail-slug"),
    path("search/", views.search, name="search"),
    # 滚动新闻; a paper that puts the web first makes it the home page (issues:front moves to /today/).
    path("" if settings.NEWSROOM["NEWS_FRONT_HOME"] else "news/", views.news_front, name="news"),
    path("feeds/news/rss/", cache_public(feeds.NewsFeed()), name="news-feed-rss"),
    path("feeds/news/atom/", cache_public(feeds.NewsAtomFeed()), name="news-feed-atom"),
    path("feeds/rss/", cache_public(feeds.LatestStoriesFeed()), name="feed-rss"),
    path("feeds/atom/", cache_public(feeds.LatestStoriesAtomFeed()), name="feed-atom"),
    path("tags/<str:slug>/", views.tag_detail, name="tag-detail"),
    path("feeds/tags/<str:slug>/rss/", cache_public(feeds.TagFeed()), name="tag-feed-rss"),
    path("feeds/tags/<str:slug>/atom/", cache_public(feeds.TagAtomFeed()), name="tag-feed-atom"),
]
