"""The contract between central and the kiosk: everything central can store and serve parses, field
for field, in the kiosk's protocol models; a kiosk is sent only its own station's requests."""

from __future__ import annotations

from datetime import UTC, datetime

from central import feeds
from central.models import StationConfig
from central.seed import seed
from kiosk.sync import protocol as p
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client


def _snapshot(client, feed: str) -> p.FeedPage:  # noqa: ANN001
    page, _ = client.call("GET", f"{p.PREFIX}/feeds/{feed}/snapshot", p.FeedPage)
    return page


def _request(reference: str, station: str) -> dict:
    return {"id": reference, "kind": "home_visit", "station_id": station, "status": "scheduled",
            "scheduled_at": "2030-01-10T14:30:00", "staff": "王*", "note": "",
            "updated_at": datetime.now(UTC).replace(tzinfo=None).isoformat()}


def test_every_feed_item_central_serves_round_trips_through_the_kiosk_models(central):
    seed(central.db, 60)
    with central.db.session() as s:
        feeds.put(s, "service_requests", [_request("HV1234", STATION)])
        feeds.put(s, "interests", [{"id": "i-1", "station_id": STATION, "status": "contacted",
                                    "updated_at": "2030-01-10T09:00:00"}])
    client = make_client(central.url)
    for feed in p.FEEDS:
        page = _snapshot(client, feed)
        assert page.items, f"the {feed} feed is empty: nothing checked"
        model = p.ITEM_MODELS[feed]
        for entry in page.items:
            item = model.model_validate(entry.data)  # extra="forbid": a field the kiosk does not know fails
            assert set(entry.data) <= set(model.model_fields)
            again = model.model_validate(item.model_dump(mode="json"))
            assert again == item, (feed, entry.id)
            for key, value in entry.data.items():  # nothing coerced on the way: what central sent is what is kept
                dumped = item.model_dump(mode="json")[key]
                assert dumped == value or model.model_validate({**entry.data, key: dumped}) == item, (feed, key)


def test_a_kiosk_is_sent_only_its_own_stations_requests_and_interests(central):
    with central.db.session() as s:
        feeds.put(s, "service_requests", [_request("HVMINE1", STATION), _request("HVOTHER", "TJ-OTHER-01")])
        feeds.put(s, "interests", [{"id": "mine", "station_id": STATION, "status": "new",
                                    "updated_at": "2030-01-10T09:00:00"},
                                   {"id": "theirs", "station_id": "TJ-OTHER-01", "status": "new",
                                    "updated_at": "2030-01-10T09:00:00"}])
    client = make_client(central.url)
    assert [e.id for e in _snapshot(client, "service_requests").items] == ["HVMINE1"]
    assert [e.id for e in _snapshot(client, "interests").items] == ["mine"]
    page, _ = client.call("GET", f"{p.PREFIX}/feeds/service_requests?limit=1", p.FeedPage)
    assert [e.id for e in page.items] == ["HVMINE1"]
    page, _ = client.call("GET", f"{p.PREFIX}/feeds/service_requests?cursor={page.cursor}", p.FeedPage)
    assert page.items == [] and not page.more
    other = make_client(central.url, secret="other-secret-0123456789", kiosk_id="other-kiosk")
    assert [e.id for e in _snapshot(other, "service_requests").items] == ["HVOTHER"]


def test_every_station_config_field_round_trips_to_the_kiosk(central):
    full = {
        "name": "测" * 80, "opening_hours": "周一至周五 8:30-17:30", "announcement": "公" * 200,
        "services": [{"code": "recruit", "name": "求职登记", "prefix": "A", "daily_quota": 100_000,
                      "needs_identity": True, "per_person_daily_limit": 3,
                      "hours": [{"weekdays": [1, 2, 3, 4, 5], "start": "08:30", "end": "17:30"}]}],
        "priority": {"age": 65, "groups": ["军人依法优先", "残疾人"]},
        "appointments": {"slot_minutes": 20, "capacity": 3, "days_ahead": 14, "lead_minutes": 30,
                         "services": ["recruit"], "capacity_by_service": {"recruit": 5}},
    }
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {**full, "consult_pool": "heping"}
        row.version += 1
        version = row.version
    reply, _ = make_client(central.url).call("GET", f"{p.PREFIX}/stations/{STATION}/config", p.StationConfigReply)
    assert reply.version == version and reply.station_id == STATION
    sent = reply.model_dump(mode="json", exclude={"station_id", "version"})
    assert set(full) == set(p.StationConfigReply.model_fields) - {"station_id", "version"}, \
        "a config field was added: put it in this test"
    assert sent == p.StationConfigReply(station_id=STATION, version=version, **full).model_dump(
        mode="json", exclude={"station_id", "version"})
