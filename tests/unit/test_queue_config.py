"""The station's queue services and priority rules from central's config: checked, then applied."""

from __future__ import annotations

import copy
from datetime import date, time

import pytest

from central.seed import DEFAULT_PRIORITY, DEFAULT_SERVICES
from kiosk.domain.queue_rules import (
    BUILT_IN,
    IssuedTicket,
    Person,
    QueueConfigError,
    Refusal,
    setup_from_config,
)
from kiosk.domain.queue_rules import (
    DEFAULT_SERVICES as BUILT_IN_SERVICES,
)
from tests.unit.test_queue import Clock, book, local


def config(**changes) -> dict:
    data = {"station_id": "TJ-HP-NSJ-01", "version": 4, "name": "南市街", "services": copy.deepcopy(DEFAULT_SERVICES),
            "priority": copy.deepcopy(DEFAULT_PRIORITY)}
    data.update(changes)
    return data


def test_centrals_default_config_is_the_built_in_list():
    setup = setup_from_config(config())
    assert setup.services == BUILT_IN_SERVICES and setup.policy == BUILT_IN.policy and setup.version == 4


def test_a_station_config_changes_services_hours_quota_identity_limit_and_priority(store):
    clock = Clock(local(2030, 1, 12, 19, 0))  # a Saturday evening
    b = book(store, clock)
    assert b.check("career_guidance").refusal is Refusal.CLOSED
    b.apply_config(config(services=[
        {"code": "career_guidance", "name": "职业指导（夜间）", "prefix": "N", "daily_quota": 2,
         "needs_identity": True, "per_person_daily_limit": 2,
         "hours": [{"weekdays": [6, 7], "start": "18:00", "end": "21:00"}]},
        {"code": "job_fair_signup", "name": "招聘会报名", "prefix": "H", "hours": [
            {"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]},
    ], priority={"age": 70, "groups": ["残疾人", "其他"]}))
    assert list(b.services) == ["career_guidance", "job_fair_signup"]
    assert b.check("policy_consultation").refusal is Refusal.UNKNOWN_SERVICE  # gone from the station
    assert b.check("career_guidance").refusal is Refusal.NEEDS_IDENTITY
    sixty_five = Person("pk-65", date(1965, 1, 1))
    t1 = b.issue("career_guidance", sixty_five)
    assert isinstance(t1, IssuedTicket) and t1.display_number == "N001" and t1.service_name == "职业指导（夜间）"
    assert not t1.priority  # the station's rule is 70 and over now
    assert isinstance(b.issue("career_guidance", sixty_five), IssuedTicket)  # two a day per person here
    assert b.check("career_guidance", Person("pk-other")).refusal is Refusal.QUOTA_EXHAUSTED  # quota 2
    assert b.policy.priority_groups == ("残疾人", "其他")
    assert "周六至周日 18:00-21:00" in b.hours_text(b.services["career_guidance"])
    clock.t = local(2030, 1, 14, 10, 0)  # Monday morning: the evening service is closed
    assert b.check("career_guidance", Person("pk-x")).refusal is Refusal.CLOSED
    assert isinstance(b.issue("job_fair_signup"), IssuedTicket)


@pytest.mark.parametrize(("change", "says"), [
    (lambda c: c["services"][1].update(prefix="A"), "prefix A is already used by job_registration"),
    (lambda c: c["services"][1].update(code="job_registration"), "appears twice"),
    (lambda c: c["services"][0].update(prefix="甲"), "one or two capital letters"),
    (lambda c: c["services"][0].update(daily_quota=1500), "0-999"),
    (lambda c: c["services"][0].update(per_person_daily_limit=0), "1 or more"),
    (lambda c: c["services"][0].update(hours=[{"weekdays": [1], "start": "12:00", "end": "08:30"}]),
     "ends before it starts"),
    (lambda c: c["services"][0].update(hours=[{"weekdays": [9], "start": "08:00", "end": "09:00"}]), "weekday 9"),
    (lambda c: c["services"][0].update(hours=[{"weekdays": [1], "start": "8h", "end": "09:00"}]), "not HH:MM"),
    (lambda c: c.update(priority={"age": 0, "groups": []}), "priority age"),
    (lambda c: c.update(priority={"age": 60, "groups": ["残疾人", "残疾人"]}), "distinct"),
])
def test_a_config_the_queue_cannot_use_is_refused_whole_and_the_current_one_stays(store, change, says):
    b = book(store, Clock(local(2030, 1, 7, 10, 0)))
    b.apply_config(config(version=2))
    before = (b.services, b.policy, b.setup_version)
    bad = config(version=3)
    change(bad)
    with pytest.raises(QueueConfigError, match=says.replace("(", r"\(")):
        b.apply_config(bad)
    assert (b.services, b.policy, b.setup_version) == before


def test_a_config_without_services_keeps_the_built_in_list():
    setup = setup_from_config({"version": 1, "services": [], "priority": None})
    assert setup.services == BUILT_IN_SERVICES
    assert BUILT_IN_SERVICES[0].hours[5] == ((time(9, 0), time(12, 0)),)
