"""The paper's byline conventions, both ways: credits to the printed line, a printed line to names.

Printed: staff text credits as "本报记者 左燕 马晓璇", 通讯员 as "通讯员 张三", an outside writer or a
one-off name as the bare name, photographers as "左燕 摄", then "视频 王伟" and "编辑 王静".
"""

import re
from dataclasses import dataclass, field

from articles.contributors.models import Contributor, Credit

STAFF_PREFIX = "本报记者"
CORRESPONDENT_PREFIX = "通讯员"

# Titles a byline puts before names, longest first, and what each says about the person.
TITLES = [
    ("本报记者", Contributor.Kind.STAFF),
    ("本报通讯员", Contributor.Kind.CORRESPONDENT),
    ("特约通讯员", Contributor.Kind.CORRESPONDENT),
    ("特约记者", Contributor.Kind.OUTSIDE),
    ("通讯员", Contributor.Kind.CORRESPONDENT),
    ("实习生", Contributor.Kind.STAFF),
    ("记者", Contributor.Kind.STAFF),
]
# Words after names that make them photographers (or video makers).
PHOTO_SUFFIXES = ("摄影", "摄", "图")
SEPARATORS = re.compile(r"[\s\u3000、，,/／;；:：]+")
# A signature that names no person (本报评论员, 本报编辑部): reported, never a contributor.
INSTITUTIONAL = re.compile(r"^(本报|本刊|新华社|人民日报).*(评论员|编辑部|讯)$")


@dataclass
class Name:
    """One name read from a printed byline, with its role and what its title says about the person."""

    name: str
    role: str = Credit.Role.TEXT
    kind: str | None = None


@dataclass
class Part:
    """One group of the printed line: a title before, names, a word after ("左燕 摄")."""

    before: str = ""
    credits: list = field(default_factory=list)
    after: str = ""

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.before, " ".join(c.display_name for c in self.credits), self.after) if p)


def _kind(credit: Credit) -> str:
    return credit.contributor.kind if credit.contributor is not None else Contributor.Kind.OUTSIDE


def byline_parts(credits: list[Credit]) -> list[Part]:
    """Credits, in their order, grouped into the printed line's parts."""
    parts: list[Part] = []

    def add(key_before: str, key_after: str, credit: Credit) -> None:
        if parts and parts[-1].before == key_before and parts[-1].after == key_after:
            parts[-1].credits.append(credit)
        else:
            parts.append(Part(before=key_before, credits=[credit], after=key_after))

    for role in (Credit.Role.TEXT, Credit.Role.PHOTO, Credit.Role.VIDEO, Credit.Role.EDITOR):
        for credit in credits:
            if credit.role != role:
                continue
            if role == Credit.Role.TEXT:
                kind = _kind(credit)
                before = {Contributor.Kind.STAFF: STAFF_PREFIX, Contributor.Kind.CORRESPONDENT: CORRESPONDENT_PREFIX}
                add(before.get(kind, ""), "", credit)
            elif role == Credit.Role.PHOTO:
                add("", "摄", credit)
            elif role == Credit.Role.VIDEO:
                add("视频", "", credit)
            else:
                add("编辑", "", credit)
    return parts


def byline_text(credits: list[Credit]) -> str:
    """The printed byline line of these credits."""
    return " ".join(part.text for part in byline_parts(credits))


def article_byline_parts(article) -> list[Part]:
    """The story's printed byline from its prefetched credits (no query); none when it has no credits."""
    return byline_parts(list(article.credits.all()))


def article_byline_text(article) -> str:
    """What every reader surface prints as the story's byline: its credits' line, else its typed byline."""
    credits = list(article.credits.all())
    return byline_text(credits) if credits else article.byline


def parse_byline(text: str, *, role: str = Credit.Role.TEXT) -> tuple[list[Name], list[str]]:
    """The names in a printed byline ("本报记者 左燕 通讯员 张三", "左燕 摄"), and the words that name nobody."""
    names: list[Name] = []
    skipped: list[str] = []
    kind = None
    for token in SEPARATORS.split(text.strip()):
        if not token:
            continue
        if INSTITUTIONAL.match(token):
            skipped.append(token)
            continue
        token_role = role
        for suffix in PHOTO_SUFFIXES:
            if token.endswith(suffix) and len(token) > len(suffix):
                token, token_role = token[: -len(suffix)], Credit.Role.PHOTO
                break
            if token == suffix:
                # "左燕 马晓璇 摄": the names before were photographers.
                for earlier in names:
                    if earlier.role == role:
                        earlier.role = Credit.Role.PHOTO
                token = ""
                break
        if not token:
            continue
        for title, title_kind in TITLES:
            if token.startswith(title):
                kind, token = title_kind, token[len(title):]
                break
        if token:
            names.append(Name(name=token, role=token_role, kind=kind))
    return names, skipped
