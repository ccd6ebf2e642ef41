"""The production static-files storage: WhiteNoise's compressed, hashed-name manifest.

The vendored packages (scripts/copy_assets.py) ship their scripts without the source maps their last line
names; a source map is a debugging aid, so its reference is left as it is rather than failing
`collectstatic`. Every other reference (url(…), @import) is still rewritten to its hashed name.
"""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for glob, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in (r[0] if isinstance(r, tuple) else r))
        if rules:
            kept.append((glob, rules))
    return tuple(kept)


class ManifestStaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(HashedFilesMixin.patterns)
