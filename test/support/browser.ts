// Headless Chromium for the console's e2e spec: Debian's `chromium` package (installed by
// scripts/setup.sh), driven by playwright-core. No browser is downloaded.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots the console spec keeps (gitignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'console');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
}

/** A full-page screenshot under test-artifacts/console/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The few DOM names the page functions here use. This is a Node program, so the DOM's types are not
 * loaded (they would clash with Node's `fetch`); a function run by `page.evaluate` reaches them
 * through `globalThis` cast to this.
 */
export interface PageGlobals {
  readonly document: { readonly activeElement: PageElement | null; readonly body: unknown };
  readonly sessionStorage: { readonly length: number };
  getComputedStyle(el: PageElement): { readonly outlineStyle: string; readonly outlineWidth: string };
}
interface PageElement {
  readonly id: string;
  readonly tagName: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}

/**
 * axe-core's WCAG 2 A and AA rules on the page as it is. axe is evaluated through the DevTools
 * protocol, not added as a <script>, so the console's CSP (no inline scripts) stays in force.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as PageGlobals).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return (result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/** Presses Tab up to `max` times and returns the id (or accessible text) of each element focused, in order. */
export async function tabOrder(page: Page, max: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      await page.evaluate(() => {
        const { document } = globalThis as unknown as PageGlobals;
        const el = document.activeElement;
        if (!el || el === document.body) return '';
        return el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}`;
      }),
    );
  }
  return seen;
}

/** Whether the focused element shows a focus indicator (an outline that is not none or zero width). */
export function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    const el = page.document.activeElement;
    if (!el || el === page.document.body) return false;
    const style = page.getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  });
}
