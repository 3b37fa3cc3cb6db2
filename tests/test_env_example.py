"""`.env.example` lists every environment variable the settings read, each with a comment."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "newsroom" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def variables_read_by_settings() -> set[str]:
    """Names passed as the first argument to env.*(), env(), os.environ/os.getenv or _database()."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            function = ast.unparse(node.func)
            if not (
                function.startswith("env.")
                or function in {"env", "os.getenv", "os.environ.get", "_database"}
            ):
                continue
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and NAME.match(key.value):
            names.add(key.value)
    return names


def documented_variables() -> dict[str, str]:
    """Each VAR=value line of .env.example with the comment just above it."""
    documented, comment = {}, ""
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("#"):
            comment = line
        elif "=" in line:
            documented[line.split("=", 1)[0].strip()] = comment
        else:
            comment = ""
    return documented


def test_env_example_lists_every_variable_the_settings_read():
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "DATABASE_REPLICA_URL", "CACHE_URL", "AWS_STORAGE_BUCKET_NAME"} <= read
    missing = read - documented_variables().keys()
    assert not missing, f"Add these to .env.example with a comment: {sorted(missing)}"


def test_env_example_comments_every_variable():
    uncommented = [name for name, comment in documented_variables().items() if not comment]
    assert not uncommented, f"Explain these in .env.example: {uncommented}"


def test_env_example_lists_nothing_the_settings_ignore():
    stale = documented_variables().keys() - variables_read_by_settings() - {"PORT"}
    assert not stale, f"The settings no longer read these: {sorted(stale)}"


# --- A production configuration made of environment variables alone ---------------------------

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x7Qp2-production-like-secret-key-for-the-check-9fK3mZ0aLw5sV8tR1yU4eB6nH",
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "paper.example.cn",
    "DATABASE_URL": "postgres://newsroom:secret@db.internal:5432/newsroom",
    "DATABASE_REPLICA_URL": "postgres://newsroom:secret@replica.internal:5432/newsroom",
    "DATABASE_POOL": "true",
    "DATABASE_POOL_MAX_SIZE": "8",
    "CACHE_URL": "redis://cache.internal:6379/1",
    "DJANGO_SESSION_ENGINE": "cached_db",
    "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
    "AWS_S3_ENDPOINT_URL": "https://oss-cn-shanghai.aliyuncs.com",
    "AWS_S3_ADDRESSING_STYLE": "virtual",
}
# With DJANGO_ENV=production the security section sets HSTS, secure cookies and the SSL
# redirect: `check --deploy` has nothing left to say.
OWNED_BY_SECURITY_SECTION: set[str] = set()


def run_with_environment(code: str, **environment) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CACHE_URL", "AWS_", "NEWSROOM_"))
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_come_from_the_environment_alone():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'databases': s.DATABASES, 'cache': s.CACHES['default'], "
        "'session': s.SESSION_ENGINE, 'media': s.STORAGES['default'], 'routers': s.DATABASE_ROUTERS}, default=str))"
    )
    result = run_with_environment(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)

    primary, replica = config["databases"]["default"], config["databases"]["replica"]
    assert (primary["HOST"], replica["HOST"]) == ("db.internal", "replica.internal")
    assert primary["OPTIONS"]["pool"]["max_size"] == 8 and primary["CONN_MAX_AGE"] == 0
    assert replica["TEST"]["MIRROR"] == "default"
    assert config["routers"] == ["newsroom.routers.PrimaryReplicaRouter"]
    assert config["cache"]["BACKEND"] == "newsroom.redis_cache.RedisCache"  # Django's, one client per pool
    assert config["session"] == "django.contrib.sessions.backends.cached_db"
    assert config["media"]["BACKEND"] == "newsroom.storage.PrivateS3Storage"
    assert config["media"]["OPTIONS"]["addressing_style"] == "virtual"


def test_development_defaults_need_no_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], list(s.DATABASES), s.STORAGES['default']['BACKEND']]))"
    )
    result = run_with_environment(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.sqlite3",
        ["default"],
        "django.core.files.storage.FileSystemStorage",
    ]


def test_check_deploy_raises_nothing_about_the_deployment_settings():
    result = run_with_environment(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'ERROR'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    issues = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr + result.stdout))
    assert issues <= OWNED_BY_SECURITY_SECTION, result.stderr
