"""The one hierarchy of domain errors. Interfaces translate them to messages or RFC 7807."""


class DomainError(Exception):
    """A business rule said no. `message` is translated and safe to show to users."""

    def __init__(self, message: str, *, code: str = "domain_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` lists each problem (for example one entry per bad row)."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message, code="validation_failed")
        self.errors = errors or []
