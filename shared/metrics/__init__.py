"""Prometheus metrics: the names operators and autoscalers read (docs/operations.md)."""
