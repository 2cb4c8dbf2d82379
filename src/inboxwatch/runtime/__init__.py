"""Orchestration: a scan (pipeline, parallel analyser), the daemon, health checks."""
