import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
application = get_wsgi_application()

# What the process loaded to get here (Django, the apps, the URLconf: 140,000 objects) lives
# as long as it does: kept out of the collector's full passes, which walked it all each time
# (70-130 ms at a time, a page's p99 in bench/sitemaps.py; 3 ms frozen).
gc.freeze()
