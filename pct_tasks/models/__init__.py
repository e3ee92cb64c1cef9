"""Real model checkpoints the project can obtain without a model hub (see ``smollm2``)."""
