"""Write the JSON Schema of each contract next to the models (``schemas/json``)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from schemas.models import DeadLetter, EnrichedStory, RawStory

SCHEMA_DIR = Path(__file__).parent / "json"
CONTRACTS: dict[str, type[BaseModel]] = {
    "raw_story": RawStory,
    "enriched_story": EnrichedStory,
    "dead_letter": DeadLetter,
}


def rendered() -> dict[str, str]:
    """File name → JSON Schema text, as it should be on disk."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True)
        + "\n"
        for name, model in CONTRACTS.items()
    }


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for fname, text in rendered().items():
        (SCHEMA_DIR / fname).write_text(text)
        print(f"wrote {SCHEMA_DIR / fname}")


if __name__ == "__main__":
    main()
