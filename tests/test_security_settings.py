"""Accounts and headers: check --deploy is clean in production, CSP holds, logins are throttled."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

BASE_DIR = Path(settings.BASE_DIR)


def production_env(**extra) -> dict:
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="paper.example.cn",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://paper.example.cn",
        **extra,
    )
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_the_development_key_or_debug():
    no_key = production_env()
    del no_key["DJANGO_SECRET_KEY"]
    result = manage("check", env=no_key)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
    result = manage("check", env=production_env(DJANGO_DEBUG="true"))
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_production_settings_make_cookies_secure_and_send_hsts():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "--verbosity", "0", "-c", script, env=production_env())
    assert result.stdout.split() == ["True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"], result.stderr


@pytest.mark.django_db
def test_public_pages_send_csp_and_the_other_security_headers(client):
    response = client.get(reverse("issues:archive"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no nonce needed: public pages have no inline script
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_article_form_gives_the_editor_import_map_the_csp_nonce(staff_client):
    response = staff_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    content = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in content
    assert "django_prose_editor/editor.js" in content
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'unsafe-inline'" in directives["style-src"]  # the desk only: Tiptap's injected <style>
    assert "unsafe" not in directives["script-src"]


@pytest.mark.django_db
def test_admin_login_locks_out_after_five_wrong_passwords_with_a_chinese_message(client):
    UserFactory(username="duty-editor", is_staff=True)
    url = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "duty-editor", "password": "wrong-password"})
        assert response.status_code == 200
    assert client.post(url, {"username": "duty-editor", "password": "wrong-again"}).status_code == 429
    # Locked: even the right password is refused until the cool-off ends or an admin resets it.
    response = client.post(url, {"username": "duty-editor", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def fail_logins(client, times: int, **headers) -> int:
    """Post wrong passwords for duty-editor; the status of the last attempt."""
    url = reverse("admin:login")
    for _attempt in range(times):
        status = client.post(url, {"username": "duty-editor", "password": "wrong-password"}, headers=headers).status_code
    return status


@pytest.mark.django_db
def test_behind_nginx_on_a_unix_socket_the_address_nginx_saw_is_locked_out_and_no_other(client, settings):
    """On a socket the app sees no address at all; nginx appends the one it saw to X-Forwarded-For."""
    settings.NEWSROOM_BEHIND_PROXY = True
    UserFactory(username="duty-editor", is_staff=True)
    client.defaults["REMOTE_ADDR"] = ""
    # A client cannot escape by writing its own X-Forwarded-For: nginx adds the real one last.
    attacker = {"x_forwarded_for": "1.2.3.4, 203.0.113.9"}
    assert fail_logins(client, settings.AXES_FAILURE_LIMIT, **attacker) == 429
    assert fail_logins(client, 1, x_forwarded_for="5.6.7.8, 203.0.113.9") == 429
    # The night editor at another address still gets in.
    response = client.post(
        reverse("admin:login"),
        {"username": "duty-editor", "password": "correct horse battery staple"},
        headers={"x_forwarded_for": "198.51.100.7"},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_without_a_proxy_a_written_x_forwarded_for_is_ignored(client, settings):
    settings.NEWSROOM_BEHIND_PROXY = False
    UserFactory(username="duty-editor", is_staff=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        status = fail_logins(client, 1, x_forwarded_for=f"10.0.0.{n}")
    assert status == 429  # one address (REMOTE_ADDR) whatever the header says


@pytest.mark.django_db
def test_attempts_with_no_address_at_all_still_lock_the_username(client, settings):
    settings.NEWSROOM_BEHIND_PROXY = False
    UserFactory(username="duty-editor", is_staff=True)
    client.defaults["REMOTE_ADDR"] = ""
    assert fail_logins(client, settings.AXES_FAILURE_LIMIT) == 429


@pytest.mark.django_db
def test_lockout_is_lifted_by_axes_reset_username(client):
    from django.core.management import call_command

    UserFactory(username="duty-editor", is_staff=True)
    url = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "duty-editor", "password": "wrong-password"})
    call_command("axes_reset_username", "duty-editor")
    response = client.post(url, {"username": "duty-editor", "password": "correct horse battery staple"})
    assert response.status_code == 302


@pytest.mark.parametrize("password", ["short1!", "1234567890123", "password12345", "jintanshibao"])
@pytest.mark.django_db
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="jintanshibao")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted():
    validate_password("金坛时报夜班编辑 2020 冬")


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "CONNECT", "PROPFIND", "BREW"])
def test_trace_and_methods_the_site_does_not_answer_are_405(client, method):
    for url in ("/", "/archive/", "/search/?q=x", "/api/v1/issues", "/admin/login/"):
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url)
        assert "GET" in response["Allow"]
