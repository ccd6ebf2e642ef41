"""The search dictionary loads when a server process starts, not inside a user's first search."""

import importlib

import jieba


def test_the_wsgi_application_loads_the_search_dictionary(settings):
    import redline.wsgi

    jieba.dt.initialized = False  # as in a fresh worker process
    importlib.reload(redline.wsgi)
    assert jieba.dt.initialized
