"""The Dockerfile and .dockerignore: a slim Python image running `newsstream worker` as a
non-root user, and an allow-list that keeps everything the build copies."""

from __future__ import annotations

import json

from tests.unit.deploy.helpers import DOCKERFILE, DOCKERIGNORE


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_dockerfile() -> None:
    assert DOCKERFILE.is_file()
    ins = _instructions()
    froms = [rest for kw, rest in ins if kw == "FROM"]
    assert froms and all(f.split()[0] == "python:3.11-slim" for f in froms)
    assert json.loads(next(rest for kw, rest in ins if kw == "ENTRYPOINT")) == ["newsstream"]
    assert json.loads(next(rest for kw, rest in ins if kw == "CMD")) == ["worker"]
    users = [rest for kw, rest in ins if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(kw == "RUN" and "pip install ." in rest for kw, rest in ins)
    copies = " ".join(rest for kw, rest in ins if kw == "COPY")
    assert "./seeds" in copies and "./docker/" in copies


def test_dockerignore_keeps_what_the_build_copies() -> None:
    lines = DOCKERIGNORE.read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    assert patterns[0] == "*", "allow-list"
    allowed = {p.lstrip("!").rstrip("/") for p in patterns if p.startswith("!")}
    for kw, rest in _instructions():
        if kw != "COPY" or rest.startswith("--from"):
            continue
        for src in rest.split()[:-1]:
            top = src.split("/")[0].replace("*", "")
            assert top in allowed, f"COPY {src} but .dockerignore leaves it out"
