"""Newsflow's services: each subpackage is one deployable process that shares only ``shared``."""
