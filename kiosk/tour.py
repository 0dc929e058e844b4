"""The screens tour: walks every screen with simulated touches and saves a PNG of each.

Runs inside the real app, in portrait (1080x1920) and then landscape (1920x1080). Beside the
pictures it writes ``tour.json``: for each shot, the screen, any character the font has no
glyph for, any touch target smaller than the current ``TOUCH_MIN`` (140 px in 长辈模式), and any
text below 4.5:1 contrast against what is behind it on the picture. Exit code 1 if a shot has
any of these problems, so the tour doubles as a check.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk import pictograms, theme
from kiosk.domain import i18n
from kiosk.domain.calls import Call
from kiosk.domain.identity import check_char
from kiosk.fonts import missing_glyphs
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.touch import SimulatedTouch, tap

log = logging.getLogger(__name__)

#: made-up residents (valid check digits) for the tour's logins, one per orientation, since a
#: resident may take only one ticket per service a day
DEMO_ID_FIRST17 = {"portrait": "12010119560315002", "landscape": "12010119610722004"}
ORIENTATIONS = (("portrait", (1080, 1920)), ("landscape", (1920, 1080)))
STEP_TIMEOUT_S = 20.0


def opening_time() -> datetime:
    """10:00 in Beijing on the next weekday (UTC), when every demo service is open."""
    from kiosk.domain.queue_rules import STATION_TZ

    day = datetime.now(STATION_TZ).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=STATION_TZ).astimezone(UTC)


def visible_widgets(root: Widget) -> Iterator[Widget]:
    """Widgets on screen: skips hidden (opacity 0), disabled-and-hidden and zero-sized subtrees."""
    stack = [root]
    while stack:
        w = stack.pop()
        if w.opacity == 0 or w.width <= 1 or w.height <= 1:
            continue
        yield w
        stack.extend(w.children)


def _name(w: Widget) -> str:
    text = getattr(w, "text", "") or getattr(w, "title", "")
    return f"{type(w).__name__} {text[:14]!r}" if text else type(w).__name__


def _laid_out_size(w: Label) -> tuple[float, float]:
    """The size the label's text needs. A label whose text box is its own size (``text_size:
    self.size``) drops the lines that do not fit and its texture is the box, so its text is laid
    out again here with the height left free."""
    if w.text_size[0] is None or w.text_size[1] is None or w._label is None:
        return tuple(w.texture_size)
    free = type(w._label)(**{**w._label.options, "text_size": (w.text_size[0], None)})
    free.refresh()
    return w.texture_size[0], free.texture.height


def clipped(root: Widget) -> list[str]:
    """Text taller or wider than its label, and widgets sticking out of the layout that places
    them (a row whose content outgrew it, drawn over its neighbours). Scrolling content and
    free-floating layers are not layouts of this kind."""
    from kivy.uix.floatlayout import FloatLayout
    from kivy.uix.relativelayout import RelativeLayout
    from kivy.uix.scrollview import ScrollView

    found: list[str] = []
    for w in visible_widgets(root):
        if isinstance(w, Label) and w.text.strip() and not w.shorten and not w.max_lines and w.texture is not None:
            tw, th = _laid_out_size(w)
            if th > w.height + 3 or tw > w.width + 3:
                found.append(f"{_name(w)} text {int(tw)}x{int(th)} in {int(w.width)}x{int(w.height)}")
        p = w.parent
        free = isinstance(p, FloatLayout) and not isinstance(p, RelativeLayout)
        if not isinstance(p, Widget) or isinstance(p, ScrollView) or free:
            continue
        ox, oy = (0, 0) if isinstance(p, RelativeLayout) else p.pos
        if (w.x < ox - 3 or w.y < oy - 3 or w.right > ox + p.width + 3 or w.top > oy + p.height + 3) \
                and p.width > 1 and p.height > 1:
            found.append(f"{_name(w)} {int(w.width)}x{int(w.height)} at {int(w.x - ox)},{int(w.y - oy)} "
                         f"outside {_name(p)} {int(p.width)}x{int(p.height)}")
    return found


def audit(root: Widget, font_path: str) -> dict:
    """Missing glyphs, undersized touch targets and clipped parts among the visible widgets under ``root``."""
    missing: set[str] = set()
    small: list[str] = []
    texts: list[str] = []
    pictures = 0
    for w in visible_widgets(root):
        if isinstance(w, Label) and w.text:
            icons = pictograms.font_path()
            if w.font_name == pictograms.FONT_NAME and icons is not None:
                missing |= missing_glyphs(w.text, str(icons))  # a pictogram, in the icon font
                pictures += 1
                continue
            texts.append(w.text)
            missing |= missing_glyphs(w.text, font_path)
        if isinstance(w, ButtonBehavior) and not w.disabled and min(w.width, w.height) < LOOK.TOUCH_MIN:
            label = getattr(w, "text", "") or getattr(w, "title", "") or type(w).__name__
            small.append(f"{label} ({int(w.width)}x{int(w.height)})")
    return {"missing_glyphs": sorted(missing), "small_targets": small, "texts": texts, "clipped": clipped(root),
            "pictograms": pictures}


#: WCAG 2.1 AA for body text (GB/T 37668 follows it)
MIN_CONTRAST = 4.5


def low_contrast(root: Widget, png: Path) -> list[str]:
    """Visible labels whose text colour is below ``MIN_CONTRAST`` against what is really behind
    them on the picture: the most common colour, not the text's, where the label draws its text.
    A label another widget covers (a toast, the call banner, a panel over a list) is left out:
    too little of its ink shows on the picture."""
    from PIL import Image

    from kiosk.widgets.call_banner import CallBanner
    from kiosk.widgets.common import Toast

    img = Image.open(png).convert("RGB")
    scale = img.width / max(1, Window.width)
    found: list[str] = []
    layers = [w for w in visible_widgets(root) if isinstance(w, Toast | CallBanner)]
    covers = [(*o.to_window(o.x, o.y), o.width, o.height) for o in layers]
    for w in visible_widgets(root):
        if not isinstance(w, Label) or not w.text.strip() or w.markup or w.disabled or w.color[3] < 1:
            continue
        if any(o in layers for o in _ancestors(w)):
            pass  # the toast's own words are checked
        elif any(_overlap((*w.to_window(w.x, w.y), w.width, w.height), c) for c in covers):
            continue  # under a toast or the call banner, drawn over it for a moment
        if w.texture is None or any(p.opacity < 1 for p in _ancestors(w)):
            continue  # not drawn yet, or fading in or out (a toast, a transition)
        tw, th = w.texture_size
        x, y = w.to_window(int(w.center_x - tw / 2), int(w.center_y - th / 2))
        if not _inside_viewports(w, x, y, tw, th):
            continue  # scrolled out of sight
        box = (int(x * scale), int((Window.height - y - th) * scale), int((x + tw) * scale),
               int((Window.height - y) * scale))
        box = (max(0, box[0]), max(0, box[1]), min(img.width, box[2]), min(img.height, box[3]))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        text = tuple(round(c * 255) for c in w.color[:3])
        # a bound of the crop's own size: PIL sizes its table by maxcolors, not by the picture
        colours = img.crop(box).getcolors(maxcolors=(box[2] - box[0]) * (box[3] - box[1])) or []
        total = sum(n for n, _c in colours)

        def near(c: tuple, ref: tuple = text) -> bool:
            return sum(abs(a - b) for a, b in zip(c, ref, strict=True)) <= 60

        alpha = bytes(w.texture.pixels[3::4])
        ink = len(alpha.translate(None, bytes(range(201)))) / max(1, len(alpha))  # the share of alpha > 200
        shown = sum(n for n, c in colours if near(c)) / max(1, total)
        if ink == 0 or shown < 0.3 * ink:
            continue  # covered by something drawn over it
        behind = max(((n, c) for n, c in colours if not near(c)), default=(0, None))[1]
        if behind is None:
            continue
        ratio = theme.contrast(tuple(v / 255 for v in text), tuple(v / 255 for v in behind))
        if ratio < MIN_CONTRAST:
            found.append(f"{w.text[:16]!r} {ratio:.2f}:1 (text {text} on {behind})")
    return found


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _inside_viewports(w: Widget, x: float, y: float, width: float, height: float) -> bool:
    from kivy.uix.scrollview import ScrollView

    for p in _ancestors(w.parent):
        if isinstance(p, ScrollView):
            px, py = p.parent.to_window(*p.pos)  # its own to_window adds the scroll offset
            if x < px - 1 or y < py - 1 or x + width > px + p.width + 1 or y + height > py + p.height + 1:
                return False
    return True


def _ancestors(w: Widget) -> Iterator[Widget]:
    while w is not None:
        yield w
        w = w.parent if w.parent is not w else None


class Tour:
    def __init__(self, app, out_dir: Path, elder: bool = False, lang: str = "zh") -> None:
        self.app = app
        #: every visit in 长辈模式 (started from the attract screen's switch)
        self.elder = elder
        #: every visit in this language (English: started from the attract screen's English)
        self.lang = lang
        self.out = out_dir
        self.out.mkdir(parents=True, exist_ok=True)
        self.shots: list[dict] = []
        self.exit_code = 0
        self._script = self.script()
        self._wait: Callable[[], bool] | None = None
        self._deadline = 0.0
        self._fading_since = 0.0
        self._resume_at = 0.0

    def start(self) -> None:
        Clock.schedule_interval(self._step, 0)

    # -- driver ------------------------------------------------------------------------------
    def _step(self, _dt: float) -> bool | None:
        now = Clock.get_boottime()
        if now < self._resume_at:
            return None
        if self.app.manager.transition.is_active:
            # a screen is fading in and takes no touches yet (slow frames on a busy machine)
            self._fading_since = self._fading_since or now
            if now - self._fading_since < STEP_TIMEOUT_S:
                return None
        self._fading_since = 0.0
        if self._wait is not None:
            if not self._wait():
                if now > self._deadline:
                    log.error("tour: a step did not complete within %.0f s (on %s, %d jobs pending)",
                              STEP_TIMEOUT_S, self.app.nav.current, self.app.background.pending)
                    self.shot("timeout")
                    self.exit_code = 1
                    self._finish()
                    return False
                return None
            self._wait = None
        try:
            cmd = next(self._script)
        except StopIteration:
            self._finish()
            return False
        except Exception:
            log.exception("tour failed")
            self.exit_code = 1
            self._finish()
            return False
        if callable(cmd):
            self._wait = cmd
            self._deadline = now + STEP_TIMEOUT_S
        else:
            self._resume_at = now + float(cmd)
        return None

    def _finish(self) -> None:
        (self.out / "tour.json").write_text(json.dumps(self.shots, ensure_ascii=False, indent=2))
        for s in self.shots:
            if s["missing_glyphs"] or s["small_targets"] or s["low_contrast"] or s["clipped"]:
                log.error("tour: %s has problems: glyphs %s targets %s contrast %s clipped %s", s["file"],
                          s["missing_glyphs"], s["small_targets"], s["low_contrast"], s["clipped"])
                self.exit_code = 1
        print(f"tour: {len(self.shots)} screenshots in {self.out}")
        self.app.stop()

    def shot(self, name: str) -> None:
        path = self.out / f"{name}.png"
        real = Window.screenshot(name=str(path))
        if real and real != str(path):
            os.replace(real, path)
        top = self.app.root_window.children[0]
        report = audit(top, str(self.app.fonts.regular))
        report.update(file=path.name, screen=self.app.manager.current, size=list(Window.size),
                      low_contrast=low_contrast(top, path))
        report.pop("texts")
        self.shots.append(report)

    # -- the walk ------------------------------------------------------------------------------
    def start_visit(self) -> None:
        attract = self.app.screen("attract")
        tap(attract.ids.elder if self.elder else (attract.ids.english if self.lang == "en" else attract.ids.start))

    def open_tile(self, key: str) -> Iterator[float | Callable[[], bool]]:
        """Tap a home tile; in 长辈模式 through 更多服务 when it is not one of the four."""
        home = self.app.screen("home")
        if not home.shown(key):
            tap(home.ids.more)
            yield lambda: home.shown(key)
            yield 0.3
        tap(home.tile(key))

    def next_visit(self) -> Iterator[float | Callable[[], bool]]:
        """End the visit, wait for the attract screen, and start a new visit on the home screen."""
        app, nav = self.app, self.app.nav
        app.end_visit()
        yield lambda: nav.current == "attract"
        yield 0.5
        self.start_visit()
        yield lambda: nav.current == "home"
        yield 0.3

    def fairs_and_catalogue(self, orient: str) -> Iterator[float | Callable[[], bool]]:
        """招聘会 (list, empty list, detail, printed) and 政策与服务 (list, search, guide, printed)."""
        from kiosk.screens.job_fairs import EMPTY

        app, nav, bg = self.app, self.app.nav, self.app.background
        fairs = app.screen("job_fairs")
        yield from self.open_tile("fairs")
        yield lambda: nav.current == "job_fairs" and bool(fairs.ids.rv.data) and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-03o-job-fairs")
        yield from self.open_top_row_and_print(fairs, "job_fair_detail", f"{orient}-03p-job-fair-detail",
                                               f"{orient}-03q-job-fair-printed")
        # the empty state: every fair is over two months from now
        clock = app.services.queue.clock
        app.services.queue.clock = lambda: clock() + timedelta(days=60)
        nav.back()
        yield lambda: nav.current == "job_fairs"
        fairs.reset()
        fairs.activate()
        yield lambda: fairs.summary == EMPTY and bg.pending == 0
        yield 0.4
        self.shot(f"{orient}-03o2-job-fairs-empty")
        app.services.queue.clock = clock
        fairs.reset()
        nav.go("home", clear_history=True)
        yield lambda: nav.current == "home"
        yield 0.3

        policy = app.screen("policy_list")
        yield from self.open_tile("policy")
        yield lambda: nav.current == "policy_list" and bool(policy.ids.rv.data) and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-03r-policy-list")
        tap(policy.ids.search_box)
        yield 0.3
        for ch in "sy":
            tap(policy.ids.keyboard.key(ch))
            yield 0.1
        yield lambda: policy.query_text == "sy" and "找到" in policy.summary and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-03s-policy-search")
        tap(policy.ids.keyboard_done)
        yield 0.3
        yield from self.open_top_row_and_print(policy, "policy_detail", f"{orient}-03t-policy-detail",
                                               f"{orient}-03u-policy-printed")
        nav.go("home", clear_history=True)
        yield lambda: nav.current == "home"
        yield from self.open_tile("employer")
        yield lambda: nav.current == "employer" and bool(app.screen("employer").qr_data)
        yield 0.5
        self.shot(f"{orient}-03w-employer-qr")
        yield from self.next_visit()

    def open_top_row_and_print(self, listing, detail_name: str, detail_shot: str,
                               printed_shot: str) -> Iterator[float | Callable[[], bool]]:
        """A list's top row → its printable detail page → printed, the page scrolled to its QR."""
        nav, bg = self.app.nav, self.app.background
        tap(max(listing.ids.rv.layout_manager.children, key=lambda w: w.y))
        detail = self.app.screen(detail_name)
        yield lambda: nav.current == detail_name and detail.item is not None
        yield 0.5
        self.shot(detail_shot)
        tap(detail.ids.print_button)
        yield lambda: detail.print_status == i18n._(detail.printed_text) and bg.pending == 0
        yield 0.3
        detail.ids.scroll.scroll_y = 0
        yield 0.5
        self.shot(printed_shot)

    def search_words(self, listing, orient: str) -> Iterator[float | Callable[[], bool]]:  # noqa: ANN001
        """Residents' words (baomu → 家政服务员、育婴员) and a search that finds nothing; leaves "bj" typed."""
        bg = self.app.background

        def typed(letters: str) -> Iterator[float | Callable[[], bool]]:
            while listing.ids.keyboard.value:
                tap(listing.ids.keyboard.key("删除"))
            for ch in letters:
                tap(listing.ids.keyboard.key(ch))
            yield lambda: (listing.query_text == letters and not listing._trigger.is_triggered
                           and not listing.loading and bg.pending == 0)
            yield 0.5

        yield from typed("baomu")
        self.shot(f"{orient}-04c2-search-residents-words")
        yield from typed("baojjjie")
        yield lambda: listing.empty and bool(listing.ids.suggestions.children)
        yield 0.3
        self.shot(f"{orient}-04c3-search-nothing-found")
        yield from typed("bj")

    def search_groups(self, listing, orient: str) -> Iterator[float | Callable[[], bool]]:  # noqa: ANN001
        """按类别: the tiles with their counts, then one group listed; leaves no group chosen."""
        bg = self.app.background
        tap(listing.group_chip)
        yield lambda: listing.browse_open and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-04e-search-groups")
        tap(listing._tiles["家政服务"])
        yield lambda: listing.group == "家政服务" and not listing.loading and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-04f-search-group-list")
        listing.choose_group("家政服务")
        yield lambda: listing.group == "" and not listing.loading and bg.pending == 0

    def search_day_jobs(self, listing, orient: str) -> Iterator[float | Callable[[], bool]]:  # noqa: ANN001
        """零工: the day jobs city-wide, then tomorrow's, one in full; leaves "bj" typed again."""
        app, bg = self.app, self.app.background
        typed = listing.ids.keyboard.value
        listing.ids.keyboard.value = ""
        tap(listing.day_chip)
        yield lambda: listing.day_jobs and not listing._trigger.is_triggered and not listing.loading and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-04g-search-day-jobs")
        tap(listing.ids.day_tomorrow)
        yield lambda: not listing.loading and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-04h-search-day-jobs-tomorrow")
        if listing.ids.rv.data:
            detail = app.screen("vacancy_detail")
            listing.open_vacancy(listing.ids.rv.data[0]["vacancy_id"])
            yield lambda: app.nav.current == "vacancy_detail" and detail.vacancy is not None
            yield 0.5
            self.shot(f"{orient}-04i-day-job-detail")
            detail.back()
            yield lambda: app.nav.current == "vacancy_list"
        tap(listing.day_chip)
        listing.ids.keyboard.value = typed
        yield lambda: (not listing.day_jobs and listing.query_text == typed and not listing._trigger.is_triggered
                       and not listing.loading and bg.pending == 0)
        yield 0.3

    def home_service(self, orient: str) -> Iterator[float | Callable[[], bool]]:
        """上门·代办: a home visit by a resident under 60 (who declares a group), a proxy request
        with its documents, the one-open-request page, 我的申请 and a scanned confirmation."""
        from kiosk.domain.identity import Resident

        app, nav, bg = self.app, self.app.nav, self.app.background
        yield from self.open_tile("home_service")
        hs = app.screen("home_service")
        yield lambda: nav.current == "home_service" and hs.page == "menu"
        yield 0.3
        self.shot(f"{orient}-12a-home-service-menu")
        first17 = {"portrait": "12010119880512003", "landscape": "12010119920304005"}[orient]
        app.visits.set_identity(Resident(first17 + check_char(first17), datetime(int(first17[6:10]), 1, 1).date()))
        tap(hs.choice("上门服务"))
        yield lambda: hs.page == "eligibility" and bg.pending == 0
        yield 0.3
        self.shot(f"{orient}-12b-home-service-eligibility")
        tap(hs.choice("行动不便"))
        yield 0.4
        self.shot(f"{orient}-12c-home-service-street")
        tap(hs.choice(app.kiosk_config.station.street))
        yield 0.3
        for digit in "12":
            tap(next(k for k in hs.ids.keypad.children if k.text == digit))
        tap(hs.ids.field_unit)
        tap(next(k for k in hs.ids.keypad.children if k.text == "3"))
        tap(hs.ids.field_room)
        for digit in "502":
            tap(next(k for k in hs.ids.keypad.children if k.text == digit))
        yield 0.3
        self.shot(f"{orient}-12d-home-service-address")
        tap(hs.ids.next)
        yield 0.3
        self.shot(f"{orient}-12e-home-service-window")
        tap(list(reversed(hs.ids.choices.children))[1])
        yield 0.3
        self.shot(f"{orient}-12f-home-service-reason")
        tap(hs.choice("职业指导"))
        yield 0.3
        for digit in "13712345678":
            tap(next(k for k in hs.ids.keypad.children if k.text == digit))
        yield 0.3
        self.shot(f"{orient}-12g-home-service-phone")
        tap(hs.ids.next)
        yield 0.3
        self.shot(f"{orient}-12h-home-service-consent")
        tap(hs.ids.next)
        yield 0.2
        yield lambda: hs.page == "done" and bg.pending == 0
        yield 0.5
        tap(next(b for b in hs.ids.rating.ids.buttons.children if b.score == 4))
        yield 0.3
        self.shot(f"{orient}-12i-home-service-done")
        # a proxy request: its documents page
        nav.go("home_service", kind="proxy")
        yield lambda: hs.page == "street" and bg.pending == 0
        yield 0.2
        tap(hs.choice(app.kiosk_config.station.street))
        yield 0.2
        for digit in "7":
            tap(next(k for k in hs.ids.keypad.children if k.text == digit))
        tap(hs.ids.field_room)
        for digit in "101":
            tap(next(k for k in hs.ids.keypad.children if k.text == digit))
        tap(hs.ids.next)
        yield 0.2
        tap(list(reversed(hs.ids.choices.children))[2])
        yield 0.2
        tap(hs.choice("代办失业保险金申领"))
        yield 0.3
        self.shot(f"{orient}-12j-proxy-documents")
        # asking again for a home visit shows the open one
        nav.go("home_service", kind="home_visit")
        yield lambda: hs.page == "existing" and bg.pending == 0
        yield 0.3
        self.shot(f"{orient}-12k-home-service-already-open")
        tap(hs.choice("查看我的申请"))
        yield 0.2
        yield lambda: hs.page == "mine" and bool(hs.ids.cards.children) and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-12l-my-requests")
        reference = hs.views[0].reference
        yield from self.next_visit()
        nav.go("home_service", reference=reference)
        yield lambda: hs.page == "status" and bool(hs.ids.cards.children) and bg.pending == 0
        yield 0.5
        self.shot(f"{orient}-12m-request-status-scanned")

    def script(self) -> Iterator[float | Callable[[], bool]]:
        app = self.app
        nav = app.nav
        bg = app.background
        for orient, size in ORIENTATIONS:
            Window.size = size
            yield 1.0
            app.end_visit()
            yield lambda: nav.current == "attract"
            yield 1.0
            self.shot(f"{orient}-01-attract")

            self.start_visit()
            yield lambda: nav.current == "home" and bg.pending == 0
            yield 0.3
            self.shot(f"{orient}-02-home")
            if self.elder:
                home = app.screen("home")
                tap(home.ids.more)
                yield lambda: home.show_all
                yield 0.3
                self.shot(f"{orient}-02b-home-more")
                tap(home.ids.more)
                yield lambda: not home.show_all
                yield 0.3


            # the queue as it looks in opening hours, whatever the time of the tour
            app.services.queue.clock = lambda: opening_time()
            yield from self.open_tile("queue")
            queue = app.screen("queue_services")
            yield lambda: nav.current == "queue_services" and bool(queue.ids.rows.children)
            yield 0.4
            self.shot(f"{orient}-03a-queue-services")
            tap(queue.row("policy_consultation"))
            ticket = app.screen("queue_ticket")
            yield lambda: nav.current == "queue_ticket" and ticket.ticket is not None
            yield 0.4
            self.shot(f"{orient}-03b-queue-ticket")
            tap(ticket.ids.more)
            yield lambda: nav.current == "home"
            yield 0.3
            sim = getattr(app, "printer_simulator", None)
            if sim is not None:  # the printer out of paper: the screen is the ticket
                sim.faults.add("paper_out")
                yield from self.open_tile("queue")
                yield lambda: nav.current == "queue_services" and bool(queue.ids.rows.children)
                yield 0.3
                tap(queue.row("career_guidance"))
                yield lambda: nav.current == "queue_ticket" and ticket.print_failed
                yield 0.4
                self.shot(f"{orient}-03b2-queue-ticket-on-screen")
                sim.faults.discard("paper_out")
                tap(ticket.ids.more)
                yield lambda: nav.current == "home"
                yield 0.3

            yield from self.open_tile("queue")
            yield lambda: nav.current == "queue_services" and len(queue.ids.rows.children) == 7
            yield 0.5
            tap(queue.row("job_registration"))
            login = app.screen("login")
            yield lambda: nav.current == "login"
            yield 0.4
            self.shot(f"{orient}-03d-login")
            number = DEMO_ID_FIRST17[orient] + check_char(DEMO_ID_FIRST17[orient])
            for digit in number:
                tap(next(k for k in login.ids.keypad.children if k.text == digit))
                yield 0.02
            yield 0.3
            self.shot(f"{orient}-03e-login-typed")
            tap(login.ids.ok)
            yield lambda: nav.current == "queue_ticket" and ticket.ticket is not None
            yield 0.5
            self.shot(f"{orient}-03f-ticket-logged-in")
            # registration with the same resident, then 为你推荐
            tap(ticket.ids.more)
            yield lambda: nav.current == "home"
            yield 0.3
            yield from self.open_tile("registration")
            reg = app.screen("registration")
            yield lambda: nav.current == "registration" and bool(reg.ids.options.children)
            yield 0.4
            self.shot(f"{orient}-03g-registration-question")
            for choice in (("失业，正在找工作",), ("保洁", "养老护理"), ("和平区",), ("3000-5000元",),
                           ("养老护理",), ("以上都不是",)):
                for text in choice:
                    tap(next(c for c in reg.ids.options.children if c.text == text))
                yield 0.1
                tap(reg.ids.next)
                yield 0.3
            for digit in "13812345678":
                tap(next(k for k in reg.ids.phone.children if k.text == digit))
            yield 0.1
            tap(reg.ids.next)
            yield 0.4
            self.shot(f"{orient}-03h-registration-consent")
            tap(reg.ids.next)
            yield lambda: reg.done
            yield 0.4
            tap(next(b for b in reg.ids.rating.ids.buttons.children if b.score == 5))
            yield 0.3
            self.shot(f"{orient}-03i-registration-done")
            tap(reg.ids.recommend)
            rec = app.screen("vacancy_list")
            yield lambda: nav.current == "vacancy_list" and rec.recommending and bool(rec.ids.rv.data)
            yield 0.6
            self.shot(f"{orient}-03j-recommended")
            yield from self.next_visit()

            yield from self.open_tile("stations")
            st_rv = app.screen("stations").ids.rv
            yield lambda: nav.current == "stations" and bool(st_rv.data)
            yield 0.5
            self.shot(f"{orient}-03c-nearby-stations")
            nav.back()
            yield 0.3

            yield from self.fairs_and_catalogue(orient)

            yield from self.open_tile("booking")
            booking = app.screen("appointment")
            yield lambda: nav.current == "appointment" and bool(booking.ids.services.children)
            yield 0.3
            self.shot(f"{orient}-03k-appointment-services")
            booking.choose_service("career_guidance" if orient == "portrait" else "entrepreneurship")
            yield lambda: bool(booking.ids.slots.children) and bg.pending == 0
            yield 0.3
            self.shot(f"{orient}-03l-appointment-times")
            from kiosk.domain.identity import Resident

            app.visits.set_identity(Resident("11010519491231002X", datetime(1949, 12, 31).date()))
            tap(next(b for b in reversed(booking.ids.slots.children) if not b.disabled))
            yield lambda: getattr(booking, "dialog", None) is not None and booking.dialog.parent is not None
            yield 0.3
            self.shot(f"{orient}-03m-appointment-consent")
            tap(booking.dialog.ids.yes)
            yield lambda: booking.step == "done" and bg.pending == 0
            yield 0.5
            self.shot(f"{orient}-03n-appointment-done")
            yield from self.next_visit()

            yield from self.open_tile("booking")  # central unreachable: a ticket or a call-back instead
            yield lambda: nav.current == "appointment" and bool(booking.ids.services.children)
            desk = app.services.appointments
            saved_backend, desk.backend = desk.backend, lambda: None
            booking.choose_service("career_guidance")
            yield lambda: booking.step == "offline" and bg.pending == 0
            desk.backend = saved_backend
            yield 0.3
            self.shot(f"{orient}-03o-appointment-offline")
            yield from self.next_visit()

            yield from self.home_service(orient)
            yield from self.next_visit()
            from kiosk.tour_video import consult_walk

            yield from consult_walk(self, orient)

            yield from self.open_tile("jobs")
            rv = app.screen("vacancy_list").ids.rv
            yield lambda: nav.current == "vacancy_list" and bool(rv.data) and bg.pending == 0
            yield 0.5
            self.shot(f"{orient}-04-vacancy-list")
            app.on_call(Call(f"tour-{orient}-1", "A013", "2", "求职登记"))
            app.on_call(Call(f"tour-{orient}-2", "D002", "3", "政策咨询"))
            yield lambda: app.banner.opacity == 1
            yield 0.3
            self.shot(f"{orient}-04b-call-banner")
            app.banner.hide()

            listing = app.screen("vacancy_list")
            tap(listing.ids.scope_city)
            tap(listing.ids.search_box)
            yield 0.3
            for ch in "bj":
                tap(listing.ids.keyboard.key(ch))
                yield 0.1
            yield lambda: listing.query_text == "bj" and not listing.loading and bg.pending == 0
            yield 0.8
            self.shot(f"{orient}-04c-search-keyboard")
            yield from self.search_words(listing, orient)
            tap(listing.ids.keyboard_done)
            tap(listing.ids.filter_button)
            yield 0.5
            self.shot(f"{orient}-04d-search-filters")
            tap(listing.panel.ids.apply)
            yield lambda: not listing.loading and bg.pending == 0
            yield 0.5
            yield from self.search_groups(listing, orient)
            yield from self.search_day_jobs(listing, orient)

            first = max(rv.layout_manager.children, key=lambda w: w.y)
            tap(first)
            detail = app.screen("vacancy_detail")
            yield lambda: nav.current == "vacancy_detail" and detail.vacancy is not None
            yield 0.5
            tap(detail.ids.keep)
            yield 0.3
            self.shot(f"{orient}-05-vacancy-detail")
            detail.ids.scroll.scroll_y = 0
            yield 0.5
            self.shot(f"{orient}-06-vacancy-detail-end")
            from kiosk.domain.identity import Resident

            app.visits.set_identity(Resident("11010519491231002X", datetime(1949, 12, 31).date()))
            tap(detail.ids.apply)
            form = app.screen("interest")
            yield lambda: nav.current == "interest"
            for d in "13912345678":
                tap(next(k for k in form.ids.phone.children if k.text == d))
            yield 0.3
            self.shot(f"{orient}-06c-interest-phone")
            tap(form.ids.next)
            yield 0.3
            self.shot(f"{orient}-06d-interest-consent")
            tap(form.ids.submit)
            yield lambda: form.step == "done" and bg.pending == 0
            yield 0.5
            self.shot(f"{orient}-06e-interest-done")
            nav.go("shortlist")
            shortlist = app.screen("shortlist")
            yield lambda: len(shortlist.ids.cards.children) == 1
            yield 0.5
            self.shot(f"{orient}-06b-shortlist")

            app.end_visit()
            yield lambda: nav.current == "attract"
            yield 0.5
            clock = SimulatedTouch(*app.screen("attract").ids.clock.to_window(*app.screen("attract").ids.clock.center))
            clock.down()
            yield app.screen("attract").admin_hold_s + 0.2
            clock.up()
            yield lambda: nav.current == "admin_login"
            yield 0.3
            self.shot(f"{orient}-07-admin-login")
            login = app.screen("admin_login")
            for digit in "1234":
                tap(next(k for k in login.ids.keypad.children if k.text == digit))
            yield 0.1
            tap(login.ids.ok)
            yield 0.3
            self.shot(f"{orient}-08-admin-login-wrong-pin")
            # The tour does not know the station's PIN: it opens the staff screen directly.
            nav.go("admin")
            admin = app.screen("admin")
            yield lambda: nav.current == "admin" and bool(admin.sections)
            yield 0.5
            self.shot(f"{orient}-09-admin")
            tap(admin.ids.counter_panel)
            panel = app.screen("staff_queue")
            yield lambda: nav.current == "staff_queue" and bool(panel.current_text)
            tap(panel.ids.call)
            yield lambda: bool(panel.message) and bg.pending == 0
            yield 0.5
            self.shot(f"{orient}-09b-staff-queue")
            app.banner.hide()
            tap(panel.ids.priority)
            yield lambda: getattr(panel, "dialog", None) is not None and panel.dialog.parent is not None
            if panel.dialog.ids.numbers.children:
                tap(panel.dialog.ids.numbers.children[-1])
            tap(panel.dialog.button("groups", "其他"))
            yield 0.4
            self.shot(f"{orient}-09c-staff-priority")
            tap(panel.dialog.ids.cancel)
            yield 0.2
            app.banner.hide()
            rv_rows = app.screen("vacancy_list").ids.rv
            yield from self.next_visit()
            yield from self.open_tile("jobs")
            yield lambda: nav.current == "vacancy_list" and bool(rv_rows.data) and bg.pending == 0
            yield 0.5
            tap(max(rv_rows.layout_manager.children, key=lambda w: w.y))
            yield lambda: nav.current == "vacancy_detail" and detail.vacancy is not None

            watcher = app.idle.watcher
            watcher.last_activity -= watcher.timeout_s + 1
            yield lambda: app.idle.overlay.parent is not None
            yield 0.5
            self.shot(f"{orient}-10-idle-countdown")
            watcher.last_activity -= watcher.countdown_s
            yield lambda: nav.current == "attract"
            yield 0.5
            self.shot(f"{orient}-11-attract-recent-calls")
