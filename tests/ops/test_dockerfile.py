"""The image's build stage sees every file the wheel is built from (no container
engine here: the Dockerfile and .dockerignore are read, the wheel itself is built
and run by tests/ops/test_wheel.py)."""

import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _build_stage_sources():
    sources = []
    stage = 0
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            stage += 1
        elif stage == 1 and line.startswith("COPY "):
            sources.extend(line.split()[1:-1])
    return sources


def _ignored(path):
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(path, pattern) for pattern in patterns)


def test_build_stage_copies_every_package_and_the_project_metadata():
    sources = _build_stage_sources()
    packages = [
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in {"tests", "bench"}
    ]
    needed = ["pyproject.toml", "README.md", *packages]
    copied = [
        name
        for name in needed
        if ("." in sources or name in sources) and not _ignored(name)
    ]
    assert copied == needed
