"""Domain errors: one shape for services, forms, the API and file imports.

Every error names a field and carries a stable code; the message is Chinese for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class ServiceError(Exception):
    """Raised by a service when input is invalid; nothing has been written."""

    def __init__(self, errors: list[FieldError] | FieldError):
        if isinstance(errors, FieldError):
            errors = [errors]
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ServiceError:
        return cls([FieldError(field, code, message)])

    def by_field(self) -> dict[str, list[FieldError]]:
        out: dict[str, list[FieldError]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e)
        return out


class NotFound(Exception):
    """An object does not exist or is outside the actor's scope (the two are not told apart)."""


class PermissionDenied(Exception):
    """The actor may see the object but not change it."""


class Ambiguous(Exception):
    def __init__(self, message: str, candidates: list):
        super().__init__(message)
        self.candidates = candidates
