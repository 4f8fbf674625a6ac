"""``sections`` and ``export``: placeholder until the library API lands."""
