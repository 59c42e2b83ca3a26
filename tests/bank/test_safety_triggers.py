"""The answers that show crisis help at once are exactly those the instruments' own
urgent flags fire on (issue 17; INSTRUMENTS.md §4)."""

from __future__ import annotations

from questionnaires.bank import loader
from questionnaires.bank.flow import safety_triggers
from questionnaires.scoring.definitions import InstrumentDefinition


def _definition(code: str) -> InstrumentDefinition:
    return next(d for d in loader.load_bundled() if d.code == code)


def test_triggers_are_item_9_above_0_any_asq_yes_and_the_family_safety_items() -> None:
    phq9 = _definition("phq9")
    assert safety_triggers(phq9, [i.code for i in phq9.items]) == {"phq9_9": [1, 2, 3]}
    asq = _definition("asq")
    found = safety_triggers(asq, [i.code for i in asq.items])
    assert found == {f"asq_{n}": [1] for n in range(1, 6)}
    family = _definition("withdrawal_family")
    codes = [i.code for i in family.items]
    assert safety_triggers(family, codes) == {
        "fam_self_harm_talk": [1],
        "fam_safety_now": [1],
    }


def test_items_not_on_the_page_give_no_trigger() -> None:
    phq9 = _definition("phq9")
    assert safety_triggers(phq9, ["phq9_1"]) == {}
