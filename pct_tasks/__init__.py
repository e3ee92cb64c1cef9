"""pct-tropes: the Political Compass Test under persona/instruction variants, for lm-eval.

Importing this package is cheap: it pulls in nothing heavy (no lm_eval, torch or pandas).
"""

__version__ = "0.1.0"
