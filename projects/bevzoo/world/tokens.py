"""Deterministic 32-hex-digit tokens (nuScenes style) derived from readable keys."""
import hashlib


def make_token(*parts) -> str:
    """A token from the joined string form of ``parts`` (same parts, same token)."""
    return hashlib.md5('/'.join(str(p) for p in parts).encode()).hexdigest()
