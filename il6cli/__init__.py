"""il6: a terminal course and spaced-repetition trainer, driven by a folder of YAML content."""

__version__ = "0.1.0"
