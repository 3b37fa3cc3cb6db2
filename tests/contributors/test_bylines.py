import pytest

from articles.contributors.bylines import byline_text, parse_byline
from articles.contributors.models import Contributor, Credit

K, R = Contributor.Kind, Credit.Role


def credits(*specs):
    return [
        Credit(contributor=Contributor(name=name, kind=kind) if kind else None, name="" if kind else name, role=role)
        for name, kind, role in specs
    ]


@pytest.mark.parametrize(
    ("specs", "line"),
    [
        ([("左燕", K.STAFF, R.TEXT)], "本报记者 左燕"),
        ([("左燕", K.STAFF, R.TEXT), ("马晓璇", K.STAFF, R.TEXT)], "本报记者 左燕 马晓璇"),
        ([("左燕", K.STAFF, R.TEXT), ("张三", K.CORRESPONDENT, R.TEXT)], "本报记者 左燕 通讯员 张三"),
        ([("张三", K.CORRESPONDENT, R.TEXT)], "通讯员 张三"),
        ([("左燕", K.STAFF, R.PHOTO)], "左燕 摄"),
        ([("左燕", K.STAFF, R.TEXT), ("王伟", K.CORRESPONDENT, R.PHOTO)], "本报记者 左燕 王伟 摄"),
        ([("李明", None, R.TEXT)], "李明"),
        ([("李明", K.OUTSIDE, R.TEXT), ("王静", K.STAFF, R.EDITOR)], "李明 编辑 王静"),
    ],
)
def test_byline_line_follows_the_papers_conventions(specs, line):
    assert byline_text(credits(*specs)) == line


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("左燕 马晓璇", [("左燕", R.TEXT, None), ("马晓璇", R.TEXT, None)]),
        ("本报记者 左燕 通讯员 张三", [("左燕", R.TEXT, K.STAFF), ("张三", R.TEXT, K.CORRESPONDENT)]),
        ("左燕 摄", [("左燕", R.PHOTO, None)]),
        ("记者 马晓璇", [("马晓璇", R.TEXT, K.STAFF)]),
        ("左燕、马晓璇 摄", [("左燕", R.PHOTO, None), ("马晓璇", R.PHOTO, None)]),
        ("本报记者　左燕", [("左燕", R.TEXT, K.STAFF)]),  # an ideographic space, as pasted from print
        ("本报评论员", []),
    ],
)
def test_printed_bylines_are_read_into_names(text, names):
    found, _skipped = parse_byline(text)
    assert [(n.name, n.role, n.kind) for n in found] == names
