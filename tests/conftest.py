"""Test set-up shared by every suite. Environment first: Kivy reads it at import time."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def _own_display() -> None:
    """Under pytest-xdist each worker starts its own Xvfb, so no two processes share a screen.

    Only when the run has a display to begin with (``make test`` runs under xvfb-run); without
    one Kivy draws off-screen as before. The server goes when the worker does (workers leave
    with os._exit, so atexit is not enough: the kernel sends it SIGTERM when its parent dies)."""
    if not os.environ.get("PYTEST_XDIST_WORKER") or not os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1920x24", "+extension", "GLX",
                             "-nolisten", "tcp", "-noreset"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent)  # noqa: PLW1509 - at import, before any thread
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 16)
        if not chunk:
            raise RuntimeError(f"Xvfb for worker {os.environ['PYTEST_XDIST_WORKER']} did not start")
        number += chunk
    os.close(read_fd)
    os.environ["DISPLAY"] = ":" + number.decode().strip()
    atexit.register(xvfb.terminate)  # after Kivy's own exit handlers: they were registered later


def _die_with_parent() -> None:
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


_own_display()
_TMP = Path(tempfile.mkdtemp(prefix="kiosk-tests-"))
# central's personal-data key for every test and every central it starts (a fixed test key: never a
# file in the working tree)
os.environ.setdefault("CENTRAL_DATA_KEYS", "test:" + "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0wMTIzNDU2Nzg=")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ["KIVY_HOME"] = str(_TMP / "kivy")
os.environ.setdefault("MESA_SHADER_CACHE_DIR", str(_TMP / "mesa"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.pop("KIOSK_CONFIG", None)
for _k in [k for k in os.environ if k.startswith("KIOSK__")]:
    del os.environ[_k]

import pytest  # noqa: E402

from tests.centralfixture import MARKER as CENTRAL_MARKER  # noqa: E402
from tests.centralfixture import central_server, options_for  # noqa: E402

#: the Kivy window is one per process: tests that drive it share one xdist worker
KIOSK_APP_GROUP = "kiosk_app"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{CENTRAL_MARKER}(**options): what the central fixture sets up "
                                       "(tests/centralfixture.py)")
    config.addinivalue_line("markers", "xdist_group(name): tests of one group run in one pytest-xdist worker")


#: where the tests that drive the session's kiosk window live; the tour runs its own app in a
#: sub-process, so it may run beside them
WINDOW_TEST_DIRS = ("tests/ui/", "tests/e2e/", "tests/soak/", "tests/video/")
OWN_PROCESS_TESTS = ("tests/ui/test_tour.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadgroup`` that keeps the kiosk-window tests in one worker, in their order.

    xdist 3.8 groups by renaming each marked test's node id, which pytest 9.2's structured node
    ids no longer allow, so its ``xdist_group`` marks would silently do nothing; the group is
    decided here from the test's folder instead (the controller sees only node ids)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class KioskWindowScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(WINDOW_TEST_DIRS) and not nodeid.startswith(OWN_PROCESS_TESTS):
                return KIOSK_APP_GROUP
            return super()._split_scope(nodeid)

    return KioskWindowScheduling(config, log)


#: the longest tests, started first so that the rest of the suite runs beside them instead of after
LONG_FIRST = ("tests/ui/test_tour.py", "tests/deploy/test_update.py", "tests/deploy/test_watchdog.py", "tests/soak/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first, then the kiosk-window group (one worker runs it all), then the rest:
    the workers' queue follows this order, so the suite's wall time is not its longest test added
    to everything before it."""
    def rank(item: pytest.Item) -> int:
        nodeid = item.nodeid
        if nodeid.startswith(LONG_FIRST):
            return 0
        return 1 if nodeid.startswith(WINDOW_TEST_DIRS) else 2

    items.sort(key=rank)  # stable: each part keeps its own order


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks from where a test lives and what it uses, set as it is collected (before any
    collection_modifyitems hook, xdist's grouping among them, reads them)."""
    if Path(__file__).parent / "ui" in Path(item.path).parents:
        item.add_marker(pytest.mark.ui)
    if "browser" in item.fixturenames:
        item.add_marker(pytest.mark.browser)
    if "kiosk_app" in item.fixturenames:
        item.add_marker(pytest.mark.xdist_group(KIOSK_APP_GROUP))


# --- the kiosk's database ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def store_template(tmp_path_factory) -> Path:
    """The kiosk schema, migrated once for the session; stores are copies of it."""
    from tests.stores import migrated_template

    return migrated_template(tmp_path_factory.mktemp("store-template"))


@pytest.fixture
def store(store_template):
    """A migrated, empty in-memory kiosk database."""
    from tests.stores import memory_store

    s = memory_store(store_template)
    yield s
    s.close()


@pytest.fixture
def kiosk_store(store_template, tmp_path):
    """A migrated, empty kiosk database in a file (its folder holds the outbox key, as on a kiosk)."""
    from tests.stores import file_store

    s = file_store(store_template, tmp_path / "kiosk" / "kiosk.db")
    yield s
    s.close()


# --- the central service ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster for the whole session, or a skip saying why there is none."""
    from tests.sync.pg import PgCluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                    "scripts/ensure-system-deps installs the postgresql package")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -r requirements.lock)")
    cluster = PgCluster(bin_dir)
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()


@pytest.fixture
def central_backend() -> str:
    """The central database's engine; tests/sync parametrizes it over ``sqlite`` and ``postgresql``."""
    return "sqlite"


@pytest.fixture
def central_db_url(central_backend, request, tmp_path):
    """The database URL of a fresh, empty central database on the backend."""
    if central_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database()
    yield cluster.url(name)
    cluster.drop_database(name)


@pytest.fixture
def central(central_db_url, request, monkeypatch):
    """A real central service on loopback, set up as the ``central`` marker asks."""
    with central_server(central_db_url, options_for(request.node), monkeypatch) as c:
        yield c


@pytest.fixture(scope="module")
def module_central(request, tmp_path_factory):
    """One central service (SQLite) for a whole module, for tests that build on each other."""
    with pytest.MonkeyPatch.context() as mp:
        url = f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.db'}"
        with central_server(url, options_for(request.node), mp) as c:
            yield c


# --- the kiosk app and the browser --------------------------------------------------------------

@pytest.fixture(scope="session")
def kiosk_app():
    """The one kiosk app of the session (UI and soak tests share it: one window per process)."""
    from tests.appfixture import running_app

    yield from running_app()


@pytest.fixture
def app(kiosk_app):
    from tests.appfixture import fresh_visit

    return fresh_visit(kiosk_app)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium for the module (fake camera and microphone for the video calls)."""
    from tests.browser import CHROMIUM, chromium

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages.txt)")
    from kiosk.video.harness import CHROMIUM_ARGS

    with chromium(CHROMIUM_ARGS) as b:
        yield b
