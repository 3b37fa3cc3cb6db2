"""`.env.example` lists every environment variable the settings read, each with a comment."""

import ast
import re
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
