"""The project's settings with one extra URL: the bare primary-key view the API is measured against."""

from orgwork.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
BENCH_BARE_VIEWS = True  # the bare ceiling views in bench/urls.py answer only under these settings
