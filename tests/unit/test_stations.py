from datetime import date

from kiosk.config import load_config
from kiosk.core.stations import StationService, to_row
from kiosk.domain.search import Station
from kiosk.store.seed import seed_demo


def test_nearby_stations_nearest_first_without_our_own(store):
    cfg = load_config(env={})
    seed_demo(store, 10, today=date(2026, 11, 24), station=cfg.station)
    svc = StationService(store, Station.from_config(cfg.station), cfg.station.id)
    views = svc.nearby(limit=10)
    assert len(views) == 10
    assert cfg.station.id not in {v.id for v in views}
    assert [v.distance_m for v in views] == sorted(v.distance_m for v in views)
    assert views[0].distance_m < 3000  # 和平区 neighbours are close
    row = to_row(views[0])
    assert row["kind"] in {"街道驿站", "乡镇驿站", "园区驿站", "高校驿站"}
    assert "步行约" in row["distance"] and row["services"]
