"""The error every rule raises; the edges turn it into the contract's error shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DomainError(Exception):
    """A refusal a client can understand: a machine ``code``, a human ``message``,
    and the ``field`` at fault when one input is to blame."""

    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict:
        """The ``error`` object of the contract."""
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return error
