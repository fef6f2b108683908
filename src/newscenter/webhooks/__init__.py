"""Webhooks (Standard Webhooks 1.0): endpoints, the events they hear, and their delivery.

``events`` turns the outbox's changes into messages (an article scheduled for 09:00 gets its
"published" message due at 09:00); ``delivery`` sends them from the worker, signed, retried on
the spec's schedule, each attempt logged; ``services`` is how the desk, the API and the CLI
manage endpoints.
"""
