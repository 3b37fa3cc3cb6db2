"""The newsroom's roles as auth groups: one definition, read by the roles migration's test and the demo."""

REPORTER = "记者 Reporter"
EDITOR = "编辑 Editor"
CHIEF = "值班总编 Chief editor"
FINANCE = "财务 Finance"

_FILING = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_photo",
    "articles.change_photo",
    "articles.delete_photo",
    "articles.view_photo",
    "taggit.add_tag",
    "taggit.view_tag",
]
_ASSEMBLY = [
    "articles.review_article",
    "articles.correct_article",
    "articles.edit_photo_news",
    "issues.add_issue",
    "issues.change_issue",
    "issues.view_issue",
    "issues.add_page",
    "issues.change_page",
    "issues.view_page",
    # A page added by mistake would block the release: the desk removes it while the issue is open.
    "issues.delete_page",
    "issues.add_placement",
    "issues.change_placement",
    "issues.delete_placement",
    "issues.view_placement",
    "issues.add_jump",
    "issues.change_jump",
    "issues.delete_jump",
    "issues.view_jump",
    "issues.add_teaser",
    "issues.change_teaser",
    "issues.delete_teaser",
    "issues.view_teaser",
    "issues.preview_issue",
]
_DUTY = [
    "articles.approve_article",
    # 网络首发: a paper may grant it to another role (an online desk) here and in a migration.
    "articles.release_article_online",
    "articles.withdraw_article",
    "issues.sign_off_page",
    "issues.release_issue",
]

# 校对 (articles.proofing): editors read the word lists, the chief editor keeps them.
_WORD_LISTS_READ = ["proofing.view_termlist", "proofing.view_term"]
_WORD_LISTS_KEEP = [
    "proofing.add_termlist",
    "proofing.change_termlist",
    "proofing.delete_termlist",
    "proofing.add_term",
    "proofing.change_term",
    "proofing.delete_term",
]

# Contributors and credits (articles.contributors): reporters credit their stories, the desk keeps
# the contributors; finance keeps the rate tables, sees payee details and pays the month.
_CREDITS = [
    "contributors.view_contributor",
    "contributors.add_credit",
    "contributors.change_credit",
    "contributors.delete_credit",
    "contributors.view_credit",
]
_CONTRIBUTORS_KEEP = ["contributors.add_contributor", "contributors.change_contributor"]
_CONTRIBUTORS_DELETE = ["contributors.delete_contributor"]
_FINANCE = [
    "contributors.view_contributor",
    "contributors.change_contributor",
    "contributors.view_payee",
    "contributors.add_ratetable",
    "contributors.change_ratetable",
    "contributors.view_ratetable",
    "contributors.view_rateband",
    "contributors.view_statement",
    "contributors.pay_statement",
]

# 选题/派题 (articles.planning): reporters propose and see their own plans; editors plan and assign;
# the chief also keeps the standing page plans.
_PLANS_OWN = [
    "planning.add_storyplan",
    "planning.change_storyplan",
    "planning.delete_storyplan",
    "planning.view_storyplan",
    "planning.view_planningevent",
]
_PLANS_DESK = [
    "planning.plan_stories",
    "planning.add_planningevent",
    "planning.change_planningevent",
    "planning.delete_planningevent",
    "issues.view_pageplan",
    "issues.view_plannedpage",
]
_PAGE_PLANS_KEEP = [
    "issues.add_pageplan",
    "issues.change_pageplan",
    "issues.delete_pageplan",
    "issues.add_plannedpage",
    "issues.change_plannedpage",
    "issues.delete_plannedpage",
]

# Group name -> "app_label.codename" permissions. The migration that creates the groups keeps
# its own frozen copy (migrations must not change when this file does); a test checks both agree.
ROLES: dict[str, list[str]] = {
    REPORTER: _FILING + _CREDITS + _PLANS_OWN,
    EDITOR: _FILING + _ASSEMBLY + _WORD_LISTS_READ + _CREDITS + _CONTRIBUTORS_KEEP + _PLANS_OWN + _PLANS_DESK,
    CHIEF: _FILING + _ASSEMBLY + _DUTY + _WORD_LISTS_READ + _WORD_LISTS_KEEP + _CREDITS + _CONTRIBUTORS_KEEP
    + _CONTRIBUTORS_DELETE + _PLANS_OWN + _PLANS_DESK + _PAGE_PLANS_KEEP,
    FINANCE: _FINANCE,
}


def sync_roles() -> None:
    """Make the role groups match ROLES (the migration does this once; tests and the demo may again)."""
    from django.contrib.auth.models import Group, Permission

    for name, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
