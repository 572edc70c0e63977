/**
 * Driving Taro's H5 components the way a person does: picker columns are dragged (Taro's weui picker
 * follows the mouse or a finger and settles on the nearest row), a signature is drawn with touch
 * events sent through the Chrome DevTools protocol (Playwright has taps but no touch drags).
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** The element a screen reader names `label` (the app labels every control). */
export const byLabel = (page: Page, label: string) => page.locator(`[aria-label="${label}"]`).first();

/** The input of the form field `field` (FormRenderer gives each field the id `f-<field>`). */
export const fieldInput = (page: Page, field: string) =>
  page.locator(`#f-${field} input, input#f-${field}`).first();

/** Numbered screenshots in `dir` (01-name.png, 02-…), each after the page's slide-in settles. */
export function screenshots(dir: string): (page: Page, name: string) => Promise<void> {
  let step = 0;
  return async (page, name) => {
    await page.waitForTimeout(600); // the page slide-in
    step += 1;
    await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${name}.png`) });
  };
}

/** The picker that is open now (Taro keeps closed ones in the DOM, hidden). */
const openPicker = (page: Page) => page.locator('.weui-picker:visible');

/** Drags column `column` of the open picker until the row `text` sits in the indicator. */
export async function pickColumn(page: Page, column: number, text: string): Promise<void> {
  const group = openPicker(page).locator('.weui-picker__group').nth(column);
  await group.waitFor();
  for (let i = 0; i < 200; i += 1) {
    const delta = await group.evaluate((g, t) => {
      const target = [...g.querySelectorAll('.weui-picker__item')].find((x) => x.textContent === t);
      const indicator = g.querySelector('.weui-picker__indicator');
      if (!target || !indicator) return null;
      const ind = indicator.getBoundingClientRect();
      const row = target.getBoundingClientRect();
      return ind.top + ind.height / 2 - (row.top + row.height / 2);
    }, text);
    if (delta === null) throw new Error(`picker column ${column} has no row「${text}」`);
    if (Math.abs(delta) < 4) return;
    const box = await group.boundingBox();
    if (!box) throw new Error('picker column not visible');
    // Short drags that stay inside the column (leaving it ends the drag).
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const step = Math.max(-90, Math.min(90, delta));
    await page.mouse.move(x, y - step / 2);
    await page.mouse.down();
    await page.mouse.move(x, y + step / 2, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(350); // the 0.3 s settle transition
  }
  throw new Error(`picker column ${column} did not reach「${text}」`);
}

/** Opens a picker by its trigger, drags each column to its row, confirms with 确定. */
export async function pick(page: Page, trigger: Locator, rows: string[]): Promise<void> {
  await trigger.scrollIntoViewIfNeeded();
  await trigger.click();
  await openPicker(page).locator('.weui-picker__group').first().waitFor();
  await page.waitForTimeout(400); // slide-up animation
  for (const [column, text] of rows.entries()) await pickColumn(page, column, text);
  await openPicker(page).locator('.weui-picker__action').filter({ hasText: '确定' }).click();
  await openPicker(page)
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.waitForTimeout(300);
}

/**
 * Draws strokes on an element with a finger. Points are fractions of the element's box, so the same
 * "handwriting" fits any pad size.
 */
export async function drawWithFinger(
  page: Page,
  target: Locator,
  strokes: [number, number][][],
): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error('nothing to draw on');
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const stroke of strokes) {
      const pts = stroke.map(([fx, fy]) => ({ x: box.x + fx * box.width, y: box.y + fy * box.height }));
      const [first] = pts;
      if (!first) continue;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [first] });
      for (let i = 1; i < pts.length; i += 1) {
        const a = pts[i - 1] ?? first;
        const b = pts[i] ?? first;
        for (let k = 1; k <= 8; k += 1)
          await cdp.send('Input.dispatchTouchEvent', {
            type: 'touchMove',
            touchPoints: [{ x: a.x + ((b.x - a.x) * k) / 8, y: a.y + ((b.y - a.y) * k) / 8 }],
          });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
  } finally {
    await cdp.detach();
  }
}

/** 林 in three quick strokes: enough ink to be a signature. */
export const HANDWRITING: [number, number][][] = [
  [
    [0.15, 0.3],
    [0.2, 0.7],
    [0.25, 0.35],
    [0.3, 0.7],
    [0.35, 0.3],
  ],
  [
    [0.45, 0.3],
    [0.45, 0.75],
  ],
  [
    [0.55, 0.5],
    [0.7, 0.45],
    [0.8, 0.6],
    [0.65, 0.7],
    [0.6, 0.4],
  ],
];
