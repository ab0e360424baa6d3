"""Exceptions for data that cannot be used as it is; each message names the file and how to fix it."""


class DataFileError(ValueError):
    """A dataset file exists but is corrupt, truncated, inconsistent or of the wrong version."""


class DanglingReferenceError(DataFileError):
    """A nuScenes table record refers to a token that no record of the target table has."""
