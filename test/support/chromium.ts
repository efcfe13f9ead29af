import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt package `chromium`), headless, without the background services that reach the network. */
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The browser every end-to-end test (the passkey harness too) and the screenshot tour drive (never a downloaded Playwright build). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}
