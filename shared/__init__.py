"""Newsflow's shared contract: the messages that cross service boundaries and the Celery wiring.

Every service imports this package and nothing from any other service.
"""
