"""ketamine-kg: a knowledge graph of the evidence for ketamine and esketamine."""

__version__ = "0.1.0"
