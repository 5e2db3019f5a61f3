"""The pipeline principals' ACLs (the recipe docs/security.md lists), without a broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.local.kafka.acls import (
    Acl,
    Principals,
    apply_security,
    pipeline_acls,
    producer_acls,
    subscriber_acls,
    worker_acls,
)
from streams.local.kafka.secure import KafkaSecurity
from streams.topics import Topics

TOPICS = Topics("p.")


def _rules(acls: list[Acl]) -> set[tuple[str, str, str, str]]:
    return {(a.resource, a.pattern, a.name, a.operation) for a in acls}


def test_the_producer_writes_news_raw_and_nothing_else() -> None:
    assert _rules(producer_acls(TOPICS, "producer")) == {
        ("TOPIC", "LITERAL", "p.news.raw", "WRITE")
    }


def test_the_subscriber_reads_the_outputs_in_its_own_groups_only() -> None:
    assert _rules(subscriber_acls(TOPICS, "sub", "dash")) == {
        ("TOPIC", "LITERAL", "p.news.enriched", "READ"),
        ("TOPIC", "PREFIXED", "p.news.topic.", "READ"),
        ("GROUP", "PREFIXED", "dash", "READ"),
    }


def test_the_worker_reads_raw_writes_outputs_and_owns_its_internal_topics() -> None:
    rules = _rules(worker_acls(TOPICS, "app", "worker"))
    assert ("TOPIC", "LITERAL", "p.news.raw", "READ") in rules
    assert ("TOPIC", "LITERAL", "p.news.raw", "WRITE") not in rules
    for output in ("p.news.enriched", "p.news.deadletter"):
        assert ("TOPIC", "LITERAL", output, "WRITE") in rules
    assert ("TOPIC", "PREFIXED", "p.news.topic.", "WRITE") in rules
    assert {op for r, p, n, op in rules if n == "app-"} == {"CREATE", "READ", "WRITE"}
    assert ("GROUP", "LITERAL", "app", "READ") in rules


def test_pipeline_acls_name_each_principal() -> None:
    acls = pipeline_acls(TOPICS, "app", Principals("w", "p", "s", "g"))
    assert {a.principal for a in acls} == {"User:w", "User:p", "User:s"}
    line = acls[0].line().split("\t")
    assert line[0] == "acl" and line[1] == "User:w" and len(line) == 6


def test_a_bad_user_password_is_refused_before_java_runs(tmp_path: Path) -> None:
    sec = KafkaSecurity(tmp_path / "ca", tmp_path / "ks", "admin", "good-1")
    with pytest.raises(ValueError, match="password of worker") as exc:
        apply_security("127.0.0.1:1", sec, {"worker": "bad,pw"}, [], tmp_path)
    assert "bad,pw" not in str(exc.value)
    assert not (tmp_path / "SecurityAdmin.java").exists()
