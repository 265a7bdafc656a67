"""registry: the git-based register of government informatization projects and systems.

Distributed as ``zhengwu-registry`` (the name ``registry`` on the package index is another
project); the import package and the command stay ``registry``."""
DISTRIBUTION = "zhengwu-registry"
__version__ = "0.2.0"
