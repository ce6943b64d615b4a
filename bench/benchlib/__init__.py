"""Helpers for bench/bench.py: module fetching, wasm section reading, peers, programs, tables."""
