"""Container health check of a newsstream worker: GET /health/ on the worker's web port.

Exit 0 when the worker answers 200 with ``{"status": "ok"}``, 1 otherwise. Standard
library only (the slim image has no curl). The port comes from ``NEWSSTREAM_WEB_PORT``
(default 6066), the same variable the worker binds to.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request


def health_url() -> str:
    port = os.environ.get("NEWSSTREAM_WEB_PORT", "").strip() or "6066"
    return f"http://127.0.0.1:{port}/health/"


def check(url: str, timeout_s: float = 4.0) -> str | None:
    """None when healthy, else the reason."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            body = resp.read(64 * 1024)
            status = resp.status
    except urllib.error.HTTPError as exc:
        return f"{url}: HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return f"{url}: {exc}"
    if status != 200:
        return f"{url}: HTTP {status}"
    try:
        doc = json.loads(body)
    except ValueError:
        return f"{url}: not JSON"
    if not isinstance(doc, dict) or doc.get("status") != "ok":
        return f"{url}: {doc!r}"
    return None


def main() -> int:
    problem = check(health_url())
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
