"""Typed input errors of the scoring engine (INSTRUMENTS.md §5 V1, V2).

The engine validates the whole input before scoring anything and raises one
:class:`InvalidInput` carrying every problem, each naming its code (``age``, an
instrument code or an item code), so a caller can show them all at once. Nothing is
clamped or dropped: a screening is either scored exactly as answered or refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class InputError:
    """One problem with the input: the offending ``code`` and a readable message."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InvalidInput(ValueError):
    """The answers or the age cannot be scored; ``errors`` lists every problem (V1)."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    @property
    def codes(self) -> tuple[str, ...]:
        """The offending codes, in the order found, without repeats."""
        return tuple(dict.fromkeys(e.code for e in self.errors))
