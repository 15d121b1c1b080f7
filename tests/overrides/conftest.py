import hashlib
import inspect


def fingerprint(function) -> str:
    """A short hash of a function's source: a pin on code we copied or rewrote."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]
