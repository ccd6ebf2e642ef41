"""Shared pieces of the list filters (django-filter)."""

import django_filters


class StaticFormFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once per FilterSet class instead of once per request.

    django-filter builds a new form class, and a form field per filter, on every instantiation; a list
    request spent a sixth of its own time there (issue 7). Only for FilterSets whose filters do not depend
    on the request (fixed choices and querysets; labels are lazy, so the language still follows the request).
    """

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_static_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._static_form_class = form_class
        return form_class
