"""Safkat: public procurement for micro-enterprises."""

from safkat.app import create_app

__all__ = ["create_app"]
