#!/usr/bin/env bash
# Refresh the message catalogues of the named apps (default: every app with a locale/ folder).
# makemessages merges: existing translations are kept; new strings arrive with an empty msgstr
# (zh_Hans must then be filled in). The English catalogue is filled with msgid, which is English.
set -euo pipefail
cd "$(dirname "$0")/.."
apps=("$@")
if [ ${#apps[@]} -eq 0 ]; then
  for d in */locale; do apps+=("${d%/locale}"); done
fi
for app in "${apps[@]}"; do
  mkdir -p "$app/locale"
  (cd "$app" && DEBUG=true ../.venv/bin/python ../manage.py makemessages -l zh_Hans -l en --no-obsolete \
      --ignore 'tests/*' --ignore 'migrations/*' >/dev/null)
done
.venv/bin/python scripts/fill_english.py "${apps[@]}"
.venv/bin/python scripts/compile_messages.py
