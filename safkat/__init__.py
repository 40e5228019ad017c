"""Safkat: public procurement for micro-enterprises."""

__all__ = ["create_app"]


def __getattr__(name: str):
    # Imported on first use, so that a light module (the opening's worker processes import
    # only the crypto) does not pull in Flask and the whole application.
    if name == "create_app":
        from safkat.app import create_app

        return create_app
    raise AttributeError(f"module 'safkat' has no attribute {name!r}")
