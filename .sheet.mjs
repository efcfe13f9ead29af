import { chromium } from 'playwright-core';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
const dir = process.argv[2], out = process.argv[3], sets = process.argv[4].split(',');
const pages = [...new Set(readdirSync(dir).map((f) => f.replace(/-(en|de|ja|pl)-.*/, '')))].sort();
const only = process.argv[5] ? process.argv[5].split(',') : pages;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 400 * sets.length, height: 600 } });
for (const p of only) {
  const imgs = sets.map((s) => `<img src="${existsSync(`${dir}/${p}-${s}.png`) ? 'data:image/png;base64,' + readFileSync(`${dir}/${p}-${s}.png`).toString('base64') : ''}" style="width:390px;margin-right:10px;vertical-align:top;outline:2px solid #f0f">`).join('');
  await page.setContent(`<body style="margin:0;background:#888;white-space:nowrap">${imgs}</body>`);
  await page.waitForLoadState('load');
  await page.screenshot({ path: `${out}/${p}.png`, fullPage: true });
}
await browser.close();
