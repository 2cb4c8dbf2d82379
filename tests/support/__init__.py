"""Helpers shared by test modules and benchmarks (a Dovecot server, certificates, ...)."""
