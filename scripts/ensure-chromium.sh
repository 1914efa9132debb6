#!/usr/bin/env bash
# Install Debian's Chromium for the Playwright tests (Playwright's own browser download cannot work here).
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian chromium for the browser tests..."
  (apt-get -o DPkg::Lock::Timeout=600 update -q && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium fonts-noto-cjk) >/tmp/orgwork-chromium.log 2>&1 \
    || echo "chromium could not be installed (see /tmp/orgwork-chromium.log); browser tests will be skipped"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  (sudo apt-get -o DPkg::Lock::Timeout=600 update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium fonts-noto-cjk) >/tmp/orgwork-chromium.log 2>&1 \
    || echo "chromium could not be installed; browser tests will be skipped"
else
  echo "no /usr/bin/chromium and no way to install it; browser tests will be skipped"
fi
exit 0
