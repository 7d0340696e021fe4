"""Settings of the benchmark server: production settings, minus the per-address limits.

The load generator sends every request from one address, so the public lookup's limit (20 per
10 minutes per client address) and the public verification's (MOTCUA_VERIFY_RATE, 20 per 10
minutes) would answer 429 after a few requests; they are lifted here only.
"""

from config.settings import *  # noqa: F403

MOTCUA_LOOKUP_RATE = (10**9, 600)
MOTCUA_VERIFY_RATE = (10**9, 600)
