"""Customer-data profiles: read a CSV export, keep aggregates, size segments, check claims.

Plain Python on Polars; no Flask, no database. Every result is a JSON-able dict (it crosses
the worker-process boundary and goes into events), and every figure about fewer than k
people is suppressed before it leaves this package. The API and the rules:
docs/profiles.md. Modules: shapes (the JSON shapes), columns (types, roles, masking),
reading (inspect a file), table (load, store), segments, stats, suppression, cards,
claims, refresh, jobs (entry points for the worker pool).
"""
