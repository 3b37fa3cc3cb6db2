"""RSS and Atom feeds of the latest published stories, for the whole paper and per tag."""

import io
from functools import partial

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from articles.contributors.bylines import article_byline_text
from articles.models import (
    NEWS_FRONT_WINDOW,
    STORY_CREDITS,
    Article,
    ArticleQuerySet,
    attach_tag_lists,
    published_tag_or_404,
)
from articles.search import excerpt, quick_text
from newsroom.prepared import PreparedQuery

FEED_LENGTH = 30


def latest_published(articles: ArticleQuerySet) -> ArticleQuerySet:
    """Published stories newest first, each with the release time of the issue it first ran in."""
    # The newest stories come off the sort key's index; release times are looked up for those alone.
    return articles.published().newest_first().with_first_release()[:FEED_LENGTH]


# Compiled once per process (newsroom/prepared.py), as are the tags and credits attached to them.
LATEST = PreparedQuery(lambda: latest_published(Article.objects.all()))
LATEST_TAGGED = PreparedQuery(lambda tag: latest_published(Article.objects.filter(tags=tag)), tag=int)


def with_tags_and_credits(stories: list[Article]) -> list[Article]:
    attach_tag_lists(stories)
    STORY_CREDITS.attach(stories)
    return stories


class LatestStoriesFeed(Feed):
    """The latest published stories of the paper (RSS 2.0)."""

    language = "zh-cn"  # the paper's language, whichever language the reader chose for the site

    def title(self) -> str:
        return _("{paper}: latest stories").format(paper=settings.NEWSROOM["PAPER_NAME"])

    def link(self) -> str:
        return "/"

    def description(self) -> str:
        return _("The latest stories published by {paper}.").format(paper=settings.NEWSROOM["PAPER_NAME"])

    def items(self) -> list[Article]:
        return with_tags_and_credits(LATEST.fetch())

    def get_feed(self, obj, request):
        """The feed, filled as Django's Feed.get_feed fills it, from the fields these feeds have.

        Django's asks each of some twenty attributes of every item through introspection (most
        of them empty here): that was two-thirds of an uncached feed's time.
        """
        domain, secure = get_current_site(request).domain, request.is_secure()
        of = () if obj is None else (obj,)  # a tag's feed: its methods take the tag
        description = self.description(*of)
        feed = self.feed_type(
            title=self.title(*of),
            subtitle=description,  # Atom's; RSS has only the description
            link=add_domain(domain, self.link(*of), secure),
            description=description,
            language=self.language,
            feed_url=add_domain(domain, request.path, secure),
        )
        for item in self.items(*of):
            link = add_domain(domain, item.get_absolute_url(), secure)
            feed.add_item(
                title=self.item_title(item),
                link=link,
                description=self.item_description(item),
                unique_id=link,
                pubdate=self.item_pubdate(item),
                updateddate=self.item_updateddate(item),
                author_name=self.item_author_name(item),
                categories=self.item_categories(item),
            )
        # Django writes the XML into the response a few bytes at a time: over a thousand writes
        # a feed, each encoded and appended on its own. Written into a buffer, then once.
        feed.write = partial(_write_once, feed.write)
        return feed

    def item_title(self, item: Article) -> str:
        return item.full_headline

    def item_description(self, item: Article) -> str:
        return item.subheadline or excerpt(quick_text(item.body), (), width=200)

    def item_pubdate(self, item: Article):
        return item.released_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return article_byline_text(item)

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tag_list]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    """The latest published stories of the paper (Atom 1.0)."""

    feed_type = Atom1Feed


class TagFeed(LatestStoriesFeed):
    """The latest published stories with one tag (RSS 2.0)."""

    def get_object(self, request, slug: str) -> Tag:
        return published_tag_or_404(slug)

    def title(self, tag: Tag) -> str:
        return _("{paper}: stories tagged {tag}").format(paper=settings.NEWSROOM["PAPER_NAME"], tag=tag.name)

    def link(self, tag: Tag) -> str:
        return reverse("articles:tag-detail", args=[tag.slug])

    def description(self, tag: Tag) -> str:
        return _("The latest stories tagged {tag} published by {paper}.").format(
            tag=tag.name, paper=settings.NEWSROOM["PAPER_NAME"]
        )

    def items(self, tag: Tag) -> list[Article]:
        return with_tags_and_credits(LATEST_TAGGED.fetch(tag=tag.pk))


class TagAtomFeed(TagFeed):
    """The latest published stories with one tag (Atom 1.0)."""

    feed_type = Atom1Feed


class NewsFeed(LatestStoriesFeed):
    """滚动新闻: the stories in the order they went public, online (网络首发) or in print (RSS 2.0)."""

    def title(self) -> str:
        return _("{paper}: news as it breaks").format(paper=settings.NEWSROOM["PAPER_NAME"])

    def link(self) -> str:
        return reverse("articles:news")

    def description(self) -> str:
        return _("The stories of {paper} in the order they went public, online or in print.").format(
            paper=settings.NEWSROOM["PAPER_NAME"]
        )

    def items(self) -> list[Article]:
        since = timezone.now() - NEWS_FRONT_WINDOW
        return with_tags_and_credits(list(Article.objects.published().as_they_went_public(since=since)[:FEED_LENGTH]))


class NewsAtomFeed(NewsFeed):
    """滚动新闻 (Atom 1.0)."""

    feed_type = Atom1Feed


def _write_once(write, outfile, encoding: str) -> None:
    buffer = io.BytesIO()
    write(buffer, encoding)
    outfile.write(buffer.getvalue())
