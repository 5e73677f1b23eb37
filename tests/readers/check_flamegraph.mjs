// Opens an ior flame graph SVG in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core), takes a screenshot, clicks a frame to zoom,
// resets, searches, and prints one JSON object with what it saw, including
// every JavaScript error. Usage: node check_flamegraph.mjs FILE.svg FRAME SEARCH SHOT.png
import { statSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [svgPath, frameName, searchTerm, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const result = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('pageerror', (e) => result.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') result.errors.push(m.text()); });
  page.on('dialog', (d) => d.accept(searchTerm));
  await page.goto('file://' + svgPath);
  await page.screenshot({ path: shot });
  result.screenshot_bytes = statSync(shot).size;
  result.frames = await page.locator('g.f').count();
  // Distinct fill colours actually painted: a blank page has one.
  result.fills = await page.evaluate(() =>
    new Set(Array.from(document.querySelectorAll('g.f rect')).map((r) => getComputedStyle(r).fill)).size);
  const frame = page.locator(`g.f[data-n="${frameName}"]`).first();
  await frame.locator('rect').click();
  result.zoomed_width = +(await frame.locator('rect').getAttribute('width'));
  result.unzoom_opacity = await page.locator('#unzoom').evaluate((e) => e.style.opacity);
  result.hidden_after_zoom = await page.evaluate(() =>
    Array.from(document.querySelectorAll('g.f')).filter((g) => g.style.display === 'none').length);
  await page.locator('#unzoom').click();
  result.width_after_reset = +(await frame.locator('rect').getAttribute('width'));
  await page.locator('#search').click();
  result.matched = await page.locator('#matched').textContent();
  result.highlighted = await page.evaluate(() =>
    Array.from(document.querySelectorAll('g.f rect')).filter((r) => r.getAttribute('fill') === 'rgb(230,0,230)').length);
  await page.keyboard.press('Escape');
  result.matched_after_escape = await page.locator('#matched').textContent();
} catch (e) {
  result.errors.push('harness: ' + e.message);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
