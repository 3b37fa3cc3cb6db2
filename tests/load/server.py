"""Start the site in a child process on 127.0.0.1, and a TCP proxy to cut its database off.

Used by the load test and the database-outage test; runnable code, no test framework needed.
"""

import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 10) -> tuple[int, bytes, dict]:
    """GET a URL; HTTP errors are answers here, not exceptions."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def site_env(database_url: str, media_root: Path, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {
            # The test settings only swap the hashed static storage (no collectstatic needed).
            "DJANGO_SETTINGS_MODULE": "newsroom.settings_test",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "CACHE_URL": "locmemcache://load",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "ERROR",
            # The development server starts a thread per request: connections kept past the
            # request would pile up until PostgreSQL refuses more ("too many clients").
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


@contextmanager
def running_site(env: dict, log: Path | None = None):
    """The site under Django's threaded development server until the block ends; errors in log."""
    with tempfile.TemporaryDirectory(prefix="newsroom-site-") as folder:
        log = log or Path(folder) / "server.log"
        # free_port() lets the port go before the server binds it: under pytest-xdist another
        # process may take it in between, and then the server stops at once saying so. Try another.
        for _attempt in range(3):
            process, url = _start_site(env, log)
            if process is not None:
                break
        else:
            raise RuntimeError("The site found no free port in three tries.")
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _start_site(env: dict, log: Path) -> tuple[subprocess.Popen | None, str]:
    """Start the server on a free port and wait for its answer; no process if the port was taken."""
    port = free_port()
    # A file, not a pipe: nobody reads the server's output while it runs, and a full pipe would
    # stop the server at its next logged error.
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            cwd=BASE_DIR, env={**env, "DJANGO_DEBUG": "true"} if env.get("DEBUG_SERVER") else env,
            stdout=subprocess.DEVNULL, stderr=stderr, text=True,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(url + "/archive/", timeout=2)
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
            continue
        # Something answered: make sure it is this server and not another one on a reused port.
        time.sleep(0.2)
        if process.poll() is None:
            return process, url
        break
    else:
        process.kill()
        raise RuntimeError("The site did not answer within 30 seconds: " + log.read_text()[-2000:])
    process.wait()
    errors = log.read_text()
    if "already in use" in errors:
        return None, url
    raise RuntimeError("The site did not start: " + errors)


class TcpProxy:
    """Forwards 127.0.0.1:port to a target; stop() cuts every connection, start() reopens the port."""

    def __init__(self, target_port: int, port: int | None = None, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Like the database going away: refuse new connections and drop the open ones."""
        with self._lock:
            if self._listener is not None:
                try:
                    self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                except OSError:
                    pass
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                try:
                    sock.close()
                except OSError:
                    pass
