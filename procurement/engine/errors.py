"""The one exception type for bad engine input, carrying every problem with its field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field. ``path`` is dotted, e.g. ``offers[2].price.currency``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class EngineValidationError(ValueError):
    """Raised when a workload, offer, FX rate, policy or snapshot is invalid.

    ``errors`` lists every problem found (not just the first), each naming its field, so a web
    form or API can show them next to the fields they concern. ``str(exc)`` joins them, one a line.
    Messages are in the language active where the error was raised
    (:func:`procurement.engine.i18n.language`); paths are machine values, never translated.
    """

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        if not errors:
            raise ValueError("EngineValidationError needs at least one FieldError")
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def as_pairs(self) -> list[tuple[str, str]]:
        """The errors as (path, message) pairs, in the order they were found."""
        return [(e.path, e.message) for e in self.errors]


def raise_if(errors: list[FieldError]) -> None:
    """Raise :class:`EngineValidationError` when ``errors`` is not empty."""
    if errors:
        raise EngineValidationError(errors)
