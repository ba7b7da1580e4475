"""sendwatch: a terminal monitor for MobileConnect SMS sends."""

__version__ = "0.1.0"
