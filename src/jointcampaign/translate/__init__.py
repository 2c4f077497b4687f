"""Offline translation: one Translator protocol, the Argos engine, models built and installed locally.

Submodules are imported on demand; importing this package loads neither argostranslate nor torch.
"""
