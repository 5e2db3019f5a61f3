"""Development tools, not product: the benchmark (`bench`, behind `scripts/bench` and
`newsstream bench`), the synthetic stories it and the load tests send (`synth`), the
near-duplicate evaluation (`neardup_eval`, behind `scripts/eval_neardup`), the category
model's training (`train_categories`, behind `scripts/train_categories`) and where these
tools find the shared dev data (`eval_data`).

No product module imports this package; the CLI's `bench` command reaches the benchmark
only when it runs. The submodules are imported by name (`streams.devtools.bench`), so that
importing the benchmark's options stays cheap.
"""

__all__ = ["bench", "eval_data", "neardup_eval", "synth", "train_categories"]
