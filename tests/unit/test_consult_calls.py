"""Every side the consultation screens can be handed speaks the whole ConsultCalls protocol:
the screens call each of its methods, ``warm_up`` as soon as the topics open."""

from __future__ import annotations

from kiosk.domain.consult import ConsultCalls


def test_the_tours_advisors_speak_the_whole_protocol():
    from kiosk.tour_video import TourAdvisors

    assert isinstance(TourAdvisors(), ConsultCalls)
    TourAdvisors().warm_up()


def test_the_test_stand_in_speaks_it_too():
    from tests.ui.consult_standin import StandInConsult

    assert isinstance(StandInConsult(), ConsultCalls)


def test_a_protocol_short_of_warm_up_is_told_apart():
    class NoWarmUp:
        topics = ("求职指导",)
        identity_required = frozenset()

        def availability(self, topic):  # noqa: ANN001, ANN201
            return None

        def start(self, topic, person_key, listener, identity="none"):  # noqa: ANN001, ANN201
            return None

    assert not isinstance(NoWarmUp(), ConsultCalls)
