"""How the newsroom names a person: the desk's screens, the reader's 责任编辑 line, a plan's byline."""


def person_name(user) -> str:
    """Their name, else their login; "—" for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
