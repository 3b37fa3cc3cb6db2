"""RSS and Atom feeds of the latest published stories, for the whole paper and per tag."""

import io
import time
from functools import partial

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator
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
from newsroom.fragments import cached_fragments
from newsroom.prepared import PreparedQuery

FEED_LENGTH = 30


def latest_published(articles: ArticleQuerySet) -> ArticleQuerySet:
    """Published stories newest first, each with the release time of the issue it first ran in."""
    # The newest stories come off the sort key's index; release times are looked up for those alone.
    return articles.published().newest_first().with_first_release()[:FEED_LENGTH]


# Compiled once per process (newsroom/prepared.py), as are the tags and credits attached to the
# items drawn (get_feed).
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
        return LATEST.fetch()

    def get_feed(self, obj, request):
        """The feed, its items' XML stored by their stories (newsroom.fragments), drawn on a miss.

        Django's Feed.get_feed asks each of some twenty attributes of every item through
        introspection and its writer makes over a thousand small writes a feed; an item here is
        drawn once, from the fields these feeds have, and kept under its story's tag with a name
        that holds the rest it shows: the feed's format, the site's address and the item's dates.
        """
        started = time.time()  # before the stories are read (newsroom.fragments)
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
        stories = self.items(*of)
        element = "entry" if isinstance(feed, Atom1Feed) else "item"

        def draw(indexes: list[int]) -> list[str]:
            drawn = with_tags_and_credits([stories[index] for index in indexes])
            return [self._item_xml(feed, element, item, domain, secure) for item in drawn]

        moments = [(item.released_at, item.updated_at) for item in stories]
        feed.stored_items = cached_fragments(
            [
                (
                    f"article:{item.pk}",
                    f"feed-item:{element}:{secure}:{domain}:{item.pk}:{released and released.timestamp()}:"
                    f"{updated and updated.timestamp()}",
                )
                for item, (released, updated) in zip(stories, moments, strict=True)
            ],
            draw,
            started=started,
        )
        # The channel's own date (and the response's Last-Modified) is the latest item's.
        feed.items = [{"pubdate": released, "updateddate": updated} for released, updated in moments]
        feed.write_items = partial(_write_stored_items, feed)
        # Django writes the XML into the response a few bytes at a time, each write encoded and
        # appended on its own: written into a buffer, then once.
        feed.write = partial(_write_once, feed.write)
        return feed

    def _item_xml(self, feed, element: str, item: Article, domain: str, secure: bool) -> str:
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
        fields = feed.items.pop()
        buffer = io.StringIO()
        handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
        handler.startElement(element, feed.item_attributes(fields))
        feed.add_item_elements(handler, fields)
        handler.endElement(element)
        return buffer.getvalue()

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
        return LATEST_TAGGED.fetch(tag=tag.pk)


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
        return list(Article.objects.published().as_they_went_public(since=since)[:FEED_LENGTH])


class NewsAtomFeed(NewsFeed):
    """滚动新闻 (Atom 1.0)."""

    feed_type = Atom1Feed


def _write_stored_items(feed, handler) -> None:
    for xml in feed.stored_items:
        handler.ignorableWhitespace(xml)  # written as it is: XML this module drew


def _write_once(write, outfile, encoding: str) -> None:
    buffer = io.BytesIO()
    write(buffer, encoding)
    outfile.write(buffer.getvalue())
