"""A clinic's alert settings."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from questionnaires.models import AlertSettings


@pytest.mark.parametrize("hour", [9, 18])
def test_alert_hours_pass_the_system_checks_at_their_own_time_of_day(hour: int) -> None:
    # A fixed time default warns (fields.W161) within ten seconds of that time.
    moment = datetime.datetime(2026, 12, 7, hour, 0, 3, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        assert [message.id for message in AlertSettings.check()] == []
    settings = AlertSettings()
    assert (settings.opens_at, settings.closes_at) == (
        datetime.time(9, 0),
        datetime.time(18, 0),
    )
