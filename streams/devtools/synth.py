"""Realistic synthetic stories for load tests and benchmarks: the seed stories with other
places, people and topics swapped in, each with a unique id and a unique closing line."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streams.sources.seeds import read_stories

_PLACES = [
    ("Taiwan", "Kenya"),
    ("Japan", "Brazil"),
    ("India", "Germany"),
    ("Russia", "Nigeria"),
    ("China", "Mexico"),
    ("Lebanon", "Peru"),
    ("Ukraine", "Chile"),
    ("Moscow", "Nairobi"),
    ("Taipei", "Lagos"),
    ("New York", "Sydney"),
    ("Pyongyang", "Cairo"),
]
_PEOPLE = [("Putin", "Ramaphosa"), ("Kim", "Lula"), ("Rushdie", "Adichie"), ("Biden", "Macron")]
_TOPICS = [
    "The central bank raised interest rates as inflation and unemployment rose.",
    "Striking workers and unions demanded higher wages at the factory.",
    "The earthquake and floods left thousands homeless, rescue teams said.",
    "Police arrested the suspect and prosecutors filed murder charges in court.",
    "Hospitals reported a rise in vaccine uptake as the virus spread.",
    "The football club won the championship final after extra time.",
    "Researchers unveiled a new AI chip and software for smartphones.",
    "Voters head to the polls as parliament debates the election law.",
]
_ALT_PLACES = [
    "France",
    "Italy",
    "Canada",
    "Egypt",
    "Turkey",
    "Spain",
    "Poland",
    "Vietnam",
    "Argentina",
    "Indonesia",
    "Pakistan",
    "Ghana",
    "Norway",
    "Iran",
    "Israel",
]


def synthetic_stories(seed_path: str | Path, n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    base = list(read_stories(seed_path))
    rng = random.Random(seed)
    for i in range(n):
        story = base[i % len(base)]
        body = story["body"]
        k = i + 1
        while len(body.split()) < 140:  # pad short seeds with another story's paragraphs
            body += "\n\n" + base[k % len(base)]["body"]
            k += 1
        head = story["headline"] or ""
        for old, new in rng.sample(_PLACES, 3):
            new = rng.choice([new, *_ALT_PLACES])
            body, head = body.replace(old, new), head.replace(old, new)
        for old, new in rng.sample(_PEOPLE, 2):
            body, head = body.replace(old, new), head.replace(old, new)
        words = body.split()
        if len(words) > 150:
            body = " ".join(words[:150]) + "."
        body += f"\n\n{rng.choice(_TOPICS)} Report {i} from {rng.choice(_ALT_PLACES)}."
        yield {"id": f"syn-{seed}-{i}", "headline": head or None, "body": body}
