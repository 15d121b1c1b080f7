from .base import *  # noqa: F403
from .env import seal

seal()
