"""Chinese formats as Django ships them, but with ISO first among the input formats: a form field renders
its value in the first input format, and the browser's date and date-time inputs read only ISO
(2027-01-19), so Django's 2027/01/19 left every pre-filled date field of an edit page blank in Chinese —
and a save then lost the date. Typed dates in the Chinese forms are still read in every format."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DATE
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _DATETIME

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _DATE if f != "%Y-%m-%d")]
# A datetime-local input reads "2027-01-19 10:00" (the space stands for the T), not "2027/01/19 10:00".
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", *(f for f in _DATETIME if f != "%Y-%m-%d %H:%M")]
