"""registry: the git-based register of government informatization projects and systems."""
__version__ = "0.1.0"
