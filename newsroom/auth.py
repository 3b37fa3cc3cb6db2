"""Where a login attempt came from, for django-axes' lockouts (AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest

# A request on a unix socket with no proxy header carries no address: such attempts share this
# one, so a username is still locked out after too many wrong passwords (for everyone).
UNKNOWN_ADDRESS = "0.0.0.0"


def client_ip(request: HttpRequest) -> str:
    """The client's address: behind nginx the last X-Forwarded-For entry, else REMOTE_ADDR.

    nginx appends the address it saw to whatever X-Forwarded-For the client sent
    ($proxy_add_x_forwarded_for), so only the last entry is one a client cannot write. The app
    itself sees nginx: 127.0.0.1 on a port (every reader the same), nothing on a unix socket.
    """
    if settings.NEWSROOM_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS
