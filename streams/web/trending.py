"""``GET /trending/?window=1h&limit=10``: what rises now, per country and category."""

from __future__ import annotations

from faust.web import Blueprint, Request, Response, View

from streams.pipeline.counting import CATEGORY_KEY_PREFIX
from streams.pipeline.trending import parse_window, trending
from streams.web.countries import gather_rows
from streams.worker.app import NewsApp

#: The largest ``limit`` a caller may ask for.
MAX_LIMIT = 250


def blueprint(news: NewsApp) -> Blueprint:
    """The trending view of ``news``."""
    bp = Blueprint("trending")
    base = news.settings.window_s

    @bp.route("/trending/", name="trending")
    class TrendingView(View):
        async def get(self, request: Request) -> Response:
            try:
                size = parse_window(request.query.get("window", "1h"), base)
                limit = max(1, min(int(request.query.get("limit", "10")), MAX_LIMIT))
            except ValueError as exc:
                return self.json({"error": str(exc)}, status=400)
            rows, errors = await gather_rows(news)
            result = trending(
                rows, size=size, base=base, limit=limit, category_prefix=CATEGORY_KEY_PREFIX
            )
            result["complete"] = not errors
            return self.json(result)

    return bp
