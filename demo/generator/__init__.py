"""Generated decisions for benchmarks: ``manage.py generate_decisions``."""
