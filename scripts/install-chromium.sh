#!/usr/bin/env bash
# Installs Debian's Chromium for the real-browser tests (Playwright drives /usr/bin/chromium;
# Playwright's own browser download is impossible here). Does nothing if it is present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
