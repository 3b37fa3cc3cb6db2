"""The starter word lists shipped with the project (data/SOURCES.md says where each comes from)."""

from pathlib import Path

from django.db import transaction

from articles.proofing.models import TermList
from articles.proofing.services import ImportReport, term_list_save, terms_import

DATA = Path(__file__).resolve().parent / "data"

# (list name, file, source)
STARTER_LISTS = [
    ("新华社禁用词和慎用词", "xinhua.csv", "《新华社新闻信息报道中的禁用词和慎用词》（2016年7月修订），见 data/SOURCES.md"),
    ("机构与职务规范表述", "institutions.csv", "机构规范简称及2018年机构改革后名称，见 data/SOURCES.md"),
    ("常见错别字", "typos.csv", "《咬文嚼字》等公开的常见错别字表，见 data/SOURCES.md"),
]


@transaction.atomic
def starter_lists_load() -> dict[str, ImportReport]:
    """Create the starter lists and import their files; run again, it adds only what is missing or changed."""
    reports = {}
    for order, (name, filename, source) in enumerate(STARTER_LISTS):
        term_list = TermList.objects.filter(name=name).first()
        if term_list is None:
            term_list = term_list_save(term_list=TermList(name=name, source=source, order=order))
        reports[name] = terms_import(term_list=term_list, data=(DATA / filename).read_bytes())
    return reports
