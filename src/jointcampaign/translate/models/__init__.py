"""Installed translation models: the store and its folders (shelf), the index to install from, and the
probe that checks a package before it is used."""
