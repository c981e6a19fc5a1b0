"""The error every rule raises; the edges turn it into the contract's error shape."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field


@dataclass
class DomainError(Exception):
    """A refusal a client can understand: a machine ``code``, a human ``message``,
    and the ``field`` at fault when one input is to blame."""

    code: str
    message: str
    field: str | None = None
    # Every refusal when several checks failed at once (``Checks``); empty otherwise.
    problems: list["DomainError"] = dataclass_field(default_factory=list, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def as_dict(self) -> dict:
        """The ``error`` object of the contract."""
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return error


class Checks:
    """Run several independent checks and report every refusal at once (an editor shows
    each error beside its field), not just the first.

    >>> checks = Checks()
    >>> prompt = checks.run(lambda: required_text(raw.get("prompt"), "prompt", 300))
    >>> checks.done()  # raises the first refusal, carrying all of them in ``problems``
    """

    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def run(self, check):
        """``check()``'s result, or None when it refused (the refusal is kept)."""
        try:
            return check()
        except DomainError as error:
            self.problems.extend(error.problems or [error])
            return None

    @property
    def failed(self) -> bool:
        """True once any check refused."""
        return bool(self.problems)

    def done(self) -> None:
        """Raise the first refusal, carrying every refusal in ``problems``, if any."""
        if self.problems:
            first = self.problems[0]
            raise DomainError(first.code, first.message, first.field, problems=list(self.problems))
