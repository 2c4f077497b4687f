"""Translation engines behind one Translator protocol: Argos (CTranslate2 models), Apertium (rules), and
the routing that picks one per language."""
