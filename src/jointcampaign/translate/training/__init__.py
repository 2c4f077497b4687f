"""Building small real models from phrase tables: the demo models, `models build`, several at once."""
