"""Development tools, not product: the benchmark (`bench`, behind `scripts/bench` and
`newsstream bench`) and the synthetic stories it and the load tests send (`synth`).

No product module imports this package; the CLI's `bench` command reaches the benchmark
only when it runs. The submodules are imported by name (`streams.devtools.bench`), so that
importing the benchmark's options stays cheap.
"""

__all__ = ["bench", "synth"]
