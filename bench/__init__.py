"""Benchmarks: each module ``bench_<name>.py`` measures one target against its named peer."""
