"""Per-source boilerplate: the same stream given to OUTLETS outlets, most adding their own
footer or header to every item, whole or cut to feed summaries, each half of the families
with its own boilerplate templates (tuning / held out); the table compares the boilerplate
rule off and on."""

from __future__ import annotations

import itertools
import random
from typing import Any

from streams.devtools.neardup_eval.scoring import run
from streams.devtools.neardup_eval.stream import Item, Stream, half
from streams.pipeline.neardup import BOILERPLATE_KEEP, BOILERPLATE_STORIES, NearDupIndex

OUTLETS = 40
#: What feeds repeat in every item of one outlet ({o}: its name), before or after the story.
#: Tuning used the first four; the last four are held out (docs/neardup.md).
BOILERPLATE = (
    (
        "tail",
        "You are receiving this newsletter because you signed up at {o}. To stop receiving "
        "these emails, unsubscribe here or manage your preferences. View this email in your "
        "browser. Copyright {o} Media Group, all rights reserved. Our mailing address is 100 "
        "Main Street, Springfield.",
    ),
    (
        "tail",
        "{o} brings you breaking news, live coverage and in-depth analysis from around the "
        "world, every day. Subscribe to our channel for more videos and turn on notifications "
        "so you never miss an update. Follow {o} on X, Facebook and Instagram and visit our "
        "website for the full story. Our correspondents report from more than forty bureaus "
        "across Europe, Africa, Asia and the Americas, and our documentary team publishes a "
        "new long-form film every week. Watch more of our reporting in the playlists below, "
        "and tell us in the comments which stories you would like us to cover next.",
    ),
    (
        "head",
        "{o} live: this page is updated throughout the day with the latest reports from our "
        "correspondents. Refresh for updates.",
    ),
    (
        "tail",
        "Our journalism depends on readers like you. Support independent reporting at {o} by "
        "becoming a member today, from as little as one dollar a month. Sign up for the free "
        "daily briefing to get the biggest stories delivered to your inbox every morning.",
    ),
    (
        "tail",
        "This story was produced by {o} with the support of a foundation grant. {o} retains "
        "full editorial control over its content. Republish our articles for free, online or "
        "in print, under a Creative Commons licence.",
    ),
    (
        "head",
        "Listen to this article. Read by an automated voice; {o} audio may contain errors. "
        "Estimated listening time four minutes.",
    ),
    (
        "tail",
        "Get the {o} app for the latest headlines, alerts and exclusive reporting. Have a news "
        "tip? Contact our newsroom securely. Corrections and clarifications can be sent to the "
        "readers' editor of {o}. All content copyright, do not reproduce without permission.",
    ),
    (
        "tail",
        "About {o}: founded to report the stories that matter to our community, {o} is a "
        "nonprofit newsroom funded by readers, foundations and local businesses. Advertising "
        "and sponsorship do not influence our editorial decisions. Learn more about our ethics "
        "policy and how we correct mistakes. Our reporters cover city hall, the schools, the "
        "courts, health care and the environment, and we publish every story free of charge "
        "for anyone to read. If you value this work, please consider a donation of any size: "
        "gifts from readers pay for most of our newsroom, and every gift is tax deductible.",
    ),
)
#: Words of a feed-style item, per outlet: a feed's summary, not the whole story.
FEED_WORDS = (25, 40, 60)
BP_DEFAULT = (BOILERPLATE_STORIES, BOILERPLATE_KEEP)


def with_outlets(
    stream: Stream, seed: int, plates: tuple[tuple[str, str], ...], feed: bool
) -> Stream:
    """Each story published by an outlet (a variant by its original's outlet one time in
    four: an update), three outlets in four adding their boilerplate to every item; with
    ``feed``, each item is cut to its outlet's summary length (FEED_WORDS) first."""
    rng = random.Random(seed)
    outlets = [f"outlet{i:02d}.example" for i in range(OUTLETS)]
    plate: dict[str, tuple[str, str] | None] = {
        o: rng.choice(plates) if plates and rng.random() < 0.75 else None for o in outlets
    }
    home = {f: rng.choice(outlets) for f in sorted({it.family for it in stream.items})}
    cut = {o: rng.choice(FEED_WORDS) for o in outlets}
    items = []
    for it in stream.items:
        same = it.kind == "original" or rng.random() < 0.25
        outlet = home[it.family] if same else rng.choice(outlets)
        text = " ".join(it.text.split()[: cut[outlet]]) if feed else it.text
        chosen = plate[outlet]
        if chosen is not None:
            where, words = chosen
            extra = words.format(o=f"The {outlet.split('.')[0].title()} Times")
            text = f"{extra}\n\n{text}" if where == "head" else f"{text}\n\n{extra}"
        items.append(Item(it.id, it.family, it.kind, text, outlet))
    return Stream(items, stream.positives, stream.same_topic, stream.lede_pairs, 0)


def boilerplate_rows(
    stream: Stream, seed: int, params: dict[str, float], settings: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """Pair metrics per split (tune / held out), style (wire / feed), boilerplate (none /
    the split's) and removal setting ((0, 0) = off, else (stories, keep))."""
    rows = []
    for which, split in enumerate(("tune", "holdout")):
        part, plates = half(stream, which), BOILERPLATE[4 * which : 4 * which + 4]
        for style, with_plates in itertools.product(("wire", "feed"), (False, True)):
            s = with_outlets(part, seed, plates if with_plates else (), style == "feed")
            for k, keep in settings:
                bp = {"boilerplate_stories": k, "boilerplate_keep": max(keep, 1)}
                r = run(s, **params, **bp)
                rows.append({"split": split, "style": style, "plates": with_plates, **bp, **r})
    return rows


def print_boilerplate(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'split':>7} {'style':>5} {'plates':>6} {'k/keep':>6} | {'pairP':>6} {'pairR':>6} "
        f"{'pairF1':>6} | {'outletFP':>8} {'µs':>5}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        pa, bp = r["pair"], f"{r['boilerplate_stories']}/{r['boilerplate_keep']}"
        print(
            f"{r['split']:>7} {r['style']:>5} {'yes' if r['plates'] else 'no':>6} "
            f"{bp if r['boilerplate_stories'] else 'off':>6} | {pa['precision']:6.3f} "
            f"{pa['recall']:6.3f} {pa['f1']:6.3f} | {r['outlet_fp']:>8} "
            f"{r['us_per_story']:5.0f}"
        )


def boilerplate_report(
    stream: Stream, seed: int, defaults: NearDupIndex, settings: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """Print the boilerplate table at the default threshold; its rows, for the JSON line."""
    params = {"threshold": defaults.threshold, "num_perm": defaults.num_perm}
    rows = boilerplate_rows(stream, seed, {**params, "shingle": defaults.shingle}, settings)
    print_boilerplate(rows)
    keys = ("split", "style", "plates", "boilerplate_stories", "boilerplate_keep", "outlet_fp")
    return [{**{k: r[k] for k in keys}, **r["pair"]} for r in rows]
