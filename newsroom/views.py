from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language


def switch_language(request: HttpRequest, language: str) -> HttpResponseRedirect:
    """Remember the reader's language in a cookie and go back where they were.

    A plain link rather than Django's POST-only set_language: a form would need a CSRF token,
    and the token's cookie on every public page would keep shared caches (nginx, the page
    cache) from storing any of them. Choosing a language changes nothing but a preference.
    """
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        raise Http404("No such language.")
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
