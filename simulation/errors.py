"""Our own exception types. The CLI turns any of them into one clear message and exit code 2."""

from __future__ import annotations


class CarepathsError(Exception):
    """A user-facing error: the message names the file, key or row and what is allowed."""


class ScenarioError(CarepathsError):
    """A scenario file that cannot be loaded or validated."""


class DataError(CarepathsError):
    """A data or targets file that is missing, malformed or lacks a column."""


class OutputError(CarepathsError):
    """An output folder that cannot be written."""
