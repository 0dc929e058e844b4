"""Video consultation tests: a real central on loopback, the kiosk's real aiortc peer, and a real
advisor in headless Chromium with fake camera and microphone."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import tests.appfixture  # noqa: F401 - Kivy window options before any test imports kivy
from kiosk.config import VideoConfig
from kiosk.domain.consult import ConsultListener, ConsultState
from kiosk.sync.client import CentralClient
from tests.centralfixture import ADVISOR, OTHER_POOL_ADVISOR  # noqa: F401 - the video tests' advisors
from tests.sync.centralserver import KIOSK, SECRET, STATION

#: central with both advisors; a console counts as gone after the production 20 s of silence, so
#: a browser slowed by a loaded machine is not taken for one that left (the test of an advisor
#: leaving mid-call asks for 4 s itself)
VIDEO_CENTRAL = pytest.mark.central(advisors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(VIDEO_CENTRAL)


def make_service(url: str, store, **video):  # noqa: ANN001, ANN201
    from kiosk.video.service import ConsultService

    video.setdefault("identity_required_topics", ("政策咨询", "创业指导"))
    cfg = VideoConfig(enabled=True, answer_timeout_s=video.pop("answer_timeout_s", 10.0), **video)
    return ConsultService(cfg, CentralClient(url, KIOSK, SECRET, connect_timeout_s=2), store, STATION,
                          unreachable_after_s=3.0)


@pytest.fixture
def service(central, kiosk_store):
    svc = make_service(central.url, kiosk_store)
    yield svc
    svc.stop()


class Recorder(ConsultListener):
    """Everything the kiosk side tells a screen, kept for assertions (thread-safe enough: appends)."""

    def __init__(self, view=None) -> None:  # noqa: ANN001
        self.states: list[tuple[ConsultState, dict]] = []
        self.queue: list[tuple[int, int | None]] = []
        self.stats: list[dict] = []
        self.remote = 0
        self.last_size = (0, 0)
        self.sizes: set[tuple[int, int]] = set()
        self.local = 0
        self.view = view

    def on_consult_state(self, state, detail) -> None:  # noqa: ANN001
        self.states.append((state, dict(detail)))

    def on_consult_queue(self, position, estimated_wait_s) -> None:  # noqa: ANN001
        self.queue.append((position, estimated_wait_s))

    def takes_yuv(self, local: bool = False) -> bool:
        return self.view is not None and not local and self.view.draws_yuv  # the shader path, end to end

    def on_remote_frame(self, frame) -> None:  # noqa: ANN001
        self.remote += 1
        self.last_size = (frame.width, frame.height)
        self.sizes.add(self.last_size)
        if self.view is not None:
            self.view.push(frame)

    def on_local_frame(self, frame) -> None:  # noqa: ANN001
        self.local += 1

    def on_consult_stats(self, stats) -> None:  # noqa: ANN001
        self.stats.append(stats)

    def seen(self, state: ConsultState) -> bool:
        return any(s is state for s, _ in self.states)

    @property
    def final(self) -> tuple[ConsultState, dict] | None:
        return self.states[-1] if self.states and self.states[-1][0] in (ConsultState.ENDED, ConsultState.FAILED) else None


@dataclass
class AdvisorHttp:
    """An advisor driving the console's JSON API over HTTP (for tests that need no media)."""

    base: str
    session: requests.Session
    csrf: str

    @classmethod
    def login(cls, base: str, login: str = ADVISOR[0], password: str = ADVISOR[1]) -> AdvisorHttp:
        s = requests.Session()
        r = s.post(base + "/advisor/login", data={"login": login, "password": password}, allow_redirects=False)
        assert r.status_code == 303, r.text[:200]
        page = s.get(base + "/advisor/")
        token = re.search(r'<meta name="csrf" content="([^"]+)"', page.text).group(1)
        return cls(base, s, token)

    def state(self) -> dict:
        r = self.session.get(self.base + "/advisor/api/state")
        assert r.status_code == 200
        return r.json()

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.session.post(self.base + "/advisor/api/" + path, json=body or {},
                                 headers={"X-CSRF-Token": self.csrf})


def tmpdir() -> str:
    return tempfile.mkdtemp(prefix="video-")
