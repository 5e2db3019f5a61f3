"""Seed story files shipped with newsstream: data only, installed with the package so that
`newsstream run` and the benchmark find their default stories by import
(``streams.sources.seeds.default_seed_file``) in a checkout, an editable install and a
wheel alike. A regular package, not a namespace one: Python 3.11's importlib.resources
cannot read a top-level namespace package of an editable install."""

__all__: list[str] = []
