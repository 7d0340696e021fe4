"""English formats: day-first dates (config.formats.common); the rest is Django's."""

from config.formats.common import *  # noqa: F403 (a format module is read by its names)
