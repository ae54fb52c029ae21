"""Lowest layer: formatting shared by every other layer; imports nothing from ``factcheck``."""
