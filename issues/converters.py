import datetime


class IsoDateConverter:
    """A YYYY-MM-DD path segment; an impossible date such as 2020-02-30 is a 404, not a 500."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError makes the URL not match

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else value
