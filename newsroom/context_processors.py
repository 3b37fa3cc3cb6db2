from django.conf import settings


def site(request):
    """The paper's name and publisher for the masthead and footer of every page."""
    return {
        "paper_name": settings.NEWSROOM["PAPER_NAME"],
        "publisher": settings.NEWSROOM["PUBLISHER"],
    }
