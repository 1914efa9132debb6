#!/usr/bin/env bash
# Install what WeasyPrint needs for the PDF letters and notices: pango (with its FreeType backend) and the Noto CJK
# fonts, from Debian's packages. The pip package itself is pinned in pyproject.toml.
set -u
have_libs() { ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" && ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; }
have_fonts() { ls /usr/share/fonts/opentype/noto/NotoSerifCJK-*.ttc >/dev/null 2>&1 || fc-list 2>/dev/null | grep -q "Noto Serif CJK"; }
if have_libs && have_fonts; then exit 0; fi
PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing pango and Noto CJK fonts for the PDF documents..."
  (apt-get -o DPkg::Lock::Timeout=600 update -q && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q $PKGS) >/tmp/orgwork-pdf-libs.log 2>&1 \
    || { echo "pango/fonts could not be installed (see /tmp/orgwork-pdf-libs.log)"; exit 1; }
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  (sudo apt-get -o DPkg::Lock::Timeout=600 update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q $PKGS) >/tmp/orgwork-pdf-libs.log 2>&1 \
    || { echo "pango/fonts could not be installed"; exit 1; }
else
  echo "pango or the Noto CJK fonts are missing and cannot be installed here: install $PKGS" >&2
  exit 1
fi
