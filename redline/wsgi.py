import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redline.settings")
application = get_wsgi_application()

# The search dictionary loads with the worker, not inside a user's first search (core.textsearch).
from core.textsearch import load_dictionary  # noqa: E402 - needs the settings configured above

load_dictionary()
