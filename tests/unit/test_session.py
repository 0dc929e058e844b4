from kiosk.core.session import VisitManager


def test_end_forgets_everything_and_notifies():
    vm = VisitManager()
    calls = []
    vm.on_end(lambda: calls.append(1))
    first = vm.current
    vm.view_vacancy("V1")
    vm.view_vacancy("V1")
    first.shortlist.append("V2")
    assert first.viewed_vacancies == ["V1"] and not first.is_empty
    vm.end()
    assert calls == [1]
    assert vm.current is not first and vm.current.is_empty and vm.current.id != first.id
    assert first.is_empty  # the old object holds nothing either


def test_shortlist_toggles_and_has_a_limit():
    import pytest

    from kiosk.core.session import SHORTLIST_MAX, ShortlistFull

    vm = VisitManager()
    assert vm.toggle_shortlist("V1") is True
    assert vm.toggle_shortlist("V1") is False
    for i in range(SHORTLIST_MAX):
        vm.toggle_shortlist(f"V{i}")
    with pytest.raises(ShortlistFull, match="最多"):
        vm.toggle_shortlist("one-more")
    assert len(vm.current.shortlist) == SHORTLIST_MAX


def test_the_visit_gives_the_person_key_under_the_configured_secret():
    from datetime import date

    from kiosk.domain.identity import Resident
    from kiosk.domain.privacy import person_key

    number = "120104198001011234"
    vm = VisitManager(person_key_secret="city-secret")
    assert vm.person() is None and vm.person_key() is None
    vm.set_identity(Resident(number, date(1980, 1, 1), groups=frozenset({"残疾人"})))
    assert vm.person_key() == person_key(number, b"city-secret")
    assert vm.person_key() != person_key(number, b"another-secret")
    assert number not in vm.person_key()
    person = vm.person()
    assert person.key == vm.person_key() and person.birth_date == date(1980, 1, 1) and "残疾人" in person.groups
    vm.end()
    assert vm.person_key() is None
